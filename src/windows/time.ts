/**
 * #time(p): events of the last p. An event that arrived at t leaves at exactly t + p, posted
 * by a timer stamped t + p; events leaving at the same time leave in one step. At most one
 * timer is pending (for the oldest event), re-armed as events expire.
 */
import { RowDeque, nthNewest } from './row-deque.js';
import type { TimerId, WindowDef } from './window-def.js';
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
    // Each row's stamp is its arrival time.
    const rows = new RowDeque();
    let timerArmed = false;
    let timer: TimerId | undefined;
    const arm = () => {
      const oldest = rows.peekStamp();
      if (oldest === undefined || timerArmed) return;
      timerArmed = true;
      timer = ctx.schedule(oldest + ms, expire, timer);
    };
    const expire = (due: number) => {
      timerArmed = false;
      const expired = rows.shiftStampedUpTo(ms, due);
      if (expired !== null) ctx.emit(null, expired);
      arm();
    };
    return {
      insert(row) {
        rows.push(row, ctx.now());
        arm();
        ctx.emit([row], null);
      },
      remove: (row) => rows.remove(row),
      contents: () => rows.toArray(),
      size: () => rows.size,
      prev: (_row, n) => nthNewest(rows, n),
    };
  },
};
