/**
 * #time_batch(p [, reference point] [, 'FORCE_UPDATE, START_EAGER']): tumbling batches by
 * time. Flushes happen on a grid anchored at the reference point (default: the first
 * arrival), so the first flush is at first arrival + p. Each flush posts the batch as new and
 * the previous batch as old; an empty batch after a full one posts only the old; two empty
 * intervals in a row stop the timer until the next arrival, which re-arms it on the grid.
 */
import { arrayAccess } from './array-access.js';
import { BatchState, removeFromBatch } from './batch-flusher.js';
import type { WindowContext, WindowDef } from './window-def.js';
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

/**
 * When a time batch flushes: on the grid anchored at the reference point (START_EAGER: the
 * statement's start, and a timer from the start; otherwise the given point or the first
 * arrival). `flush` posts and reports whether the next interval must be scheduled; a batch
 * window calls `batchStarts` when an event arrives in an empty batch, which re-arms a stopped
 * timer on the same grid. Shared by this window and the columnar driver (columnar-windows.ts).
 */
export function timeBatchClock(
  p: Pick<TimeBatchParams, 'ms' | 'referencePoint' | 'startEager'>,
  ctx: Pick<WindowContext, 'now' | 'schedule' | 'startTime'>,
  flush: () => boolean,
): { batchStarts(): void } {
  let reference: number | undefined = p.startEager ? ctx.startTime : p.referencePoint;
  let scheduled = false;
  const schedule = () => {
    scheduled = true;
    ctx.schedule(nextGridPoint(ctx.now(), reference as number, p.ms), onDue);
  };
  const onDue = () => {
    scheduled = false;
    if (flush()) schedule();
  };
  if (p.startEager) schedule();
  return {
    batchStarts() {
      reference ??= ctx.now();
      if (!scheduled) schedule();
    },
  };
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
  create(p, ctx) {
    // FORCE_UPDATE posts empty intervals only where something sees them; elsewhere the timer
    // stops after an empty interval and the next arrival re-arms it on the same grid, which
    // gives the same output without one timer per interval across a clock jump.
    const batch = new BatchState(p.forceUpdate && ctx.seesEmptyPosts !== false);
    const clock = timeBatchClock(p, ctx, () => batch.flush(ctx));
    return {
      insert(row) {
        if (batch.current.length === 0) clock.batchStarts();
        batch.current.push(row);
      },
      remove: (row) => removeFromBatch(batch.current, row),
      prev: (row, n) => batch.prev(row, n),
      ...arrayAccess(() => batch.contents()),
    };
  },
};
