import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WeirError } from '../../src/common/errors.js';
import type { Row } from '../../src/common/row.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/runtime/snapshot/codec.js';
import { decodeEventTable, encodeEventTable } from '../../src/runtime/snapshot/event-table.js';
import {
  EventTableReader,
  EventTableWriter,
  type NegativeZero,
} from '../../src/runtime/snapshot/state-io.js';

/**
 * Through the real codec as a snapshot carries the events: the column-wise table plus the
 * writer's list of -0s (MessagePack writes -0 in a column of mixed values as 0; the reader
 * puts them back).
 */
const roundTrip = (rows: Row[]): Row[] => {
  const writer = new EventTableWriter();
  writer.events(rows);
  const payload = { t: writer.table(), z: writer.negativeZeros() };
  const back = decodeSnapshot(encodeSnapshot(payload)) as { t: unknown; z: NegativeZero[] };
  const reader = new EventTableReader(
    back.t,
    () => {
      throw new Error('no timers here');
    },
    back.z,
  );
  return rows.map((_, id) => reader.event(id));
};

/** Same own keys in the same order, each value the same (Object.is, so -0 and NaN count). */
function expectSameRow(actual: Row | undefined, expected: Row, at: number): void {
  expect(actual, `row ${at}`).toBeDefined();
  expect(Object.keys(actual as Row), `keys of row ${at}`).toEqual(Object.keys(expected));
  for (const key of Object.keys(expected)) {
    const a = (actual as Row)[key];
    const e = expected[key];
    if (typeof e === 'number')
      expect(Object.is(a, e), `row ${at}.${key}: ${String(a)} vs ${String(e)}`).toBe(true);
    else expect(a, `row ${at}.${key}`).toEqual(e);
  }
}

const corruption = (table: unknown): string => {
  try {
    decodeEventTable(table);
  } catch (e) {
    if (e instanceof WeirError) return e.code;
    throw e;
  }
  return 'none';
};

describe('column-wise event table', () => {
  it('keeps every row of several shapes, key order and exact numbers', () => {
    const rows: Row[] = [
      { symbol: 'A', price: 1.5, volume: 10, ts: 1000 },
      { user: 'u1', ok: false },
      { symbol: 'B', price: -0, volume: 2 ** 40, ts: 1001 },
      { user: 'u2', ok: true },
      { symbol: null, price: Number.NaN, volume: -7, ts: 1002 },
      { symbol: 'C', price: Number.POSITIVE_INFINITY, volume: 0, ts: 1003 },
      { ts: 5, symbol: 'D' },
      { nested: { a: [1, 2] }, list: ['x', null] },
      { ['__proto__']: 'own', plain: 1 },
      {},
    ];
    Object.defineProperty(rows[8], '__proto__', {
      value: 'own',
      enumerable: true,
      configurable: true,
      writable: true,
    });
    const back = roundTrip(rows);
    expect(back).toHaveLength(rows.length);
    rows.forEach((row, i) => expectSameRow(back[i], row, i));
    // A property named __proto__ stays a property: the prototype is the plain object's.
    expect(Object.getPrototypeOf(back[8])).toBe(Object.prototype);
    expect(Object.hasOwn(back[8] as object, '__proto__')).toBe(true);
  });

  it('writes numeric columns as typed arrays (int32 when every value is one, doubles otherwise)', () => {
    const table = encodeEventTable([
      { i: 1, d: 0.5, s: 'a', z: 0 },
      { i: -3, d: 2, s: 'b', z: -0 },
    ]);
    expect(table.shapeOf).toBeNull();
    const [i, d, s, z] = table.shapes[0]?.columns ?? [];
    expect(i).toBeInstanceOf(Int32Array);
    expect(d).toBeInstanceOf(Float64Array);
    expect(s).toEqual(['a', 'b']);
    // -0 is no int32: the column keeps it as a double.
    expect(z).toBeInstanceOf(Float64Array);
  });

  it('keeps -0 in a column that also holds other values, nested ones too', () => {
    const rows: Row[] = [{ b: -0 }, { b: '' }, { b: 0 }, { b: [1, -0] }];
    const back = roundTrip(rows);
    expect(Object.is(back[0]?.b, -0)).toBe(true);
    expect(back[1]?.b).toBe('');
    expect(Object.is(back[2]?.b, 0)).toBe(true);
    expect(Object.is((back[3]?.b as number[])[1], -0)).toBe(true);
  });

  it('equals the rows for any rows (property)', () => {
    const value = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.string({ maxLength: 4 }),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.integer(), fc.double()), { maxLength: 2 }),
    );
    const key = fc.constantFrom('a', 'b', 'c', 'ts', '1', 'x y');
    const row = fc.dictionary(key, value, { maxKeys: 4 }) as fc.Arbitrary<Row>;
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        const back = roundTrip(rows);
        expect(back).toHaveLength(rows.length);
        rows.forEach((r, i) => expectSameRow(back[i], r, i));
      }),
      { numRuns: 300 },
    );
  });

  it('a malformed table is snapshot/corrupt', () => {
    const good = encodeEventTable([{ a: 1 }, { b: 'x' }, { a: 2 }]);
    expect(corruption(good)).toBe('none');
    expect(corruption(null)).toBe('snapshot/corrupt');
    expect(corruption({ ...good, count: 4 })).toBe('snapshot/corrupt');
    expect(corruption({ ...good, shapeOf: Uint8Array.of(0, 5, 0) })).toBe('snapshot/corrupt');
    expect(
      corruption({ ...good, shapes: [{ keys: ['a'], columns: [Int32Array.of(1)] }, good.shapes[1]] }),
    ).toBe('snapshot/corrupt');
    expect(corruption({ ...good, shapes: [{ keys: ['a', 'b'], columns: [[1, 2]] }, good.shapes[1]] })).toBe(
      'snapshot/corrupt',
    );
    expect(corruption({ count: 1, shapeOf: null, shapes: [] })).toBe('snapshot/corrupt');
  });
});
