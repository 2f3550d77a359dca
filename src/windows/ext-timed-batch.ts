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
import type { BoundExpr } from '../expr/bound-expr.js';
import { arrayAccess } from './array-access.js';
import { prevInBatch, removeFromBatch } from './batch-flusher.js';
import { nextGridPoint } from './time-batch.js';
import type { WindowDef } from './window-def.js';
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
  create(p, ctx) {
    const timeOf = ctx.compile(p.timestamp);
    const state = {
      current: [] as Row[],
      lastBatch: [] as Row[],
      /** The time of the current batch's oldest event (undefined while the batch is empty). */
      oldest: undefined as number | undefined,
      reference: p.referencePoint,
    };
    const determineOldest = () => {
      const first = state.current[0];
      state.oldest = first === undefined ? undefined : Number(timeOf(first));
    };
    return {
      insert(row) {
        const t = Number(timeOf(row));
        state.reference ??= t;
        if (state.oldest === undefined) state.oldest = t;
        // Esper: t − oldest ≥ deltaAddWReference(oldest, reference, p), the next grid point.
        else if (t >= nextGridPoint(state.oldest, state.reference, p.ms)) {
          const batch = state.current;
          const old = state.lastBatch;
          state.lastBatch = batch;
          state.current = [row];
          state.oldest = t;
          ctx.emit(batch, old.length > 0 ? old : null);
          return;
        }
        state.current.push(row);
      },
      remove(row) {
        if (!removeFromBatch(state.current, row)) return false;
        determineOldest();
        return true;
      },
      prev: (row, n) => prevInBatch(state.lastBatch, row, n),
      ...arrayAccess(() => state.current),
    };
  },
};
