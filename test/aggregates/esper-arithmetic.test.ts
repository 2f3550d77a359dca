/**
 * Esper's own aggregate arithmetic (its output is the reference, rounding included). Each
 * expectation is derived by hand from Esper 9's aggregator source: AggregatorSumNonBig /
 * AggregatorAvgNonBig (plain double sum, reset when the last value leaves), AggregatorCount
 * (never below zero), AggregatorAvedev (a sum never reset; deviations summed in Java HashMap
 * order over RefCountedSet<Double>), AggregatorStddev (Welford, sqrt of a residue below 0 is NaN).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Aggregator } from '../../src/aggregates/aggregate-def.js';
import { createAggregator } from '../../src/aggregates/create-aggregator.js';
import { lookupAggregate } from '../../src/aggregates/registry.js';
import { JavaHashDoubles, javaDoubleHash } from '../../src/aggregates/state/java-hash-doubles.js';

function agg(fn: string, distinct = false): Aggregator {
  const def = lookupAggregate(fn);
  if (def === undefined) throw new Error(fn);
  return createAggregator(def, { distinct });
}

const NO_ROW = {} as never;

describe("Esper's aggregate arithmetic", () => {
  it('avg keeps the plain double residue of adding and removing (0.1 + 0.2 − 0.1)', () => {
    const a = agg('avg');
    a.add(0.1, NO_ROW);
    a.add(0.2, NO_ROW);
    a.remove(0.1, NO_ROW);
    // (0.1 + 0.2) − 0.1 = 0.30000000000000004 − 0.1 = 0.20000000000000004 in doubles.
    expect(a.value()).toBe(0.1 + 0.2 - 0.1);
    expect(a.value()).not.toBe(0.2);
  });

  it('sum resets to zero when the last value leaves, whatever the residue', () => {
    const s = agg('sum');
    s.add(0.1, NO_ROW);
    s.add(0.2, NO_ROW);
    s.remove(0.2, NO_ROW);
    s.remove(0.1, NO_ROW);
    expect(s.value()).toBeNull();
    s.add(0.3, NO_ROW);
    expect(s.value()).toBe(0.3);
  });

  it('count never goes below zero (an event posted as old twice)', () => {
    const c = agg('count');
    c.add(1, NO_ROW);
    c.remove(1, NO_ROW);
    c.remove(1, NO_ROW);
    expect(c.value()).toBe(0);
    c.add(1, NO_ROW);
    expect(c.value()).toBe(1);
  });

  it('avedev keeps the residue of values that came and went in its mean', () => {
    const a = agg('avedev');
    a.add(0.1, NO_ROW);
    a.add(0.2, NO_ROW);
    a.remove(0.1, NO_ROW);
    a.remove(0.2, NO_ROW);
    // sum = 0.1 + 0.2 − 0.1 − 0.2 = 2.7755575615628914e-17, never reset.
    const residue = 0.1 + 0.2 - 0.1 - 0.2;
    expect(residue).not.toBe(0);
    a.add(5, NO_ROW);
    // mean = (residue + 5) / 1; avedev = |5 − mean| / 1
    expect(a.value()).toBe(Math.abs(5 - (residue + 5)));
  });

  it('stddev of equal values after removals is NaN when the residue is negative (sqrt of < 0)', () => {
    // Welford with removal over 0.1, 0.1, 0.3, 0.3, then 0.1 and 0.1 leave: qn ends at
    // −1.3877787807814457e-17 (computed by Esper's formulas step by step), so sqrt(qn / 1)
    // is NaN, as Esper 9 reports (conformance rnx-031 has such a "NaN").
    const s = agg('stddev');
    for (const v of [0.1, 0.1, 0.3, 0.3]) s.add(v, NO_ROW);
    s.remove(0.1, NO_ROW);
    s.remove(0.1, NO_ROW);
    expect(s.value()).toBeNaN();
  });

  it('distinct: removing an unknown value still reaches the function (Esper RefCountedSet)', () => {
    const c = agg('count', true);
    c.add(1, NO_ROW);
    c.remove(2, NO_ROW);
    expect(c.value()).toBe(0);
  });
});

describe('JavaHashDoubles (HashMap<Double,Integer> iteration order)', () => {
  it('hashes as Double.hashCode spread by HashMap.hash', () => {
    // 1.0 = 0x3FF0000000000000: h = 0x3FF00000, spread h ^ h>>>16 = 0x3FF03FF0.
    expect(javaDoubleHash(1) >>> 0).toBe(0x3ff03ff0);
    // 0.1 = 0x3FB999999999999A: h = 0x3FB99999 ^ 0x9999999A = 0xA6200003, spread 0xA620A623.
    expect(javaDoubleHash(0.1) >>> 0).toBe(0xa620a623);
    // -0.0 = 0x8000000000000000 differs from 0.0 (hash 0).
    expect(javaDoubleHash(-0) >>> 0).toBe(0x80008000);
    expect(javaDoubleHash(0)).toBe(0);
  });

  it('iterates by bucket of the 16-slot table, then insertion order within a bucket', () => {
    const set = new JavaHashDoubles();
    // Buckets (hash & 15): 1.5 → 8, 0.1 → 3, 1.0 → 0, 3.0 → 8 (0x40080000 ^ 0x4008).
    for (const d of [1.5, 0.1, 1, 3, 1.5]) set.add(d);
    expect(set.inIterationOrder().map((e) => [e.value, e.count])).toEqual([
      [1, 1],
      [0.1, 1],
      [1.5, 2],
      [3, 1],
    ]);
    expect(set.size).toBe(5);
  });

  it('grows the table past 12 keys and keeps every key with its count', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -40, max: 40 }), { maxLength: 60 }), (xs) => {
        const set = new JavaHashDoubles();
        const model = new Map<number, number>();
        for (const x of xs) {
          set.add(x / 4);
          model.set(x / 4, (model.get(x / 4) ?? 0) + 1);
        }
        const seen = set.inIterationOrder();
        expect(new Map(seen.map((e) => [e.value, e.count]))).toEqual(model);
        expect(set.size).toBe(xs.length);
      }),
      { numRuns: 100 },
    );
  });
});
