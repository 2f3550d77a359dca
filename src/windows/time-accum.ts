import type { Row } from '../common/row.js';
/**
 * #time_accum(p): arrivals are posted at once and accumulate; when p passes without an
 * arrival, everything accumulated leaves in one step.
 */
import { arrayAccess } from './array-access.js';
import type { TimerId, WindowDef } from './window-def.js';
import { expectArgCount, timePeriod } from './window-params.js';

export const timeAccumWindow: WindowDef<{ ms: number }> = {
  name: 'time_accum',
  syntax: '#time_accum(period)',
  doc: 'Accumulates events while they keep arriving within the period of each other; all leave together once the period passes without an arrival.',
  traits: { basis: 'time', batching: false, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('time_accum', args, 1, 1, span);
    return { ms: timePeriod('time_accum', args[0], span) };
  },
  describe: (p) => `time_accum(${p.ms} ms)`,
  create({ ms }, ctx) {
    let rows: Row[] = [];
    /** Arrival time of each row, parallel to `rows`. */
    let arrivals: number[] = [];
    // One pending timer: an arrival only moves the quiet point later; the timer, when it
    // fires early (arrivals came meanwhile), re-arms itself at the newest arrival + ms
    // (Esper reschedules). A partner removing the newest event moves it earlier.
    let timer: TimerId | undefined;
    const newestArrival = () => arrivals[arrivals.length - 1] as number;
    const onDue = (due: number) => {
      const quietUntil = newestArrival() + ms;
      if (quietUntil > due) {
        timer = ctx.schedule(quietUntil, onDue);
        return;
      }
      timer = undefined;
      const gone = rows;
      rows = [];
      arrivals = [];
      if (gone.length > 0) ctx.emit(null, gone);
    };
    return {
      insert(row) {
        rows.push(row);
        arrivals.push(ctx.now());
        timer ??= ctx.schedule(ctx.now() + ms, onDue);
        ctx.emit([row], null);
      },
      // Esper's TimeAccumViewRStream: without its newest event the quiet period is counted
      // from the new newest; an emptied window has no timer.
      remove(row) {
        const i = rows.indexOf(row);
        if (i < 0) return false;
        const wasNewest = i === rows.length - 1;
        rows.splice(i, 1);
        arrivals.splice(i, 1);
        if (timer !== undefined && (rows.length === 0 || wasNewest)) {
          ctx.cancel(timer);
          timer = rows.length === 0 ? undefined : ctx.schedule(newestArrival() + ms, onDue);
        }
        return true;
      },
      prev: (_row, n) => rows[rows.length - 1 - n],
      ...arrayAccess(() => rows),
    };
  },
};
