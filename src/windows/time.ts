/**
 * #time(p): events of the last p. An event that arrived at t leaves at exactly t + p, posted
 * by a timer stamped t + p; events leaving at the same time leave in one step. At most one
 * timer is pending (for the oldest event), re-armed as events expire.
 */
import { RowDeque, relativeIn } from './row-deque.js';
import type { WindowDef } from './window-def.js';
import { expectArgCount, timePeriod } from './window-params.js';

export const timeWindow: WindowDef<{ ms: number }> = {
  name: 'time',
  syntax: '#time(period)',
  doc: 'Sliding window of the events that arrived within the last period; an event arriving at t leaves at t + period.',
  traits: { basis: 'time', batching: false, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('time', args, 1, 1, span);
    return { ms: timePeriod('time', args[0], span) };
  },
  describe: (p) => `time(${p.ms} ms)`,
  create({ ms }, ctx) {
    const rows = new RowDeque();
    const arrivals: number[] = [];
    let arrivalHead = 0;
    let timerArmed = false;
    const arm = () => {
      const oldest = arrivals[arrivalHead];
      if (oldest === undefined || timerArmed) return;
      timerArmed = true;
      ctx.schedule(oldest + ms, expire);
    };
    const expire = (due: number) => {
      timerArmed = false;
      const expired = [];
      while (rows.size > 0 && (arrivals[arrivalHead] as number) + ms <= due) {
        expired.push(rows.shift() as Record<string, unknown>);
        arrivalHead++;
      }
      if (arrivalHead > 1024 && arrivalHead * 2 > arrivals.length) {
        arrivals.splice(0, arrivalHead);
        arrivalHead = 0;
      }
      if (expired.length > 0) ctx.emit(null, expired);
      arm();
    };
    return {
      insert(row) {
        rows.push(row);
        arrivals.push(ctx.now());
        arm();
        ctx.emit([row], null);
      },
      remove(row) {
        const i = rows.indexOf(row);
        if (i < 0) return false;
        rows.remove(row);
        arrivals.splice(arrivalHead + i, 1);
        return true;
      },
      contents: () => rows.toArray(),
      size: () => rows.size,
      relative: (row, n) => relativeIn(rows, row, n),
    };
  },
};
