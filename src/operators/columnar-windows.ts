/**
 * The window half of a columnar aggregation: when entries enter and leave. Each driver
 * reproduces its window's step rules exactly (windows/length.ts, time.ts, length-batch.ts,
 * time-batch.ts and batch-flusher.ts; the same timers at the same times), but names ring
 * positions instead of posting row arrays.
 */
import type { Row } from '../common/row.js';
import { timeBatchClock } from '../windows/time-batch.js';
import type { TimerId, WindowContext } from '../windows/window-def.js';
import type { ColumnarAggregation } from './columnar-aggregation.js';

/** What a driver needs of its window context: the clock, timers and the statement's start. */
export type ColumnarWindowEnv = Pick<WindowContext, 'now' | 'schedule' | 'startTime'>;

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

export interface ColumnarWindow {
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
      return lengthWindow(spec.size, agg);
    case 'time':
      return timeWindow(spec.ms, agg, env);
    case 'length_batch':
      return lengthBatchWindow(spec.size, agg);
    case 'time_batch':
      return timeBatchWindow(spec, agg, env);
  }
}

/** Each arrival enters; beyond `size` the oldest leaves in the same step. */
function lengthWindow(size: number, agg: ColumnarAggregation): ColumnarWindow {
  const ring = agg.ring;
  return {
    accept(row) {
      agg.push(row, 0);
      if (ring.size > size) {
        ring.shift(1);
        agg.post(ring.size - 1, 1, -1, 1);
      } else agg.post(ring.size - 1, 1, 0, 0);
    },
    size: () => ring.size,
  };
}

/** An arrival at t enters at once and leaves at t + ms; one timer, for the oldest entry. */
function timeWindow(ms: number, agg: ColumnarAggregation, env: ColumnarWindowEnv): ColumnarWindow {
  const ring = agg.ring;
  let timerArmed = false;
  let timer: TimerId | undefined;
  const arm = () => {
    if (ring.size === 0 || timerArmed) return;
    timerArmed = true;
    timer = env.schedule(ring.stampAt(0) + ms, expire, timer);
  };
  const expire = (due: number) => {
    timerArmed = false;
    // `stamp + ms <= due`, as the window's own expiry (the timer's rounding).
    let n = 0;
    while (n < ring.size && ring.stampAt(n) + ms <= due) n++;
    if (n > 0) {
      ring.shift(n);
      agg.post(0, 0, -n, n);
    }
    arm();
  };
  return {
    accept(row) {
      agg.push(row, env.now());
      arm();
      agg.post(ring.size - 1, 1, 0, 0);
    },
    size: () => ring.size,
  };
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

/** Every `size` arrivals, the batch enters and the previous batch leaves. */
function lengthBatchWindow(size: number, agg: ColumnarAggregation): ColumnarWindow {
  const target = batchTarget(agg);
  let current = 0;
  let previous = 0;
  return {
    accept(row) {
      target.add(row);
      if (++current < size) return;
      target.flush(current, previous);
      previous = current;
      current = 0;
    },
    size: () => current,
  };
}

/**
 * Flushes on a grid anchored at the reference point (default: the first arrival): the batch
 * enters and the previous batch leaves; two empty intervals in a row stop the timer until
 * the next arrival (see windows/time-batch.ts and BatchState).
 */
function timeBatchWindow(
  spec: Extract<ColumnarWindowSpec, { kind: 'time_batch' }>,
  agg: ColumnarAggregation,
  env: ColumnarWindowEnv,
): ColumnarWindow {
  const target = batchTarget(agg);
  let current = 0;
  let previous = 0;
  const clock = timeBatchClock(spec, env, () => {
    // Nothing entered and nothing to leave: stop until the next arrival.
    if (current === 0 && previous === 0 && !spec.forceUpdate) return false;
    target.flush(current, previous);
    previous = current;
    current = 0;
    return true;
  });
  return {
    accept(row) {
      if (current === 0) clock.batchStarts();
      target.add(row);
      current++;
    },
    size: () => current,
  };
}
