/**
 * #time_batch(p [, reference point] [, 'FORCE_UPDATE, START_EAGER']): tumbling batches by
 * time. Flushes happen on a grid anchored at the reference point (default: the first
 * arrival), so the first flush is at first arrival + p. Each flush posts the batch as new and
 * the previous batch as old; an empty batch after a full one posts only the old; two empty
 * intervals in a row stop the timer until the next arrival, which re-arms it on the grid.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { Timer, TimerOwner, TimerState } from '../common/timers.js';
import { type BatchData, BatchState, removeFromBatch } from './batch-flusher.js';
import {
  type BatchCounts,
  ColumnarBatch,
  type ColumnarTarget,
  type ColumnarWindow,
  type ColumnarWindowEnv,
} from './columnar.js';
import { addAbsent } from './post-step.js';
import { BatchWindow } from './stateful-windows.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';
import { expectArgCount, flowControl, optionalReferencePoint, timePeriod } from './window-params.js';

interface TimeBatchParams {
  readonly ms: number;
  readonly referencePoint: number | undefined;
  readonly forceUpdate: boolean;
  readonly startEager: boolean;
}

/** The first grid point strictly after `now` (Esper's computeWaitMSecForRef). */
export function nextGridPoint(now: number, reference: number, period: number): number {
  const offset = (((now - reference) % period) + period) % period;
  return now + (period - offset);
}

/** The clock's one timer: the next flush. */
const FLUSH = 0;

export interface TimeBatchClockState {
  readonly reference: number | null;
  readonly timer: TimerState | null;
}

/**
 * When a time batch flushes: on the grid anchored at the reference point (START_EAGER: the
 * statement's start, and a timer from the start; otherwise the given point or the first
 * arrival). `flush` posts and reports whether the next interval must be scheduled; a batch
 * window calls `batchStarts` when an event arrives in an empty batch, which re-arms a stopped
 * timer on the same grid. Shared by this window and its columnar driver (ColumnarTimeBatch).
 */
export class TimeBatchClock implements TimerOwner {
  private reference: number | undefined;
  private timer: Timer | undefined;

  constructor(
    private readonly p: Pick<TimeBatchParams, 'ms' | 'referencePoint' | 'startEager'>,
    private readonly ctx: Pick<WindowContext, 'now' | 'timers' | 'startTime'>,
    private readonly flush: () => boolean,
  ) {
    this.reference = p.startEager ? ctx.startTime : p.referencePoint;
  }

  /** START_EAGER: the timer runs from the statement's start. */
  start(): void {
    if (this.p.startEager) this.schedule();
  }

  batchStarts(): void {
    this.reference ??= this.ctx.now();
    if (this.timer?.live !== true) this.schedule();
  }

  onTimer(): void {
    if (this.flush()) this.schedule();
  }

  snapshot(w: StateWriter): TimeBatchClockState {
    return { reference: this.reference ?? null, timer: w.timer(this.timer) };
  }

  restore(state: TimeBatchClockState, r: StateReader): void {
    this.reference = state.reference ?? undefined;
    this.timer = r.timer(this, state.timer);
  }

  stop(): void {
    this.ctx.timers.cancel(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const due = nextGridPoint(this.ctx.now(), this.reference as number, this.p.ms);
    this.timer = this.ctx.timers.schedule(this, FLUSH, due, this.timer);
  }
}

interface TimeBatchState {
  readonly batch: BatchData;
  readonly clock: TimeBatchClockState;
}

class TimeBatchWindow extends BatchWindow<TimeBatchState> {
  private readonly clock: TimeBatchClock;

  constructor(p: TimeBatchParams, ctx: WindowContext) {
    // FORCE_UPDATE posts empty intervals only where something sees them; elsewhere the timer
    // stops after an empty interval and the next arrival re-arms it on the same grid, which
    // gives the same output without one timer per interval across a clock jump.
    super(ctx, p.forceUpdate && ctx.seesEmptyPosts !== false);
    this.clock = new TimeBatchClock(p, ctx, () => this.batch.flush(this.ctx));
  }

  start(): void {
    this.clock.start();
  }

  insert(row: Row): void {
    if (this.batch.current.length === 0) this.clock.batchStarts();
    this.batch.current.push(row);
  }

  /**
   * TimeBatchViewRStream: the old rows leave the batch being collected silently, the new
   * rows join it (once each; the first into an empty batch sets the reference point and
   * arms the timer if none is pending). Nothing is posted before the timer.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    for (const row of removed) removeFromBatch(this.batch.current, row);
    if (inserted.length === 0) return;
    if (this.batch.current.length === 0) this.clock.batchStarts();
    addAbsent(this.batch.current, inserted);
  }

  snapshot(w: StateWriter): TimeBatchState {
    return { batch: this.batch.snapshot(w), clock: this.clock.snapshot(w) };
  }

  restore(state: TimeBatchState, r: StateReader): void {
    this.batch.restore(state.batch, r);
    this.clock.restore(state.clock, r);
  }

  stop(): void {
    this.clock.stop();
    this.batch.clear();
  }
}

interface TimeBatchCounts extends BatchCounts {
  readonly clock: TimeBatchClockState;
}

/**
 * Fused with its aggregation: flushes on the window's grid (TimeBatchClock), the batch
 * entering and the previous batch leaving; two empty intervals in a row stop the timer
 * until the next arrival.
 */
class ColumnarTimeBatch implements ColumnarWindow, Stateful<TimeBatchCounts> {
  private readonly batch: ColumnarBatch;
  private readonly clock: TimeBatchClock;

  constructor(
    private readonly p: TimeBatchParams,
    target: ColumnarTarget,
    env: ColumnarWindowEnv,
  ) {
    this.batch = new ColumnarBatch(target);
    this.clock = new TimeBatchClock(p, env, () => this.flush());
  }

  /** START_EAGER: the timer runs from the statement's start (not after a restore). */
  start(): void {
    this.clock.start();
  }

  readonly accept = (row: Row): void => {
    if (this.batch.current === 0) this.clock.batchStarts();
    this.batch.add(row);
  };

  size(): number {
    return this.batch.current;
  }

  snapshot(w: StateWriter): TimeBatchCounts {
    return { ...this.batch.snapshot(), clock: this.clock.snapshot(w) };
  }

  restore(state: TimeBatchCounts, r: StateReader): void {
    this.batch.restore(state);
    this.clock.restore(state.clock, r);
  }

  stop(): void {
    this.clock.stop();
  }

  /** The timer: whether the next interval is timed. */
  private flush(): boolean {
    // Nothing entered and nothing to leave: stop until the next arrival.
    const { batch } = this;
    if (batch.current === 0 && batch.previous === 0 && !this.p.forceUpdate) return false;
    batch.flush();
    return true;
  }
}

export const timeBatchWindow: WindowDef<TimeBatchParams> = {
  name: 'time_batch',
  syntax: "#time_batch(period [, reference point] [, 'FORCE_UPDATE, START_EAGER'])",
  doc: 'Tumbling window by time: every period, posts the events of the interval as new and the previous interval as old.',
  traits: { basis: 'time', batching: true, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('time_batch', args, 1, 3, span);
    const ms = timePeriod('time_batch', args[0], span);
    const referencePoint = optionalReferencePoint('time_batch', args[1], span);
    const flags = flowControl('time_batch', args.slice(referencePoint === undefined ? 1 : 2));
    return {
      ms,
      referencePoint,
      forceUpdate: flags.forceUpdate,
      startEager: flags.startEager,
    };
  },
  describe: (p) =>
    `time_batch(${p.ms} ms${p.referencePoint === undefined ? '' : `, ref ${p.referencePoint}`}${p.forceUpdate ? ', FORCE_UPDATE' : ''}${p.startEager ? ', START_EAGER' : ''})`,
  create: (p, ctx) => new TimeBatchWindow(p, ctx),
  columnar: { stamped: false, create: (p, target, env) => new ColumnarTimeBatch(p, target, env) },
};
