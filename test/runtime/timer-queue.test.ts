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

  it('reschedule reuses a fired timer of the same callback, never one still queued or of another callback', () => {
    const q = new TimerQueue();
    const fired: string[] = [];
    const tick = (due: number) => fired.push(`tick@${due}`);
    const first = q.schedule(10, tick);
    const other = q.schedule(15, () => fired.push('other'));
    // Still queued: a new timer.
    expect(q.reschedule(first, 12, tick)).not.toBe(first);
    const popped = q.popDue(10);
    expect(popped).toBe(first);
    popped?.run(popped.due);
    // Fired: the same object comes back, queued after the timer already due at 15.
    const again = q.reschedule(first, 15, tick);
    expect(again).toBe(first);
    // Another callback: not reused.
    expect(q.reschedule(first, 40, () => {})).not.toBe(first);
    // A live timer ahead keeps the cancelled one in the heap.
    q.schedule(25, tick);
    const cancelled = q.schedule(30, tick);
    q.cancel(cancelled);
    for (let t = q.popDue(20); t !== undefined; t = q.popDue(20)) t.run(t.due);
    expect(fired).toEqual(['tick@10', 'tick@12', 'other', 'tick@15']);
    expect(other.live).toBe(false);
    // Cancelled and still in the heap: not reused.
    expect(q.reschedule(cancelled, 50, tick)).not.toBe(cancelled);
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
