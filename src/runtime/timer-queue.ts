/**
 * Pending timers ordered by (due time, scheduling order): a binary heap with lazy
 * cancellation. Esper fires timers at their own due times, in order, before any event
 * with a later timestamp; equal due times fire in the order they were scheduled.
 * A timer is data (common/timers.ts): owner, tag, due time and sequence number. Its handle is
 * the heap entry itself, so scheduling allocates at most one object and cancelling is a flag.
 */
import type { Timer, TimerOwner, TimerService } from '../common/timers.js';

export class QueuedTimer implements Timer {
  /** False once cancelled or fired. */
  live = true;
  /** True while the heap holds it (a cancelled timer stays until it reaches the top). */
  queued = true;

  constructor(
    public due: number,
    public seq: number,
    public owner: TimerOwner,
    public tag: number,
  ) {}
}

export class TimerQueue {
  private readonly heap: QueuedTimer[] = [];
  private seq = 1;
  private live = 0;
  /** The due time at the top of the heap (a cancelled timer's too), +Infinity when empty. */
  private top = Number.POSITIVE_INFINITY;
  /** The `time` of the popDue call that returned the timer running now (TimerService.quietUntil). */
  private advancingTo = Number.NEGATIVE_INFINITY;

  /** The sequence number the next timer gets (a snapshot keeps it). */
  get nextSeq(): number {
    return this.seq;
  }

  set nextSeq(seq: number) {
    this.seq = Math.max(this.seq, seq);
  }

  schedule(owner: TimerOwner, tag: number, due: number, reuse?: Timer): QueuedTimer {
    if (reuse instanceof QueuedTimer && !reuse.queued && reuse.owner === owner) {
      reuse.tag = tag;
      this.rearm(reuse, due);
      return reuse;
    }
    return this.insert(owner, tag, due, this.seq++);
  }

  /**
   * Re-arms `timer`, which has fired or been cancelled, at `due` with the next sequence number
   * (the engine does it with what the owner's onTimer returned: TimerOwner.onTimer). Ignored
   * when it is queued again already.
   */
  rearm(timer: QueuedTimer, due: number): void {
    if (timer.queued) return;
    timer.due = due;
    timer.seq = this.seq++;
    timer.live = true;
    timer.queued = true;
    this.live++;
    this.push(timer);
  }

  /** Re-arms a snapshotted timer with its original sequence number (restore only). */
  restore(owner: TimerOwner, tag: number, due: number, seq: number): QueuedTimer {
    if (seq >= this.seq) this.seq = seq + 1;
    return this.insert(owner, tag, due, seq);
  }

  cancel(timer: Timer | undefined): void {
    if (!(timer instanceof QueuedTimer) || !timer.live) return;
    timer.live = false;
    this.live--;
  }

  /** The owner/tag view of this queue that stateful parts receive. */
  service(now: () => number): TimerService {
    return {
      now,
      schedule: (owner, tag, due, reuse) => this.schedule(owner, tag, due, reuse),
      cancel: (timer) => this.cancel(timer),
      quietUntil: () => this.quietUntil(),
    };
  }

  /** TimerService.quietUntil: while a timer runs, min(the advance's target, the next pending due). */
  quietUntil(): number {
    return Math.min(this.advancingTo, this.peekDue() ?? Number.POSITIVE_INFINITY);
  }

  get size(): number {
    return this.live;
  }

  /**
   * No timer is due before this time (it may be a cancelled timer's due time): the engine
   * compares each event's time with it, one comparison, and calls popDue only when it is reached.
   */
  get nextDue(): number {
    return this.top;
  }

  /** Every live timer, in no particular order. */
  *pending(): IterableIterator<QueuedTimer> {
    for (const t of this.heap) if (t.live) yield t;
  }

  /** Due time of the earliest live timer, or undefined. */
  peekDue(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.due;
  }

  /**
   * Removes and returns the earliest live timer if it is due at or before `time`; it is no
   * longer live, so cancelling it later is a no-op. The caller runs it:
   * `timer.owner.onTimer(timer.tag, timer.due)`.
   */
  popDue(time: number): QueuedTimer | undefined {
    // Split so the common answers are small enough to inline into every send: nothing due,
    // or the only timer due (a time window re-arming per event), which needs no sifting.
    const heap = this.heap;
    const first = heap[0];
    if (first === undefined || (first.due > time && first.live)) return undefined;
    if (heap.length !== 1 || !first.live) return this.popDueSlow(time);
    heap.pop();
    this.top = Number.POSITIVE_INFINITY;
    first.live = false;
    first.queued = false;
    this.live--;
    this.advancingTo = time;
    return first;
  }

  private insert(owner: TimerOwner, tag: number, due: number, seq: number): QueuedTimer {
    const timer = new QueuedTimer(due, seq, owner, tag);
    this.live++;
    this.push(timer);
    return timer;
  }

  private popDueSlow(time: number): QueuedTimer | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (top === undefined || top.due > time) return undefined;
    this.pop();
    top.live = false;
    top.queued = false;
    this.live--;
    this.advancingTo = time;
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && !(this.heap[0] as QueuedTimer).live) {
      (this.heap[0] as QueuedTimer).queued = false;
      this.pop();
    }
  }

  private less(a: QueuedTimer, b: QueuedTimer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(timer: QueuedTimer): void {
    const heap = this.heap;
    // Into an empty heap (the expiry a time window re-arms once its previous one fired): no sifting.
    if (heap.length === 0) {
      heap.push(timer);
      this.top = timer.due;
      return;
    }
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as QueuedTimer;
      if (!this.less(timer, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
    this.top = (heap[0] as QueuedTimer).due;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) {
      this.top = Number.POSITIVE_INFINITY;
      return;
    }
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.less(heap[r] as QueuedTimer, heap[l] as QueuedTimer) ? r : l;
      const c = heap[child] as QueuedTimer;
      if (!this.less(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    this.top = (heap[0] as QueuedTimer).due;
  }
}

/** A timer that is never queued and never fires (what a stopped owner gets when it asks for one). */
export function deadTimer(owner: TimerOwner, tag: number, due: number): QueuedTimer {
  const timer = new QueuedTimer(due, 0, owner, tag);
  timer.live = false;
  timer.queued = false;
  return timer;
}

/**
 * `base` for an owner that can end (an undeployed statement, an ended context partition): once
 * `alive()` is false nothing more is scheduled, so a part that re-arms from a callback already
 * queued for the step (an output condition, a pattern repeat) does not outlive it.
 */
export function guardedTimers(base: TimerService, alive: () => boolean): TimerService {
  return {
    now: () => base.now(),
    schedule: (owner, tag, due, reuse) =>
      alive() ? base.schedule(owner, tag, due, reuse) : deadTimer(owner, tag, due),
    cancel: (timer) => base.cancel(timer),
    ...(base.quietUntil === undefined ? {} : { quietUntil: () => (base.quietUntil as () => number)() }),
  };
}
