/**
 * The columnar capability a window kind may declare (`WindowDef.columnar`): a driver that
 * runs the window fused with the aggregation it feeds (operators/columnar-aggregation.ts,
 * chosen by the physical rule `fused-columnar-aggregation`, physical/columnar-plan.ts). The
 * aggregation keeps the window's entries as columns (each entry's group and aggregate
 * arguments, never the event); the driver reproduces its window's step rules exactly (the
 * same timers at the same times) but names entry positions instead of posting row arrays.
 *
 * A window kind without the capability runs on the general window and aggregation
 * operators; adding one is its driver in the kind's own file, nothing else.
 */
import type { Row } from '../common/row.js';
import type { Stateful } from '../common/state.js';
import type { TimerService } from '../common/timers.js';

/** The entries the aggregation keeps for the window, oldest first. */
export interface ColumnarEntries {
  readonly size: number;
  /** Drops the `n` oldest entries (they have left or are about to leave in `post`). */
  shift(n: number): void;
  /** Arrival stamp of the entry at position `i` (stamped capabilities only). */
  stampAt(i: number): number;
}

/** What a driver feeds: the fused aggregation (ColumnarAggregation). */
export interface ColumnarTarget {
  readonly ring: ColumnarEntries;
  /** Whether the statement posts old rows (then batch windows keep their entries). */
  readonly needOld: boolean;
  /** Whether a batch may be aggregated afresh (every aggregate is order-free). */
  readonly orderFree: boolean;
  /** Appends `row` as an entry stamped `stamp`; it enters the aggregates at `post`. */
  push(row: Row, stamp: number): void;
  /**
   * One causal step: the entries at positions [enterAt, enterAt + entering) enter and those
   * at [leaveAt, leaveAt + leaving) leave (positions from the oldest entry; leaving entries
   * are usually already shifted out, at negative positions).
   */
  post(enterAt: number, entering: number, leaveAt: number, leaving: number): void;
  /** Batch mode (no entries kept): `row` enters its group's aggregates now. */
  accumulate(row: Row): void;
  /** Batch mode: posts the batch's rows and starts its groups afresh. */
  flushBatch(): void;
}

/** What a driver needs of its window context (WindowContext's now, timers and startTime). */
export interface ColumnarWindowEnv {
  now(): number;
  readonly timers: TimerService;
  readonly startTime: number;
}

/**
 * A running driver: its own state is its counters and timer (the entries are the
 * aggregation's); it implements the state contract (common/state.ts).
 */
export interface ColumnarWindow extends Stateful {
  /** The statement starts (not called after a restore): START_EAGER arms its timer here. */
  start?(): void;
  /** An event arrives (after the stream filter); a bound function, called as `accept(row)`. */
  readonly accept: (row: Row) => void;
  /** Events in the window, as DataWindow.size counts them. */
  size(): number;
}

export interface ColumnarCapability<P> {
  /** Whether entries keep their arrival time (windows that expire by time). */
  readonly stamped: boolean;
  create(params: P, target: ColumnarTarget, env: ColumnarWindowEnv): ColumnarWindow;
}

/** What a batch driver feeds its target with (see ColumnarBatch). */
interface BatchSink {
  add(row: Row): void;
  /** The batch of `current` entries replaces the previous batch of `previous` entries. */
  flush(current: number, previous: number): void;
}

export interface BatchCounts {
  readonly current: number;
  readonly previous: number;
}

/**
 * A batch driver's entries: how many the batch being collected and the previous batch hold,
 * and where they go. With old rows to post, or aggregates whose double arithmetic depends on
 * the order (Esper computes previous + batch − previous), the target keeps the entries, and a
 * flush enters the batch and takes the previous one out; otherwise the aggregation
 * accumulates each arrival and keeps nothing (ColumnarAggregation's batch mode).
 */
export class ColumnarBatch {
  current = 0;
  previous = 0;
  private readonly sink: BatchSink;

  constructor(target: ColumnarTarget) {
    if (!target.needOld && target.orderFree) {
      this.sink = { add: (row) => target.accumulate(row), flush: () => target.flushBatch() };
    } else {
      const ring = target.ring;
      this.sink = {
        add: (row) => target.push(row, 0),
        flush(current, previous) {
          ring.shift(previous);
          target.post(0, current, -previous, previous);
        },
      };
    }
  }

  add(row: Row): void {
    this.sink.add(row);
    this.current++;
  }

  /** The batch replaces the previous one; a new batch starts. */
  flush(): void {
    this.sink.flush(this.current, this.previous);
    this.previous = this.current;
    this.current = 0;
  }

  snapshot(): BatchCounts {
    return { current: this.current, previous: this.previous };
  }

  restore(state: BatchCounts): void {
    this.current = state.current;
    this.previous = state.previous;
  }
}
