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
    let timer: TimerId | undefined;
    const expire = () => {
      timer = undefined;
      const gone = rows;
      rows = [];
      if (gone.length > 0) ctx.emit(null, gone);
    };
    return {
      insert(row) {
        rows.push(row);
        if (timer !== undefined) ctx.cancel(timer);
        timer = ctx.schedule(ctx.now() + ms, expire);
        ctx.emit([row], null);
      },
      ...arrayAccess(() => rows),
    };
  },
};
