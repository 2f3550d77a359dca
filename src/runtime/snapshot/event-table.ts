/**
 * The snapshot's event table written column-wise: events are grouped by shape (their
 * property names, in order: one shape per event type, as the engine's normalizer builds
 * them), and each shape keeps one column per property. A column whose values are all
 * numbers is a typed array (Int32Array when every value is a 32-bit integer, else
 * Float64Array, which keeps -0, NaN and infinities exactly); any other column is an array of
 * its values. Writing 200,000 events is then a few typed-array copies and string lists
 * instead of 200,000 MessagePack maps, and reading them back builds each row with one
 * generated object literal per shape, so restored rows have the normalizer's layout.
 */
import { BoundedCache } from '../../common/bounded-cache.js';
import { WeirError } from '../../common/errors.js';
import type { Row } from '../../common/row.js';

/** One shape's events, in id order. */
export interface EventShapeState {
  readonly keys: readonly string[];
  /** One column per key, each as long as the shape has events. */
  readonly columns: readonly (Float64Array | Int32Array | unknown[])[];
}

/** The event table in a snapshot (common/state.ts, rule 3). */
export interface EventTableState {
  readonly count: number;
  /** Each event's shape by id; null when every event has the first shape. */
  readonly shapeOf: Uint8Array | Uint16Array | Uint32Array | null;
  readonly shapes: readonly EventShapeState[];
}

interface ShapeBuilder {
  readonly index: number;
  readonly keys: string[];
  readonly rows: Row[];
}

/** The table of `rows` (ids are their positions). */
export function encodeEventTable(rows: readonly Row[]): EventTableState {
  const shapes: ShapeBuilder[] = [];
  const byKeys = new Map<string, ShapeBuilder>();
  const shapeOf = new Uint32Array(rows.length);
  let last: ShapeBuilder | undefined;
  for (let id = 0; id < rows.length; id++) {
    const row = rows[id] as Row;
    let shape = last;
    if (shape === undefined || !hasKeys(row, shape.keys)) {
      const keys = Object.keys(row);
      const signature = keys.join('\u0000');
      shape = byKeys.get(signature);
      if (shape === undefined) {
        shape = { index: shapes.length, keys, rows: [] };
        byKeys.set(signature, shape);
        shapes.push(shape);
      }
      last = shape;
    }
    shape.rows.push(row);
    shapeOf[id] = shape.index;
  }
  return {
    count: rows.length,
    shapeOf: shapes.length <= 1 ? null : narrow(shapeOf, shapes.length),
    shapes: shapes.map((s) => ({ keys: s.keys, columns: extractor(s.keys)(s.rows).map(compactColumn) })),
  };
}

/** The rows of a table, by id; a malformed table is `snapshot/corrupt`. */
export function decodeEventTable(table: unknown): Row[] {
  const t = table as EventTableState;
  if (
    typeof t !== 'object' ||
    t === null ||
    !Number.isInteger(t.count) ||
    t.count < 0 ||
    !Array.isArray(t.shapes)
  ) {
    throw corrupt('the event table is malformed');
  }
  const { count, shapes, shapeOf } = t;
  const rows = new Array<Row>(count);
  if (shapes.length === 0) {
    if (count > 0) throw corrupt('the event table has events but no shapes');
    return rows;
  }
  if (shapeOf === null) {
    fill(shapes[0] as EventShapeState, count, undefined, rows);
    return rows;
  }
  if (!ArrayBuffer.isView(shapeOf) || shapeOf.length !== count)
    throw corrupt('the event table lists no shape per event');
  const ids = shapes.map((): number[] => []);
  for (let id = 0; id < count; id++) {
    const list = ids[shapeOf[id] as number];
    if (list === undefined) throw corrupt(`event ${id} has an unknown shape`);
    list.push(id);
  }
  shapes.forEach((shape, i) => {
    const list = ids[i] as number[];
    fill(shape, list.length, list, rows);
  });
  return rows;
}

/** Builds a shape's `n` rows into `rows` (at `ids`, or at 0…n-1). */
function fill(shape: EventShapeState, n: number, ids: number[] | undefined, rows: Row[]): void {
  const { keys, columns } = shape ?? {};
  if (
    !Array.isArray(keys) ||
    !Array.isArray(columns) ||
    keys.length !== columns.length ||
    keys.some((k) => typeof k !== 'string')
  ) {
    throw corrupt('an event shape is malformed');
  }
  for (const column of columns) {
    if (
      !(Array.isArray(column) || column instanceof Float64Array || column instanceof Int32Array) ||
      column.length !== n
    ) {
      throw corrupt('an event column does not match its shape');
    }
  }
  builder(keys)(columns, n, ids, rows);
}

/** Whether `row`'s own enumerable keys are exactly `keys`, in order. */
function hasKeys(row: Row, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in row) {
    if (keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}

function narrow(shapeOf: Uint32Array, shapes: number): Uint8Array | Uint16Array | Uint32Array {
  if (shapes <= 0x100) return Uint8Array.from(shapeOf);
  if (shapes <= 0x10000) return Uint16Array.from(shapeOf);
  return shapeOf;
}

/** Numbers as a typed array (Int32Array when every value is a 32-bit integer and none is -0). */
function compactColumn(values: unknown[]): Float64Array | Int32Array | unknown[] {
  let int32 = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') return values;
    if (int32 && ((v | 0) !== v || Object.is(v, -0))) int32 = false;
  }
  return int32 ? Int32Array.from(values as number[]) : Float64Array.from(values as number[]);
}

/** A property name in generated code (`__proto__` as a computed key, which defines a property). */
function literalKey(key: string): string {
  return key === '__proto__' ? `[${JSON.stringify(key)}]` : JSON.stringify(key);
}

type Extractor = (rows: readonly Row[]) => unknown[][];
type Builder = (
  columns: readonly ArrayLike<unknown>[],
  n: number,
  ids: readonly number[] | undefined,
  rows: Row[],
) => void;

const extractors = new BoundedCache<string, Extractor>(1_000);
const builders = new BoundedCache<string, Builder>(1_000);

/** Reads each property by name (one generated function per shape), into one array per property. */
function extractor(keys: readonly string[]): Extractor {
  return extractors.get(keys.join('\u0000'), () => {
    const decl = keys.map((_, i) => `const c${i} = new Array(rows.length);`).join('\n');
    const reads = keys.map((k, i) => `c${i}[j] = row[${JSON.stringify(k)}];`).join(' ');
    const result = keys.map((_, i) => `c${i}`).join(', ');
    return new Function(
      'rows',
      `${decl}\nfor (let j = 0; j < rows.length; j++) { const row = rows[j]; ${reads} }\nreturn [${result}];`,
    ) as Extractor;
  });
}

/** Builds rows with one object literal of the shape's keys (the layout the normalizer gives). */
function builder(keys: readonly string[]): Builder {
  return builders.get(keys.join('\u0000'), () => {
    const cols = keys.map((_, i) => `const c${i} = columns[${i}];`).join('\n');
    const fields = keys.map((k, i) => `${literalKey(k)}: c${i}[j]`).join(', ');
    return new Function(
      'columns',
      'n',
      'ids',
      'rows',
      `${cols}\nif (ids === undefined) for (let j = 0; j < n; j++) rows[j] = { ${fields} };\n` +
        `else for (let j = 0; j < n; j++) rows[ids[j]] = { ${fields} };`,
    ) as Builder;
  });
}

function corrupt(detail: string): WeirError {
  return new WeirError('snapshot/corrupt', `The snapshot is corrupt: ${detail}`);
}
