/** RowDeque (the ring most windows keep rows in) against a plain array doing the same operations. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { RowDeque, nthNewest } from '../../src/windows/row-deque.js';

type Op =
  | { readonly op: 'push' }
  | { readonly op: 'shift' }
  | { readonly op: 'remove'; readonly pick: number }
  | { readonly op: 'clear' }
  | { readonly op: 'expire'; readonly upTo: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ op: 'push' as const }) },
  { weight: 3, arbitrary: fc.constant({ op: 'shift' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat(64) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('expire' as const), upTo: fc.nat(400) }) },
);

describe('RowDeque', () => {
  it('behaves as an array of (row, stamp) with push, shift, remove by identity and clear', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const deque = new RowDeque();
        let model: Row[] = [];
        let id = 0;
        for (const o of ops) {
          switch (o.op) {
            case 'push': {
              const row = { id: id++ };
              deque.push(row, row.id * 1.5);
              model.push(row);
              break;
            }
            case 'shift':
              expect(deque.shift()).toBe(model.shift());
              break;
            case 'remove': {
              // Half the picks name a row that is not held (already gone or never pushed).
              const target = o.pick % 2 === 0 && model.length > 0 ? model[o.pick % model.length] : { id: -1 };
              const i = model.indexOf(target as Row);
              expect(deque.remove(target as Row)).toBe(i >= 0);
              if (i >= 0) model.splice(i, 1);
              break;
            }
            case 'clear':
              deque.clear();
              model = [];
              break;
            case 'expire': {
              // Leading rows with stamp + 10 <= upTo leave, in order (stamps grow with ids).
              let n = 0;
              while (n < model.length && (model[n]?.id as number) * 1.5 + 10 <= o.upTo) n++;
              const gone = model.splice(0, n);
              expect(deque.shiftStampedUpTo(10, o.upTo)).toEqual(n === 0 ? null : gone);
              break;
            }
          }
          expect(deque.size).toBe(model.length);
          expect(deque.peek()).toBe(model[0]);
          // Stamps travel with their rows through shifts, removals and growth.
          expect(deque.peekStamp()).toBe(model[0] === undefined ? undefined : (model[0].id as number) * 1.5);
        }
        expect(deque.toArray()).toEqual(model);
        model.forEach((row, i) => {
          expect(deque.indexOf(row)).toBe(i);
          expect(deque.at(i)).toBe(row);
          expect(nthNewest(deque, i)).toBe(model[model.length - 1 - i]);
        });
        expect(deque.at(-1)).toBeUndefined();
        expect(deque.at(model.length)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
