/**
 * #time_length_batch(p, n [, 'FORCE_UPDATE, START_EAGER']): batches closed by n events or by
 * p elapsing, whichever first; a count flush cancels the timer and restarts it (Esper).
 */
import type { Row } from '../common/row.js';
import { BatchState, removeFromBatch } from './batch-flusher.js';
import { nextGridPoint } from './time-batch.js';
import type { DataWindow, TimerId, WindowContext, WindowDef } from './window-def.js';
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
class TimeLengthBatchWindow implements DataWindow {
  private readonly batch: BatchState;
  private timer: TimerId | undefined;
  /**
   * FORCE_UPDATE where nothing sees empty posts: the time of the last flush once the timer
   * stopped after an empty interval; the flushes Esper would keep making every p from it
   * post nothing, so the next arrival re-arms the timer on that cadence.
   */
  private idleSince: number | undefined;

  constructor(
    private readonly p: Params,
    private readonly ctx: WindowContext,
  ) {
    this.batch = new BatchState(p.forceUpdate && ctx.seesEmptyPosts !== false);
    if (p.startEager) this.schedule(ctx.now() + p.ms);
  }

  insert(row: Row): void {
    const batch = this.batch;
    batch.current.push(row);
    if (batch.current.length < this.p.count) {
      if (this.timer === undefined) {
        const since = this.idleSince;
        this.idleSince = undefined;
        const now = this.ctx.now();
        this.schedule(since === undefined ? now + this.p.ms : nextGridPoint(now, since, this.p.ms));
      }
      return;
    }
    if (this.timer !== undefined) {
      this.ctx.cancel(this.timer);
      this.timer = undefined;
    }
    this.idleSince = undefined;
    this.send();
  }

  remove(row: Row): boolean {
    return removeFromBatch(this.batch.current, row);
  }

  prev(row: Row, n: number): Row | undefined {
    return this.batch.prev(row, n);
  }

  contents(): Row[] {
    return [...this.batch.contents()];
  }

  size(): number {
    return this.batch.current.length;
  }

  private readonly onDue = (): void => {
    this.timer = undefined;
    this.send();
  };

  private send(): void {
    if (this.batch.flush(this.ctx)) this.schedule(this.ctx.now() + this.p.ms);
    else if (this.p.forceUpdate) this.idleSince = this.ctx.now();
  }

  private schedule(due: number): void {
    this.timer = this.ctx.schedule(due, this.onDue);
  }
}
