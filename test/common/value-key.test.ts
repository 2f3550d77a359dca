/** Keys for values: NaN, Infinity, -Infinity and null are four keys, not one (issue 13 §2). */
import { describe, expect, it } from 'vitest';
import { exactKey, valueKey } from '../../src/common/value-key.js';
import { createEngine } from '../../src/index.js';

describe('valueKey', () => {
  it('keeps non-finite numbers apart from null and from each other', () => {
    const keys = [null, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, '0', 'null'].map(
      (v) => valueKey([v, 'a']),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(valueKey([1, 'x'])).toBe(JSON.stringify([1, 'x']));
    expect(exactKey({ v: -0 })).not.toBe(exactKey({ v: 0 }));
  });

  it('group by over two keys keeps NaN, Infinity and null groups apart', () => {
    const engine = createEngine();
    const [s] = engine.deploy(
      'create schema T(k string, x double); select k, x, count(*) as c from T group by k, x',
    );
    const rows: unknown[] = [];
    s?.subscribe((n) => rows.push(...(n ?? [])));
    const xs = [null, Number.NaN, Number.POSITIVE_INFINITY, null, Number.NaN];
    xs.forEach((x, i) => engine.send('T', { k: 'a', x }, i));
    expect(rows.map((r) => (r as { c: number }).c)).toEqual([1, 1, 1, 2, 2]);
  });

  it('select distinct and #unique on two properties do too', () => {
    const engine = createEngine();
    const [u] = engine.deploy(
      'create schema T(k string, x double); select irstream k, x from T#unique(k, x)',
    );
    const old: unknown[] = [];
    u?.subscribe((_n, o) => old.push(...(o ?? [])));
    engine.send('T', { k: 'a', x: null }, 1);
    engine.send('T', { k: 'a', x: Number.NaN }, 2); // a new key: displaces nothing
    engine.send('T', { k: 'a', x: null }, 3); // replaces the first
    expect(old).toEqual([{ k: 'a', x: null }]);
  });
});
