import { WeirError } from '../common/errors.js';
/**
 * #ext_timed_batch(prop, p [, reference point]): tumbling batches on a timestamp property.
 * Batches cover [ref + k·p, ref + (k+1)·p), with ref the first event's time unless given;
 * an arrival at or past the batch end posts the batch (previous batch as old) before it
 * joins the next one. Only arrivals drive it, never the clock.
 */
import type { Row } from '../common/row.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { arrayAccess } from './array-access.js';
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
    let current: Row[] = [];
    let previous: Row[] = [];
    let batchEnd: number | undefined;
    return {
      insert(row) {
        const t = Number(timeOf(row));
        if (batchEnd === undefined) {
          const ref = p.referencePoint ?? t;
          batchEnd = ref + Math.floor((t - ref) / p.ms + 1) * p.ms;
        } else if (t >= batchEnd) {
          if (current.length > 0 || previous.length > 0) {
            ctx.emit(current.length > 0 ? current : null, previous.length > 0 ? previous : null);
          }
          previous = current;
          current = [];
          while (batchEnd <= t) batchEnd += p.ms;
        }
        current.push(row);
      },
      ...arrayAccess(() => current),
    };
  },
};
