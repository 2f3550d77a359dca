/** The incremental aggregate state structures against naive recomputes (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsertionList } from '../../src/aggregates/state/insertion-list.js';
import { MonotonicDeque } from '../../src/aggregates/state/monotonic-deque.js';
import { OrderStatisticTree } from '../../src/aggregates/state/order-statistic-tree.js';
import { OrderedNumbers } from '../../src/aggregates/state/ordered-numbers.js';

const ops = fc.array(
  fc.record({ add: fc.boolean(), value: fc.integer({ min: -50, max: 50 }), pick: fc.nat() }),
  {
    maxLength: 200,
  },
);

describe('OrderStatisticTree', () => {
  it('answers min, max, k-th, size, sum and sums below like a sorted array', () => {
    fc.assert(
      fc.property(ops, (steps) => {
        const tree = new OrderStatisticTree();
        const model: number[] = [];
        for (const step of steps) {
          if (step.add || model.length === 0) {
            tree.add(step.value);
            model.push(step.value);
          } else {
            const victim = model.splice(step.pick % model.length, 1)[0] as number;
            tree.delete(victim);
          }
          const sorted = [...model].sort((a, b) => a - b);
          expect(tree.size).toBe(sorted.length);
          expect(tree.sum).toBe(sorted.reduce((a, b) => a + b, 0));
          expect(tree.min()).toBe(sorted[0]);
          expect(tree.max()).toBe(sorted[sorted.length - 1]);
          const k = step.pick % Math.max(1, sorted.length);
          expect(tree.kth(k)).toBe(sorted[k]);
          const below = sorted.filter((x) => x < step.value);
          expect(tree.below(step.value)).toEqual({
            count: below.length,
            sum: below.reduce((a, b) => a + b, 0),
          });
        }
      }),
    );
  });

  it('handles 100,000 adds and removes without degrading (a rescan would be quadratic)', () => {
    const tree = new OrderStatisticTree();
    for (let i = 0; i < 100_000; i++) tree.add((i * 7919) % 1000);
    for (let i = 0; i < 100_000; i++) tree.delete((i * 7919) % 1000);
    expect(tree.size).toBe(0);
  });
});

describe('MonotonicDeque', () => {
  it('gives the min and max of a FIFO window', () => {
    fc.assert(
      fc.property(ops, (steps) => {
        const min = new MonotonicDeque('min');
        const max = new MonotonicDeque('max');
        const window: number[] = [];
        for (const step of steps) {
          if (step.add || window.length === 0) {
            window.push(step.value);
            min.add(step.value);
            max.add(step.value);
          } else {
            const oldest = window.shift() as number;
            min.removeOldest(oldest);
            max.removeOldest(oldest);
          }
          expect(min.value()).toBe(window.length === 0 ? null : Math.min(...window));
          expect(max.value()).toBe(window.length === 0 ? null : Math.max(...window));
        }
      }),
    );
  });
});

describe('InsertionList', () => {
  it('keeps arrival order under removal of any row', () => {
    fc.assert(
      fc.property(ops, (steps) => {
        const list = new InsertionList<number>();
        const model: { row: object; value: number }[] = [];
        for (const step of steps) {
          if (step.add || model.length === 0) {
            const row = {};
            list.append(row, step.value);
            model.push({ row, value: step.value });
          } else {
            const [victim] = model.splice(step.pick % model.length, 1);
            if (victim !== undefined) list.remove(victim.row);
          }
          expect(list.values()).toEqual(model.map((m) => m.value));
          expect(list.first()).toBe(model[0]?.value);
          expect(list.last()).toBe(model[model.length - 1]?.value);
        }
      }),
    );
  });
});

describe('OrderedNumbers', () => {
  // NaN last, as Java's Double.compareTo sorts (Esper's median).
  const javaOrder = (a: number, b: number) =>
    Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b;
  const values = fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: -20, max: 20 }).map((v) => v / 4) },
    { weight: 1, arbitrary: fc.constant(Number.NaN) },
  );

  it('answers size and k-th like a sorted array, across the switch from array to treap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ add: fc.boolean(), value: values, pick: fc.nat() }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        (steps, switchAt) => {
          const ordered = new OrderedNumbers(switchAt);
          const model: number[] = [];
          for (const step of steps) {
            if (step.add || model.length === 0) {
              ordered.add(step.value);
              model.push(step.value);
            } else {
              const victim = model.splice(step.pick % model.length, 1)[0] as number;
              ordered.delete(victim);
            }
            const sorted = [...model].sort(javaOrder);
            expect(ordered.size).toBe(sorted.length);
            for (let k = 0; k < sorted.length; k++) expect(ordered.kth(k)).toBe(sorted[k]);
            expect(ordered.kth(sorted.length)).toBeUndefined();
          }
        },
      ),
    );
  });

  it('ignores deleting a value it does not hold', () => {
    const ordered = new OrderedNumbers();
    ordered.add(1);
    ordered.delete(2);
    ordered.delete(Number.NaN);
    expect(ordered.size).toBe(1);
  });
});
