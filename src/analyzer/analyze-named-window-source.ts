/**
 * `from W[(filter)] [as w]` where W is a named window: the statement consumes what the window
 * posts (its insert stream and, for irstream/aggregation, its remove stream). As in Esper a
 * consumer declares no data window of its own (the named window is the window), and its
 * filter applies to the posted rows, new and old alike.
 */
import type { StreamSource } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { NamedWindowDef } from '../plan/infra-defs.js';
import type { PlanSchema } from '../plan/logical-plan.js';
import type { SourceAnalysis } from './analyze-stream-source.js';
import { conjunction } from './analyze-stream-source.js';
import { type BindContext, bindExpr, streamFilterContext } from './bind-expr.js';
import type { InfraBindings } from './bind-infra.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { streamScope } from './scope.js';

export function analyzeNamedWindowSource(
  from: StreamSource,
  window: NamedWindowDef,
  catalog: SchemaCatalog,
  infra: InfraBindings | undefined,
): SourceAnalysis {
  const first = from.windows[0];
  if (first !== undefined) {
    throw new WeirError(
      'analyze/unsupported',
      `'${window.name}' is a named window: a statement reading it cannot declare a data window of its own (#${first.name.name})`,
      { span: first.span },
    );
  }
  if (from.matchRecognize !== undefined) {
    throw new WeirError(
      'analyze/unsupported',
      `match_recognize over the named window '${window.name}' is not supported`,
      {
        span: from.matchRecognize.span,
      },
    );
  }
  const scope = streamScope(catalog.require(from.stream), from.alias?.name);
  const filterCtx = streamFilterContext(scope, infra);
  const filter = conjunction(from.filters.map((f) => bindExpr(f, filterCtx)));
  const inputSchema: PlanSchema = window.schema;
  return {
    source: { kind: 'named-window', window: window.name, filter, inputSchema },
    scope,
    prevAllowed: false,
    priorAllowed: false,
    priorDepth: { value: 0 },
  };
}
