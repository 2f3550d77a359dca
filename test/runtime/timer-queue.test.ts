import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerQueue } from '../../src/runtime/timer-queue.js';

describe('TimerQueue', () => {
  it('fires in due order, equal due times in scheduling order', () => {
    const q = new TimerQueue();
    const fired: string[] = [];
    q.schedule(300, () => fired.push('c'));
    q.schedule(100, () => fired.push('a1'));
    q.schedule(200, () => fired.push('b'));
    q.schedule(100, () => fired.push('a2'));
    for (let t = q.popDue(250); t !== undefined; t = q.popDue(250)) t.run(t.due);
    expect(fired).toEqual(['a1', 'a2', 'b']);
    expect(q.peekDue()).toBe(300);
  });

  it('does not fire cancelled timers', () => {
    const q = new TimerQueue();
    const fired: number[] = [];
    const id = q.schedule(10, () => fired.push(10));
    q.schedule(20, () => fired.push(20));
    q.cancel(id);
    for (let t = q.popDue(100); t !== undefined; t = q.popDue(100)) t.run(t.due);
    expect(fired).toEqual([20]);
    expect(q.size).toBe(0);
  });

  it('matches a sorted reference on random schedules and cancellations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ due: fc.integer({ min: 0, max: 50 }), cancel: fc.boolean() }), {
          maxLength: 60,
        }),
        (ops) => {
          const q = new TimerQueue();
          const fired: number[] = [];
          const expected: { due: number; i: number }[] = [];
          ops.forEach((op, i) => {
            const id = q.schedule(op.due, () => fired.push(i));
            if (op.cancel) q.cancel(id);
            else expected.push({ due: op.due, i });
          });
          for (let t = q.popDue(1000); t !== undefined; t = q.popDue(1000)) t.run(t.due);
          expected.sort((a, b) => a.due - b.due || a.i - b.i);
          expect(fired).toEqual(expected.map((e) => e.i));
        },
      ),
    );
  });
});
