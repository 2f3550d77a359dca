/** The join's hash index: exact `===` keys per part, null/NaN never indexed, removal prunes. */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { JoinIndex } from '../../src/operators/join-index.js';

describe('JoinIndex', () => {
  it('finds events by one key and forgets removed ones', () => {
    const index = new JoinIndex([(e) => e.k]);
    const a: Row = { k: 1 };
    const b: Row = { k: 1 };
    const c: Row = { k: '1' };
    for (const e of [a, b, c]) index.add(e);
    expect([...(index.lookup1(1) ?? [])]).toEqual([a, b]);
    expect([...(index.lookup1('1') ?? [])]).toEqual([c]);
    index.remove(a);
    expect([...(index.lookup1(1) ?? [])]).toEqual([b]);
    index.remove(b);
    expect(index.lookup1(1)).toBeUndefined();
  });

  it('never matches null or NaN keys', () => {
    const index = new JoinIndex([(e) => e.k]);
    index.add({ k: null });
    index.add({ k: Number.NaN });
    expect(index.lookup1(null)).toBeUndefined();
    expect(index.lookup1(Number.NaN)).toBeUndefined();
  });

  it('keys on several parts, each compared exactly', () => {
    const index = new JoinIndex([(e) => e.x, (e) => e.y]);
    const a: Row = { x: 1, y: 'p' };
    const b: Row = { x: 1, y: 'q' };
    const n: Row = { x: 1, y: null };
    for (const e of [a, b, n]) index.add(e);
    expect([...(index.lookup([1, 'p']) ?? [])]).toEqual([a]);
    expect([...(index.lookup([1, 'q']) ?? [])]).toEqual([b]);
    expect(index.lookup([1, null])).toBeUndefined();
    expect(index.lookup(['1', 'p'])).toBeUndefined();
    index.remove(a);
    index.remove(n);
    expect(index.lookup([1, 'p'])).toBeUndefined();
    expect([...(index.lookup([1, 'q']) ?? [])]).toEqual([b]);
  });
});
