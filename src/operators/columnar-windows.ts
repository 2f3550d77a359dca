/**
 * The window half of a columnar aggregation: when entries enter and leave. Each driver
 * reproduces its window's step rules exactly (windows/length.ts, time.ts, length-batch.ts,
 * time-batch.ts and batch-flusher.ts; the same timers at the same times), but names ring
 * positions instead of posting row arrays.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { Timer, TimerOwner, TimerState } from '../common/timers.js';
import { TimeBatchClock, type TimeBatchClockState } from '../windows/time-batch.js';
import type { WindowContext } from '../windows/window-def.js';
import type { ColumnarAggregation } from './columnar-aggregation.js';

/** What a driver needs of its window context: the clock, timers and the statement's start. */
export type ColumnarWindowEnv = Pick<WindowContext, 'now' | 'timers' | 'startTime'>;

/** A columnar window's parameters, as its window definition validated them. */
export type ColumnarWindowSpec =
  | { readonly kind: 'length'; readonly size: number }
  | { readonly kind: 'time'; readonly ms: number }
  | { readonly kind: 'length_batch'; readonly size: number }
  | {
      readonly kind: 'time_batch';
      readonly ms: number;
      readonly referencePoint: number | undefined;
      readonly forceUpdate: boolean;
      readonly startEager: boolean;
    };

/**
 * A driver: its own state is its counters and timer (the entries are the aggregation's ring);
 * it implements the state contract (common/state.ts).
 */
export interface ColumnarWindow extends Partial<Stateful> {
  /** The statement starts (not called after a restore): START_EAGER arms its timer here. */
  start?(): void;
  /** An event arrives (after the stream filter). */
  accept(row: Row): void;
  /** Events in the window, as DataWindow.size counts them. */
  size(): number;
}

export function createColumnarWindow(
  spec: ColumnarWindowSpec,
  agg: ColumnarAggregation,
  env: ColumnarWindowEnv,
): ColumnarWindow {
  switch (spec.kind) {
    case 'length':
      return new LengthWindow(spec.size, agg);
    case 'time':
      return new TimeWindow(spec.ms, agg, env);
    case 'length_batch':
      return new LengthBatchWindow(spec.size, agg);
    case 'time_batch':
      return new TimeBatchWindow(spec, agg, env);
  }
}

/** Each arrival enters; beyond `size` the oldest leaves in the same step. */
class LengthWindow implements ColumnarWindow, Stateful<null> {
  constructor(
    private readonly capacity: number,
    private readonly agg: ColumnarAggregation,
  ) {}

  readonly accept = (row: Row): void => {
    const { agg } = this;
    const ring = agg.ring;
    agg.push(row, 0);
    if (ring.size > this.capacity) {
      ring.shift(1);
      agg.post(ring.size - 1, 1, -1, 1);
    } else agg.post(ring.size - 1, 1, 0, 0);
  };

  size(): number {
    return this.agg.ring.size;
  }

  /** All its state is the ring's. */
  snapshot(): null {
    return null;
  }

  restore(): void {}

  stop(): void {}
}

/** The time window's one timer: the oldest entry's expiry. */
const EXPIRE = 0;

/** An arrival at t enters at once and leaves at t + ms; one timer, for the oldest entry. */
class TimeWindow implements ColumnarWindow, TimerOwner, Stateful<{ readonly timer: TimerState | null }> {
  private timer: Timer | undefined;

  constructor(
    private readonly ms: number,
    private readonly agg: ColumnarAggregation,
    private readonly env: ColumnarWindowEnv,
  ) {}

  readonly accept = (row: Row): void => {
    const { agg } = this;
    agg.push(row, this.env.now());
    this.arm();
    agg.post(agg.ring.size - 1, 1, 0, 0);
  };

  size(): number {
    return this.agg.ring.size;
  }

  onTimer(_tag: number, due: number): void {
    const { agg, ms } = this;
    const ring = agg.ring;
    // `stamp + ms <= due`, as the window's own expiry (the timer's rounding).
    let n = 0;
    while (n < ring.size && ring.stampAt(n) + ms <= due) n++;
    if (n > 0) {
      ring.shift(n);
      agg.post(0, 0, -n, n);
    }
    this.arm();
  }

  snapshot(w: StateWriter): { readonly timer: TimerState | null } {
    return { timer: w.timer(this.timer) };
  }

  restore(state: { readonly timer: TimerState | null }, r: StateReader): void {
    this.timer = r.timer(this, state.timer);
  }

  stop(): void {
    this.env.timers.cancel(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const ring = this.agg.ring;
    if (ring.size === 0 || this.timer?.live === true) return;
    this.timer = this.env.timers.schedule(this, EXPIRE, ring.stampAt(0) + this.ms, this.timer);
  }
}

/**
 * What a batch driver feeds. With old rows to post, or aggregates whose double arithmetic
 * depends on the order (Esper computes previous + batch − previous), the ring keeps the
 * entries, and a flush enters the batch and takes the previous one out; otherwise the
 * aggregation accumulates each arrival and keeps nothing (ColumnarAggregation's batch mode).
 */
interface BatchTarget {
  add(row: Row): void;
  /** The batch of `current` entries replaces the previous batch of `previous` entries. */
  flush(current: number, previous: number): void;
}

function batchTarget(agg: ColumnarAggregation): BatchTarget {
  if (!agg.needOld && agg.orderFree) {
    return { add: (row) => agg.accumulate(row), flush: () => agg.flushBatch() };
  }
  const ring = agg.ring;
  return {
    add: (row) => agg.push(row, 0),
    flush(current, previous) {
      ring.shift(previous);
      agg.post(0, current, -previous, previous);
    },
  };
}

interface BatchCounts {
  readonly current: number;
  readonly previous: number;
}

/** Every `size` arrivals, the batch enters and the previous batch leaves. */
class LengthBatchWindow implements ColumnarWindow, Stateful<BatchCounts> {
  private readonly target: BatchTarget;
  private current = 0;
  private previous = 0;

  constructor(
    private readonly capacity: number,
    agg: ColumnarAggregation,
  ) {
    this.target = batchTarget(agg);
  }

  readonly accept = (row: Row): void => {
    this.target.add(row);
    if (++this.current < this.capacity) return;
    this.target.flush(this.current, this.previous);
    this.previous = this.current;
    this.current = 0;
  };

  size(): number {
    return this.current;
  }

  snapshot(): BatchCounts {
    return { current: this.current, previous: this.previous };
  }

  restore(state: BatchCounts): void {
    this.current = state.current;
    this.previous = state.previous;
  }

  stop(): void {}
}

interface TimeBatchCounts extends BatchCounts {
  readonly clock: TimeBatchClockState;
}

/**
 * Flushes on a grid anchored at the reference point (default: the first arrival): the batch
 * enters and the previous batch leaves; two empty intervals in a row stop the timer until
 * the next arrival. The clock is the time_batch window's own (windows/time-batch.ts).
 */
class TimeBatchWindow implements ColumnarWindow, Stateful<TimeBatchCounts> {
  private readonly target: BatchTarget;
  private readonly clock: TimeBatchClock;
  private current = 0;
  private previous = 0;

  constructor(
    private readonly spec: Extract<ColumnarWindowSpec, { kind: 'time_batch' }>,
    agg: ColumnarAggregation,
    env: ColumnarWindowEnv,
  ) {
    this.target = batchTarget(agg);
    this.clock = new TimeBatchClock(spec, env, () => this.flush());
  }

  /** START_EAGER: the timer runs from the statement's start (not after a restore). */
  start(): void {
    this.clock.start();
  }

  readonly accept = (row: Row): void => {
    if (this.current === 0) this.clock.batchStarts();
    this.target.add(row);
    this.current++;
  };

  size(): number {
    return this.current;
  }

  snapshot(w: StateWriter): TimeBatchCounts {
    return { current: this.current, previous: this.previous, clock: this.clock.snapshot(w) };
  }

  restore(state: TimeBatchCounts, r: StateReader): void {
    this.current = state.current;
    this.previous = state.previous;
    this.clock.restore(state.clock, r);
  }

  stop(): void {
    this.clock.stop();
  }

  /** The timer: whether the next interval is timed. */
  private flush(): boolean {
    // Nothing entered and nothing to leave: stop until the next arrival.
    if (this.current === 0 && this.previous === 0 && !this.spec.forceUpdate) return false;
    this.target.flush(this.current, this.previous);
    this.previous = this.current;
    this.current = 0;
    return true;
  }
}
