/** `from pattern [ … ]`: binds the pattern against the catalog (pending the pattern engine). */
import type { PatternSource } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { AnalyzedSource } from './analyzed-statement.js';
import type { SchemaCatalog } from './schema-catalog.js';
import type { Scope } from './scope.js';

export function bindPatternSource(
  from: PatternSource,
  _catalog: SchemaCatalog,
): {
  source: AnalyzedSource;
  scope: Scope;
  prevAllowed: boolean;
  priorAllowed: boolean;
  priorDepth: { value: number };
} {
  throw new WeirError('analyze/unsupported', 'Patterns are not supported yet', { span: from.span });
}
