import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimerOwner } from '../../src/common/timers.js';
import { TimerQueue } from '../../src/runtime/timer-queue.js';

/** An owner recording `name:tag@due` for each timer it is told about. */
function recorder(name: string, fired: string[]): TimerOwner {
  return {
    onTimer: (tag, due) => {
      fired.push(`${name}:${tag}@${due}`);
    },
  };
}

/** Fires what is due as the engine does: an owner's returned due time re-arms its timer. */
function fireUpTo(q: TimerQueue, time: number): void {
  for (let t = q.popDue(time); t !== undefined; t = q.popDue(time)) {
    const next = t.owner.onTimer(t.tag, t.due);
    if (typeof next === 'number') q.rearm(t, next);
  }
}

describe('TimerQueue', () => {
  it('fires in due order, equal due times in scheduling order, each to its owner with its tag', () => {
    const q = new TimerQueue();
    const fired: string[] = [];
    const a = recorder('a', fired);
    const b = recorder('b', fired);
    q.schedule(a, 3, 300);
    q.schedule(a, 1, 100);
    q.schedule(b, 2, 200);
    q.schedule(b, 1, 100);
    fireUpTo(q, 250);
    expect(fired).toEqual(['a:1@100', 'b:1@100', 'b:2@200']);
    expect(q.peekDue()).toBe(300);
  });

  it('does not fire cancelled timers', () => {
    const q = new TimerQueue();
    const fired: string[] = [];
    const a = recorder('a', fired);
    const t = q.schedule(a, 0, 10);
    q.schedule(a, 1, 20);
    q.cancel(t);
    q.cancel(t);
    q.cancel(undefined);
    fireUpTo(q, 100);
    expect(fired).toEqual(['a:1@20']);
    expect(q.size).toBe(0);
  });

  it('re-arms a fired or cancelled timer of the same owner, never one still queued or of another owner', () => {
    const q = new TimerQueue();
    const fired: string[] = [];
    const a = recorder('a', fired);
    const first = q.schedule(a, 0, 10);
    q.schedule(recorder('other', fired), 0, 15);
    // Still queued: a new timer.
    expect(q.schedule(a, 0, 12, first)).not.toBe(first);
    fireUpTo(q, 10);
    // Fired: the same object comes back, queued after the timer already due at 15.
    expect(q.schedule(a, 0, 15, first)).toBe(first);
    // Another owner: not reused.
    expect(q.schedule(recorder('b', fired), 0, 40, first)).not.toBe(first);
    const cancelled = q.schedule(a, 0, 30);
    q.schedule(a, 0, 25);
    q.cancel(cancelled);
    fireUpTo(q, 20);
    expect(fired).toEqual(['a:0@10', 'a:0@12', 'other:0@15', 'a:0@15']);
    // Cancelled and still in the heap: not reused.
    expect(q.schedule(a, 0, 50, cancelled)).not.toBe(cancelled);
  });

  it('rearm re-queues a fired timer with the next sequence number, and leaves a queued one alone', () => {
    const q = new TimerQueue();
    const fired: string[] = [];
    const a = q.schedule(recorder('a', fired), 0, 10);
    q.schedule(recorder('b', fired), 0, 20);
    const due = q.popDue(10);
    expect(due).toBe(a);
    q.rearm(a, 20);
    // Due with b, scheduled after it: fires after it.
    q.rearm(a, 5);
    expect(a.due).toBe(20);
    expect(q.size).toBe(2);
    fireUpTo(q, 100);
    expect(fired).toEqual(['b:0@20', 'a:0@20']);
  });

  it('a restored timer keeps its sequence number: same order as the queue it came from', () => {
    const q = new TimerQueue();
    const fired: string[] = [];
    const owners = [recorder('x', fired), recorder('y', fired), recorder('z', fired)];
    q.schedule(owners[0] as TimerOwner, 0, 100);
    q.schedule(owners[1] as TimerOwner, 0, 100);
    q.schedule(owners[2] as TimerOwner, 0, 50);
    const saved = [...q.pending()].map((t) => ({ owner: t.owner, tag: t.tag, due: t.due, seq: t.seq }));
    const nextSeq = q.nextSeq;
    fireUpTo(q, 1000);
    const expected = fired.splice(0);
    // Restore in the reverse order, then schedule one more at the same instant: it fires last.
    const r = new TimerQueue();
    for (const t of saved.reverse()) r.restore(t.owner, t.tag, t.due, t.seq);
    r.nextSeq = nextSeq;
    r.schedule(recorder('late', fired), 0, 100);
    fireUpTo(r, 1000);
    expect(fired).toEqual([...expected, 'late:0@100']);
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
          const owner: TimerOwner = {
            onTimer: (tag) => {
              fired.push(tag);
            },
          };
          const expected: { due: number; i: number }[] = [];
          ops.forEach((op, i) => {
            const t = q.schedule(owner, i, op.due);
            if (op.cancel) q.cancel(t);
            else expected.push({ due: op.due, i });
          });
          fireUpTo(q, 1000);
          expected.sort((a, b) => a.due - b.due || a.i - b.i);
          expect(fired).toEqual(expected.map((e) => e.i));
        },
      ),
    );
  });

  it('owners re-arming their own timer while it fires (by schedule or by returning the due time) fire as a sorted reference', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            due: fc.integer({ min: 0, max: 30 }),
            gaps: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 6 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 6 }),
        (owners, advances) => {
          const q = new TimerQueue();
          const fired: string[] = [];
          owners.forEach((o, i) => {
            let next = 0;
            let timer: ReturnType<TimerQueue['schedule']> | undefined;
            const owner: TimerOwner = {
              onTimer: (_tag, due) => {
                fired.push(`${i}@${due}`);
                const gap = o.gaps[next++];
                if (gap === undefined) return undefined;
                // Re-arms the timer that is firing: odd owners by returning its next due time
                // (as the fused time window does), even ones by passing it back to schedule.
                if (i % 2 === 1) return due + gap;
                timer = q.schedule(owner, 0, due + gap, timer);
                return undefined;
              },
            };
            timer = q.schedule(owner, 0, o.due);
          });
          for (const to of [...advances].sort((a, b) => a - b)) fireUpTo(q, to);
          fireUpTo(q, 1000);
          // Reference: pending (due, seq) pairs, the smallest fired first; a re-arm takes the next seq.
          let seq = 0;
          const pending = owners.map((o, i) => ({ owner: i, due: o.due, seq: seq++ }));
          const nextGap = owners.map(() => 0);
          const expected: string[] = [];
          while (pending.length > 0) {
            pending.sort((a, b) => a.due - b.due || a.seq - b.seq);
            const top = pending.shift() as { owner: number; due: number; seq: number };
            expected.push(`${top.owner}@${top.due}`);
            const k = nextGap[top.owner] ?? 0;
            nextGap[top.owner] = k + 1;
            const gap = owners[top.owner]?.gaps[k];
            if (gap !== undefined) pending.push({ owner: top.owner, due: top.due + gap, seq: seq++ });
          }
          expect(fired).toEqual(expected);
          expect(q.size).toBe(0);
          expect(q.nextDue).toBe(Number.POSITIVE_INFINITY);
        },
      ),
    );
  });

  it('nextDue: nothing is due before it, and popDue finds the earliest live timer once it is reached', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('schedule' as const), due: fc.integer({ min: 0, max: 40 }) }),
            fc.record({ op: fc.constant('cancel' as const), which: fc.nat() }),
            fc.record({ op: fc.constant('advance' as const), to: fc.integer({ min: 0, max: 40 }) }),
          ),
          { maxLength: 80 },
        ),
        (ops) => {
          const q = new TimerQueue();
          const owner: TimerOwner = { onTimer: () => {} };
          const scheduled: ReturnType<TimerQueue['schedule']>[] = [];
          for (const op of ops) {
            if (op.op === 'schedule') scheduled.push(q.schedule(owner, 0, op.due));
            else if (op.op === 'cancel') q.cancel(scheduled[op.which % Math.max(1, scheduled.length)]);
            else {
              // Never later than the earliest live timer (a cancelled one may still hold it lower).
              const live = scheduled.filter((t) => t.live).map((t) => t.due);
              expect(q.nextDue).toBeLessThanOrEqual(Math.min(Number.POSITIVE_INFINITY, ...live));
              if (op.to < q.nextDue) expect(q.popDue(op.to)).toBeUndefined();
              else fireUpTo(q, op.to);
              expect(scheduled.some((t) => t.live && t.due <= op.to)).toBe(false);
            }
          }
          if (q.size === 0) {
            q.peekDue();
            expect(q.nextDue).toBe(Number.POSITIVE_INFINITY);
          }
        },
      ),
    );
  });
});
