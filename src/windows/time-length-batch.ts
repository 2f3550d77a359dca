/**
 * #time_length_batch(p, n [, 'FORCE_UPDATE, START_EAGER']): batches closed by n events or by
 * p elapsing, whichever first; a count flush cancels the timer and restarts it (Esper).
 */
import { arrayAccess } from './array-access.js';
import { BatchState, removeFromBatch } from './batch-flusher.js';
import type { WindowDef } from './window-def.js';
import type { TimerId } from './window-def.js';
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
  create(p, ctx) {
    const batch = new BatchState(p.forceUpdate);
    let timer: TimerId | undefined;
    const schedule = () => {
      timer = ctx.schedule(ctx.now() + p.ms, () => send(true));
    };
    const send = (fromTimer: boolean) => {
      if (fromTimer) timer = undefined;
      else if (timer !== undefined) {
        ctx.cancel(timer);
        timer = undefined;
      }
      if (batch.flush(ctx)) schedule();
    };
    if (p.startEager) schedule();
    return {
      insert(row) {
        batch.current.push(row);
        if (batch.current.length < p.count) {
          if (timer === undefined) schedule();
          return;
        }
        send(false);
      },
      remove: (row) => removeFromBatch(batch.current, row),
      prev: (row, n) => batch.prev(row, n),
      ...arrayAccess(() => batch.current),
    };
  },
};
