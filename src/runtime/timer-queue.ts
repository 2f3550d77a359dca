/**
 * Pending timers ordered by (due time, scheduling order): a binary heap with lazy
 * cancellation. Esper fires timers at their own due times, in order, before any event
 * with a later timestamp; equal due times fire in the order they were scheduled.
 * A timer's handle is the heap entry itself, so scheduling allocates one object and
 * cancelling is a flag, with no side table.
 */
export type TimerCallback = (due: number) => void;

export class Timer {
  /** False once cancelled or fired. */
  live = true;
  /** True while the heap holds it (a cancelled timer stays until it reaches the top). */
  queued = true;

  constructor(
    public due: number,
    public seq: number,
    readonly run: TimerCallback,
  ) {}
}

export class TimerQueue {
  private readonly heap: Timer[] = [];
  private nextSeq = 1;
  private live = 0;

  schedule(due: number, callback: TimerCallback): Timer {
    const timer = new Timer(due, this.nextSeq++, callback);
    this.live++;
    this.push(timer);
    return timer;
  }

  /**
   * Schedules `callback` at `due`, reusing `spent` when it is a timer of the same callback that
   * has fired: an owner re-arming one timer per expiry (a time window) then allocates nothing.
   */
  reschedule(spent: Timer, due: number, callback: TimerCallback): Timer {
    if (spent.queued || spent.run !== callback) return this.schedule(due, callback);
    spent.due = due;
    spent.seq = this.nextSeq++;
    spent.live = true;
    spent.queued = true;
    this.live++;
    this.push(spent);
    return spent;
  }

  cancel(timer: Timer): void {
    if (!timer.live) return;
    timer.live = false;
    this.live--;
  }

  get size(): number {
    return this.live;
  }

  /** Due time of the earliest live timer, or undefined. */
  peekDue(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.due;
  }

  /**
   * Removes and returns the earliest live timer if it is due at or before `time`; it is no
   * longer live, so cancelling it later is a no-op. The caller runs it: `timer.run(timer.due)`.
   */
  popDue(time: number): Timer | undefined {
    // Split so the common answer (nothing due) is small enough to inline into every send.
    const first = this.heap[0];
    if (first === undefined || (first.due > time && first.live)) return undefined;
    return this.popDueSlow(time);
  }

  private popDueSlow(time: number): Timer | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (top === undefined || top.due > time) return undefined;
    this.pop();
    top.live = false;
    top.queued = false;
    this.live--;
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && !(this.heap[0] as Timer).live) {
      (this.heap[0] as Timer).queued = false;
      this.pop();
    }
  }

  private less(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Timer;
      if (!this.less(timer, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.less(heap[r] as Timer, heap[l] as Timer) ? r : l;
      const c = heap[child] as Timer;
      if (!this.less(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
  }
}
