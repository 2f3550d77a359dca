/** #keepall: retains every event; arrivals are posted, nothing ever leaves on its own. */
import { RowDeque, nthNewest } from './row-deque.js';
import type { WindowDef } from './window-def.js';
import { expectArgCount } from './window-params.js';

export const keepallWindow: WindowDef<Record<string, never>> = {
  name: 'keepall',
  syntax: '#keepall',
  doc: 'Keeps every event for the life of the statement.',
  traits: { basis: 'none', batching: false, ordered: true, commutesWithFilter: true, retains: true },
  validate(args, span) {
    expectArgCount('keepall', args, 0, 0, span);
    return {};
  },
  describe: () => 'keepall',
  create(_p, ctx) {
    const rows = new RowDeque();
    return {
      insert(row) {
        rows.push(row);
        ctx.emit([row], null);
      },
      remove: (row) => rows.remove(row),
      contents: () => rows.toArray(),
      size: () => rows.size,
      prev: (_row, n) => nthNewest(rows, n),
    };
  },
};
