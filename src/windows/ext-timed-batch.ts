import { WeirError } from '../common/errors.js';
/**
 * #ext_timed_batch(prop, p [, reference point]): tumbling batches on a timestamp property.
 * Batches end on the grid reference + k·p (reference: the given point, else the first
 * event's time). As Esper's ExternallyTimedBatchView, the batch closes when an arrival's
 * time t reaches the first grid point after the batch's OLDEST event (t − oldest ≥ delta);
 * the batch (previous batch as old) is posted before the arrival starts the next one. The
 * boundary is computed, never stepped to, so a far-ahead timestamp costs nothing. Only
 * arrivals drive it, never the clock. A partner's removal leaves the batch and moves the
 * oldest event on; an emptied batch restarts without posting.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { prevInBatch, removeFromBatch } from './batch-flusher.js';
import { postStep } from './post-step.js';
import { nextGridPoint } from './time-batch.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';
import { expectArgCount, optionalReferencePoint, propertyExpr, timePeriod } from './window-params.js';

interface Params {
  readonly timestamp: BoundExpr;
  readonly ms: number;
  readonly referencePoint: number | undefined;
}

export const extTimedBatchWindow: WindowDef<Params> = {
  name: 'ext_timed_batch',
  syntax: '#ext_timed_batch(timestamp property, period [, reference point])',
  doc: 'Tumbling batches on a timestamp property of the events; a batch is posted when an event at or past its end arrives.',
  traits: { basis: 'time', batching: true, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('ext_timed_batch', args, 2, 3, span);
    const timestamp = propertyExpr('ext_timed_batch', args[0], span);
    const ms = timePeriod('ext_timed_batch', args[1], span);
    const ref = args[2];
    if (ref !== undefined && !(ref.kind === 'constant' && typeof ref.value === 'number')) {
      optionalReferencePoint('ext_timed_batch', ref, span);
      throw new WeirError(
        'analyze/invalid-window-parameter',
        '#ext_timed_batch requires a constant reference point in milliseconds',
        { span: ref.span },
      );
    }
    return { timestamp, ms, referencePoint: optionalReferencePoint('ext_timed_batch', ref, span) };
  },
  describe: (p) => `ext_timed_batch(${p.ms} ms)`,
  create: (p, ctx) => new ExtTimedBatchWindow(ctx.compile(p.timestamp), p, ctx),
};

interface ExtTimedBatchState {
  readonly current: number[];
  readonly lastBatch: number[];
  readonly oldest: number | null;
  readonly reference: number | null;
}

class ExtTimedBatchWindow implements DataWindow, Stateful<ExtTimedBatchState> {
  private current: Row[] = [];
  private lastBatch: Row[] = [];
  /** The time of the current batch's oldest event (undefined while the batch is empty). */
  private oldest: number | undefined;
  private reference: number | undefined;

  constructor(
    private readonly timeOf: (row: Row) => unknown,
    private readonly p: Params,
    private readonly ctx: WindowContext,
  ) {
    this.reference = p.referencePoint;
  }

  insert(row: Row): void {
    const t = Number(this.timeOf(row));
    this.reference ??= t;
    if (this.oldest === undefined) this.oldest = t;
    // Esper: t − oldest ≥ deltaAddWReference(oldest, reference, p), the next grid point.
    else if (t >= nextGridPoint(this.oldest, this.reference, this.p.ms)) {
      const batch = this.current;
      const old = this.lastBatch;
      this.lastBatch = batch;
      this.current = [row];
      this.oldest = t;
      this.ctx.emit(batch, old.length > 0 ? old : null);
      return;
    }
    this.current.push(row);
  }

  /**
   * ExternallyTimedBatchView.update(newData, oldData): the old rows leave the batch being
   * collected; then each new row, as an arrival, except that once a batch is released in
   * this update the next row starts the boundary afresh from its own time (Esper's oldest
   * is null until the update ends). Posted: the released batches together with the last
   * batch, then the old rows as given (a second step).
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    if (removed.length > 0) {
      for (const row of removed) removeFromBatch(this.current, row);
      this.determineOldest();
    }
    let released: Row[] | null = null;
    for (const row of inserted) {
      const t = Number(this.timeOf(row));
      this.reference ??= t;
      if (this.oldest === undefined) this.oldest = t;
      else if (t >= nextGridPoint(this.oldest, this.reference, this.p.ms)) {
        released = released === null ? this.current : [...released, ...this.current];
        this.current = [];
        this.oldest = undefined;
      }
      this.current.push(row);
    }
    if (released !== null) {
      const old = this.lastBatch;
      this.lastBatch = released;
      this.determineOldest();
      this.ctx.emit(released, old.length > 0 ? old : null);
    }
    postStep(this.ctx, null, removed);
  }

  remove(row: Row): boolean {
    if (!removeFromBatch(this.current, row)) return false;
    this.determineOldest();
    return true;
  }

  /** The time of the batch's first event (undefined while the batch is empty). */
  private determineOldest(): void {
    const first = this.current[0];
    this.oldest = first === undefined ? undefined : Number(this.timeOf(first));
  }

  prev(row: Row, n: number): Row | undefined {
    return prevInBatch(this.lastBatch, row, n);
  }

  contents(): Row[] {
    return [...this.current];
  }

  size(): number {
    return this.current.length;
  }

  snapshot(w: StateWriter): ExtTimedBatchState {
    return {
      current: w.events(this.current),
      lastBatch: w.events(this.lastBatch),
      oldest: this.oldest ?? null,
      reference: this.reference ?? null,
    };
  }

  restore(state: ExtTimedBatchState, r: StateReader): void {
    this.current = r.events(state.current);
    this.lastBatch = r.events(state.lastBatch);
    this.oldest = state.oldest ?? undefined;
    this.reference = state.reference ?? undefined;
  }

  stop(): void {
    this.current = [];
    this.lastBatch = [];
  }
}
