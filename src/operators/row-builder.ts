/**
 * Output rows for a select list, built by one generated function per statement so every
 * row has the same shape and no per-column loop runs per event.
 */
import type { Row } from '../common/row.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';

export type RowBuilder = (row: Row, ctx: EvalFrame) => Row;

const functionIds = new WeakMap<CompiledExpr, number>();
let nextFunctionId = 0;
const builders = new Map<string, RowBuilder>();

function idOf(fn: CompiledExpr): number {
  let id = functionIds.get(fn);
  if (id === undefined) {
    id = nextFunctionId++;
    functionIds.set(fn, id);
  }
  return id;
}

/** Shared across statements with the same columns (see compileExpr's cache: same reason). */
export function makeRowBuilder(columns: readonly { name: string; fn: CompiledExpr }[]): RowBuilder {
  const key = JSON.stringify(columns.map((c) => [c.name, idOf(c.fn)]));
  let builder = builders.get(key);
  if (builder === undefined) {
    builder = generateRowBuilder(columns);
    if (builders.size >= 10_000) builders.clear();
    builders.set(key, builder);
  }
  return builder;
}

function generateRowBuilder(columns: readonly { name: string; fn: CompiledExpr }[]): RowBuilder {
  const fns = columns.map((c) => c.fn);
  const body = columns.map((c, i) => `${JSON.stringify(c.name)}: f[${i}](row, ctx)`).join(',\n    ');
  return new Function('f', `return function buildRow(row, ctx) {\n  return {\n    ${body}\n  };\n};`)(
    fns,
  ) as RowBuilder;
}

/** Order-by keys for one row, compared by `compareKeys`. */
export type KeyBuilder = (row: Row, ctx: EvalFrame) => unknown[];

export function makeKeyBuilder(fns: readonly CompiledExpr[]): KeyBuilder {
  return (row, ctx) => fns.map((f) => f(row, ctx));
}

/** Null ranks below every value, as in Esper's order-by comparator. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Sorts rows by precomputed keys; stable, so equal keys keep delivery order. */
export function sortRows(rows: Row[], keys: unknown[][], descending: readonly boolean[]): Row[] {
  const order = rows.map((_, i) => i);
  order.sort((i, j) => {
    const ki = keys[i] as unknown[];
    const kj = keys[j] as unknown[];
    for (let k = 0; k < descending.length; k++) {
      const c = compareValues(ki[k], kj[k]);
      if (c !== 0) return descending[k] ? -c : c;
    }
    return i - j;
  });
  return order.map((i) => rows[i] as Row);
}
