/** The deadline FIFO against a plain array, over long random runs (crossing its compaction). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../src/patterns/deadline-queue.js';

const op = fc.oneof(
  fc.record({
    kind: fc.constant('push' as const),
    gap: fc.constantFrom(0, 0, 1, 7, 1000),
    n: fc.integer({ min: 1, max: 700 }),
  }),
  fc.record({ kind: fc.constant('shift' as const), n: fc.integer({ min: 1, max: 900 }) }),
);

describe('DeadlineQueue', () => {
  it('behaves as an array consumed from the front', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const queue = new DeadlineQueue<number>();
        const model: [number, number][] = [];
        let deadline = 0;
        let id = 0;
        for (const o of ops) {
          for (let i = 0; i < o.n; i++) {
            if (o.kind === 'push') {
              deadline += i === 0 ? o.gap : 0;
              queue.push(deadline, id);
              model.push([deadline, id++]);
            } else if (queue.shift() !== model.shift()?.[1]) return false;
            // Plain comparisons, not expect(): up to 27,000 steps a run, and expect() per step
            // made this property take tens of seconds.
            if (queue.size !== model.length) return false;
            if (queue.headDeadline() !== model[0]?.[0]) return false;
            if (queue.headItem() !== model[0]?.[1]) return false;
          }
        }
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a deadline earlier than the last one', () => {
    const queue = new DeadlineQueue<string>();
    queue.push(10, 'a');
    expect(() => queue.push(9, 'b')).toThrow(/before the last one/);
    queue.shift();
    queue.push(5, 'c');
    expect(queue.headItem()).toBe('c');
  });
});
