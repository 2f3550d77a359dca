/**
 * One `Stream(filter)#window… [match_recognize …] [as alias]` in a from clause: its schema,
 * stream filter, window chain, and the scope its properties resolve in.
 */
import type { StreamSource } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { MatchRecognizePlan } from '../patterns/match-recognize/mr-plan.js';
import type { AnalyzedSource } from '../plan/analyzed-statement.js';
import type { PlanSchema, WindowStage } from '../plan/logical-plan.js';
import { validateWindowChain } from '../windows/window-chain.js';
import { analyzeWindow } from './analyze-window.js';
import { type BindContext, type SubqueryBinder, bindExpr, streamFilterContext } from './bind-expr.js';
import type { InfraBindings } from './bind-infra.js';
import { bindMatchRecognizeSource } from './bind-match-recognize-source.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { type Scope, columnScope, streamScope } from './scope.js';

export interface SourceAnalysis {
  readonly source: AnalyzedSource;
  readonly scope: Scope;
  readonly prevAllowed: boolean;
  readonly priorAllowed: boolean;
  readonly priorDepth: { value: number };
}

export function analyzeStreamSource(
  from: StreamSource,
  catalog: SchemaCatalog,
  infra?: InfraBindings,
  subqueries?: SubqueryBinder,
): SourceAnalysis {
  const schema = catalog.require(from.stream);
  const rawScope = streamScope(schema, from.alias?.name);
  const priorDepth = { value: 0 };
  const filterCtx = streamFilterContext(rawScope, infra, subqueries);
  const filters = from.filters.map((f) => bindExpr(f, filterCtx));
  const filter = conjunction(filters);
  const windows: WindowStage[] = from.windows.map((w) => analyzeWindow(w, rawScope));
  validateWindowChain(
    windows,
    from.windows.map((w) => w.span),
  );
  const inputSchema: PlanSchema = [...schema.properties].map(([name, type]) => ({ name, type }));
  const union = from.retain === 'union' && windows.length > 1;
  if (union) checkUnion(windows, from);
  const source = (matchRecognize: MatchRecognizePlan | undefined) =>
    ({
      kind: 'stream',
      stream: schema.name,
      filter,
      windows,
      ...(union ? { union } : {}),
      priorDepth: 0,
      matchRecognize,
      inputSchema,
    }) as const;
  if (from.matchRecognize !== undefined) {
    const recognizer = bindMatchRecognizeSource(from.matchRecognize, schema, rawScope);
    return {
      source: source(recognizer.plan),
      scope: columnScope(recognizer.columns, 'the match_recognize measures'),
      prevAllowed: false,
      priorAllowed: false,
      priorDepth,
    };
  }
  const dataWindows = windows.filter((w) => w.def.name !== 'groupwin');
  const prevAllowed = dataWindows.length === 1 && dataWindows[0]?.def.traits.ordered === true;
  return { source: source(undefined), scope: rawScope, prevAllowed, priorAllowed: true, priorDepth };
}

export function conjunction(parts: readonly BoundExpr[]): BoundExpr | undefined {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { kind: 'Logic', op: 'and', operands: parts, type: 'boolean' };
}

/** `retain-union` unions plain data windows (Esper's UnionView). */
function checkUnion(windows: readonly WindowStage[], from: StreamSource): void {
  const odd = windows.find((w) => w.def.name === 'groupwin' || FIRST_X_WINDOWS.has(w.def.name));
  if (odd !== undefined) {
    throw new WeirError(
      'analyze/unsupported',
      `retain-union with #${odd.def.name} is not supported yet: union windows such as #length(3)#time(3 sec) retain-union`,
      { span: from.span },
    );
  }
}

const FIRST_X_WINDOWS = new Set(['firstlength', 'firstunique', 'firstevent']);
