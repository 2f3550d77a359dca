/**
 * Group keys: the value itself for one group-by expression (a Map key), a string encoding
 * for several (JSON keeps 1 and "1" apart).
 */
import type { Row } from '../common/row.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';

export type GroupKeyFn = (row: Row, ctx: EvalFrame) => unknown;

export function makeGroupKey(fns: readonly CompiledExpr[]): GroupKeyFn {
  const [only] = fns;
  if (fns.length === 1 && only !== undefined) return only;
  return (row, ctx) => JSON.stringify(fns.map((f) => f(row, ctx)));
}
