import type { Row } from '../common/row.js';
/**
 * Group keys: the value itself for one group-by expression (a Map key), a string encoding
 * for several (JSON keeps 1 and "1" apart).
 */
import { valueKey } from '../common/value-key.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';

export type GroupKeyFn = (row: Row, ctx: EvalFrame) => unknown;

export function makeGroupKey(fns: readonly CompiledExpr[]): GroupKeyFn {
  const [only] = fns;
  if (fns.length === 1 && only !== undefined) return only;
  return (row, ctx) => valueKey(fns.map((f) => f(row, ctx)));
}
