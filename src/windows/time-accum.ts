import type { Row } from '../common/row.js';
/**
 * #time_accum(p): arrivals are posted at once and accumulate; when p passes without an
 * arrival, everything accumulated leaves in one step.
 */
import { arrayAccess } from './array-access.js';
import type { WindowDef } from './window-def.js';
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
    let lastArrival = 0;
    // One pending timer: an arrival only moves lastArrival; the timer, when it fires early
    // (arrivals came meanwhile), re-arms itself at lastArrival + ms (Esper reschedules).
    let armed = false;
    const onDue = (due: number) => {
      const quietUntil = lastArrival + ms;
      if (quietUntil > due) {
        ctx.schedule(quietUntil, onDue);
        return;
      }
      armed = false;
      const gone = rows;
      rows = [];
      if (gone.length > 0) ctx.emit(null, gone);
    };
    return {
      insert(row) {
        rows.push(row);
        lastArrival = ctx.now();
        if (!armed) {
          armed = true;
          ctx.schedule(lastArrival + ms, onDue);
        }
        ctx.emit([row], null);
      },
      ...arrayAccess(() => rows),
    };
  },
};
