/**
 * #ext_timed(prop, p): a time window whose clock is the events' own timestamp property.
 * Only arrivals evict: an arrival with time T evicts the events whose time is ≤ T − p.
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { RowDeque, nthNewest } from './row-deque.js';
import type { WindowDef } from './window-def.js';
import { expectArgCount, propertyExpr, timePeriod } from './window-params.js';

export const extTimedWindow: WindowDef<{ timestamp: BoundExpr; ms: number }> = {
  name: 'ext_timed',
  syntax: '#ext_timed(timestamp property, period)',
  doc: 'Sliding time window on a timestamp property of the events; evicts only when events arrive.',
  traits: { basis: 'time', batching: false, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('ext_timed', args, 2, 2, span);
    return {
      timestamp: propertyExpr('ext_timed', args[0], span),
      ms: timePeriod('ext_timed', args[1], span),
    };
  },
  describe: (p) => `ext_timed(${p.ms} ms)`,
  create(p, ctx) {
    const timeOf = ctx.compile(p.timestamp);
    const rows = new RowDeque();
    return {
      insert(row) {
        const now = Number(timeOf(row));
        const evicted = [];
        for (
          let oldest = rows.peek();
          oldest !== undefined && Number(timeOf(oldest)) <= now - p.ms;
          oldest = rows.peek()
        ) {
          evicted.push(rows.shift() as Record<string, unknown>);
        }
        rows.push(row);
        ctx.emit([row], evicted.length > 0 ? evicted : null);
      },
      remove: (row) => rows.remove(row),
      contents: () => rows.toArray(),
      size: () => rows.size,
      prev: (_row, n) => nthNewest(rows, n),
    };
  },
};
