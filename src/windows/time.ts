/**
 * #time(p): events of the last p. An event that arrived at t leaves at exactly t + p, posted
 * by a timer stamped t + p; events leaving at the same time leave in one step. At most one
 * timer is pending (for the oldest event), re-armed as events expire.
 *
 * The worked example of the state contract (common/state.ts, common/timers.ts): state in
 * fields, the expiry timer addressed by owner (this window) and tag, snapshot as event ids,
 * arrival stamps and the pending timer.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { Timer, TimerOwner, TimerState } from '../common/timers.js';
import type { ColumnarTarget, ColumnarWindow, ColumnarWindowEnv } from './columnar.js';
import { postStep } from './post-step.js';
import { RowDeque, nthNewest } from './row-deque.js';
import { RowDequeWindow } from './stateful-windows.js';
import type { WindowContext, WindowDef } from './window-def.js';
import { expectArgCount, timePeriod } from './window-params.js';

/** The window's one timer: the oldest event's expiry. */
const EXPIRE = 0;

interface TimeWindowState {
  /** Event ids, oldest first. */
  readonly rows: number[];
  /** Each event's arrival time, in the same order. */
  readonly stamps: Float64Array;
  readonly timer: TimerState | null;
}

/** Each row's stamp in the deque is its arrival time. */
export class TimeWindow extends RowDequeWindow<TimeWindowState> implements TimerOwner {
  /** The pending expiry (live), or the last one (kept for reuse: re-arming allocates nothing). */
  private timer: Timer | undefined;

  constructor(
    private readonly ms: number,
    ctx: WindowContext,
  ) {
    super(ctx);
  }

  insert(row: Row): void {
    this.rows.push(row, this.ctx.now());
    this.arm();
    this.ctx.emit([row], null);
  }

  /**
   * TimeWindowView: the old rows leave, the new ones join stamped now (an updated event gets
   * a fresh expiry); posted as given.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    for (const row of removed) this.rows.remove(row);
    if (inserted.length > 0) {
      const now = this.ctx.now();
      for (const row of inserted) this.rows.push(row, now);
      this.arm();
    }
    postStep(this.ctx, inserted, removed);
  }

  onTimer(_tag: number, due: number): void {
    const expired = this.rows.shiftStampedUpTo(this.ms, due);
    if (expired !== null) this.ctx.emit(null, expired);
    this.arm();
  }

  /** prev() on a sliding window counts back from the newest event (window-def.ts). */
  prev(_row: Row, n: number): Row | undefined {
    return nthNewest(this.rows, n);
  }

  snapshot(w: StateWriter): TimeWindowState {
    const n = this.rows.size;
    const stamps = new Float64Array(n);
    for (let i = 0; i < n; i++) stamps[i] = this.rows.stampAt(i) as number;
    return { rows: w.events(this.rows.toArray()), stamps, timer: w.timer(this.timer) };
  }

  restore(state: TimeWindowState, r: StateReader): void {
    this.rows.clear();
    state.rows.forEach((id, i) => this.rows.push(r.event(id), state.stamps[i] as number));
    this.timer = r.timer(this, state.timer);
  }

  stop(): void {
    this.ctx.timers.cancel(this.timer);
    this.timer = undefined;
    this.rows.clear();
  }

  /** One timer at a time, due when the oldest event expires. */
  private arm(): void {
    const oldest = this.rows.peekStamp();
    if (oldest === undefined || this.timer?.live === true) return;
    this.timer = this.ctx.timers.schedule(this, EXPIRE, oldest + this.ms, this.timer);
  }
}

/** Fused with its aggregation: an arrival at t enters at once and leaves at t + ms; one timer, for the oldest entry. */
class ColumnarTime implements ColumnarWindow, TimerOwner {
  private timer: Timer | undefined;
  private stopped = false;

  constructor(
    private readonly ms: number,
    private readonly target: ColumnarTarget,
    private readonly env: ColumnarWindowEnv,
  ) {}

  readonly accept = (row: Row): void => {
    const { target } = this;
    target.push(row, this.env.now());
    this.arm();
    target.post(target.ring.size - 1, 1, 0, 0);
  };

  size(): number {
    return this.target.ring.size;
  }

  /** Expires what is due, and returns the next expiry (the queue re-arms this timer there). */
  onTimer(_tag: number, due: number): number | undefined {
    const { target, ms } = this;
    const ring = target.ring;
    // `stamp + ms <= due`, as the window's own expiry (the timer's rounding).
    let n = 0;
    while (n < ring.size && ring.stampAt(n) + ms <= due) n++;
    if (n > 0) {
      ring.shift(n);
      target.post(0, 0, -n, n);
    }
    // A listener may have undeployed the statement while it posted.
    return this.stopped || ring.size === 0 ? undefined : ring.stampAt(0) + ms;
  }

  snapshot(w: StateWriter): { readonly timer: TimerState | null } {
    return { timer: w.timer(this.timer) };
  }

  restore(state: { readonly timer: TimerState | null }, r: StateReader): void {
    this.timer = r.timer(this, state.timer);
  }

  stop(): void {
    this.stopped = true;
    this.env.timers.cancel(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const ring = this.target.ring;
    if (ring.size === 0 || this.timer?.live === true) return;
    this.timer = this.env.timers.schedule(this, EXPIRE, ring.stampAt(0) + this.ms, this.timer);
  }
}

export const timeWindow: WindowDef<{ ms: number }> = {
  name: 'time',
  syntax: '#time(period)',
  doc: 'Sliding window of the events that arrived within the last period; an event arriving at t leaves at t + period.',
  traits: { basis: 'time', batching: false, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('time', args, 1, 1, span);
    return { ms: timePeriod('time', args[0], span) };
  },
  describe: (p) => `time(${p.ms} ms)`,
  create: ({ ms }, ctx) => new TimeWindow(ms, ctx),
  columnar: { stamped: true, create: ({ ms }, target, env) => new ColumnarTime(ms, target, env) },
};
