/**
 * #time_length_batch(p, n [, 'FORCE_UPDATE, START_EAGER']): batches closed by n events or by
 * p elapsing, whichever first; a count flush cancels the timer and restarts it (Esper).
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { Timer, TimerOwner, TimerState } from '../common/timers.js';
import { type BatchData, BatchState, removeFromBatch } from './batch-flusher.js';
import { BatchWindow } from './stateful-windows.js';
import { nextGridPoint } from './time-batch.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';
import { expectArgCount, flowControl, positiveInt, timePeriod } from './window-params.js';

interface Params {
  readonly ms: number;
  readonly count: number;
  readonly forceUpdate: boolean;
  readonly startEager: boolean;
}

export const timeLengthBatchWindow: WindowDef<Params> = {
  name: 'time_length_batch',
  syntax: "#time_length_batch(period, n [, 'FORCE_UPDATE, START_EAGER'])",
  doc: 'Batches closed when n events arrived or the period elapsed, whichever comes first.',
  traits: { basis: 'time', batching: true, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('time_length_batch', args, 2, 3, span);
    const flags = flowControl('time_length_batch', args.slice(2));
    return {
      ms: timePeriod('time_length_batch', args[0], span),
      count: positiveInt('time_length_batch', args[1], span),
      ...flags,
    };
  },
  describe: (p) => `time_length_batch(${p.ms} ms, ${p.count})`,
  create: (p, ctx) => new TimeLengthBatchWindow(p, ctx),
};

/**
 * Esper's TimeLengthBatchView: a flush on the timer re-arms it at now + p while there was
 * activity (or always under FORCE_UPDATE); a count flush cancels the timer and re-arms it
 * from now; an arrival with no timer pending arms one at now + p.
 */
interface TimeLengthBatchState {
  readonly batch: BatchData;
  readonly timer: TimerState | null;
  readonly idleSince: number | null;
}

/** The window's one timer: the interval's end. */
const FLUSH = 0;

class TimeLengthBatchWindow extends BatchWindow<TimeLengthBatchState> implements TimerOwner {
  /** The pending flush (live), or the last one (kept for reuse). */
  private timer: Timer | undefined;
  /**
   * FORCE_UPDATE where nothing sees empty posts: the time of the last flush once the timer
   * stopped after an empty interval; the flushes Esper would keep making every p from it
   * post nothing, so the next arrival re-arms the timer on that cadence.
   */
  private idleSince: number | undefined;

  constructor(
    private readonly p: Params,
    ctx: WindowContext,
  ) {
    super(ctx, p.forceUpdate && ctx.seesEmptyPosts !== false);
  }

  start(): void {
    if (this.p.startEager) this.schedule(this.ctx.now() + this.p.ms);
  }

  insert(row: Row): void {
    this.batch.current.push(row);
    this.added();
  }

  /**
   * TimeLengthBatchView: the old rows leave the batch being collected silently, the new rows
   * join it (a list: a row may be there twice), then as for an arrival: a batch that reached
   * the count is posted (however far past it), otherwise the timer is armed if none is.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    for (const row of removed) removeFromBatch(this.batch.current, row);
    if (inserted.length === 0) return;
    for (const row of inserted) this.batch.current.push(row);
    this.added();
  }

  /** Rows joined the batch. */
  private added(): void {
    if (this.batch.current.length < this.p.count) {
      if (this.timer?.live !== true) {
        const since = this.idleSince;
        this.idleSince = undefined;
        const now = this.ctx.now();
        this.schedule(since === undefined ? now + this.p.ms : nextGridPoint(now, since, this.p.ms));
      }
      return;
    }
    this.ctx.timers.cancel(this.timer);
    this.idleSince = undefined;
    this.send();
  }

  onTimer(): void {
    this.send();
  }

  snapshot(w: StateWriter): TimeLengthBatchState {
    return { batch: this.batch.snapshot(w), timer: w.timer(this.timer), idleSince: this.idleSince ?? null };
  }

  restore(state: TimeLengthBatchState, r: StateReader): void {
    this.batch.restore(state.batch, r);
    this.timer = r.timer(this, state.timer);
    this.idleSince = state.idleSince ?? undefined;
  }

  stop(): void {
    this.ctx.timers.cancel(this.timer);
    this.timer = undefined;
    this.batch.clear();
  }

  private send(): void {
    if (this.batch.flush(this.ctx)) this.schedule(this.ctx.now() + this.p.ms);
    else if (this.p.forceUpdate) this.idleSince = this.ctx.now();
  }

  private schedule(due: number): void {
    this.timer = this.ctx.timers.schedule(this, FLUSH, due, this.timer);
  }
}
