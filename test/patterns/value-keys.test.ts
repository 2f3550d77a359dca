/**
 * Keys built from values (match_recognize partitions, every-distinct keys) keep NaN, Infinity,
 * -Infinity and null apart, as Esper's hash keys do (Java's Double.equals: NaN equals NaN, and
 * NaN, the infinities and null are four different keys). JSON.stringify writes all four as
 * `null`, which put them in one partition and made them one distinct key.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import type { Row } from '../../src/index.js';

const X = [Number.NaN, null, Number.POSITIVE_INFINITY, Number.NaN, null, Number.NEGATIVE_INFINITY];

function collect(epl: string, events: readonly Row[]): Row[] {
  const engine = createEngine();
  const stmt = engine.deploy(`create schema S(k string, x double, v int); ${epl}`).at(-1);
  const rows: Row[] = [];
  stmt?.subscribe((n) => rows.push(...(n ?? [])));
  events.forEach((e, i) => engine.send('S', e, (i + 1) * 1000));
  return rows;
}

describe('keys made of values', () => {
  it('match_recognize partitions by several keys keep NaN, Infinity and null apart', () => {
    // Partitions (p, x): NaN holds v 1 and 4, null holds 2 and 5; Infinity and -Infinity one row each.
    const events = X.map((x, i) => ({ k: 'p', x, v: i + 1 }));
    expect(
      collect(
        'select * from S match_recognize (partition by k, x measures A.v as a, B.v as b pattern (A B) define B as true)',
        events,
      ),
    ).toEqual([
      { a: 1, b: 4 },
      { a: 2, b: 5 },
    ]);
  });

  it('every-distinct sees NaN, null, Infinity and -Infinity as four keys (a repeat of each is not distinct)', () => {
    const events = X.map((x, i) => ({ k: 'p', x, v: i + 1 }));
    expect(collect('select a.v as v from pattern [every-distinct(a.x) a=S]', events)).toEqual([
      { v: 1 },
      { v: 2 },
      { v: 3 },
      { v: 6 },
    ]);
    // Two keys: (p, NaN) repeats, (q, NaN) is new.
    const two = [
      { k: 'p', x: Number.NaN, v: 1 },
      { k: 'p', x: Number.NaN, v: 2 },
      { k: 'q', x: Number.NaN, v: 3 },
      { k: 'q', x: null, v: 4 },
    ];
    expect(collect('select a.v as v from pattern [every-distinct(a.k, a.x) a=S]', two)).toEqual([
      { v: 1 },
      { v: 3 },
      { v: 4 },
    ]);
  });
});
