/** #length(n): the last n events; each arrival posts itself and the event it evicts, in one step. */
import type { Row } from '../common/row.js';
import { RowDeque, nthNewest } from './row-deque.js';
import type { WindowDef } from './window-def.js';
import { expectArgCount, positiveInt } from './window-params.js';

export const lengthWindow: WindowDef<{ size: number }> = {
  name: 'length',
  syntax: '#length(n)',
  doc: 'Sliding window of the last n events. An arrival beyond n evicts the oldest event in the same step.',
  traits: { basis: 'count', batching: false, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('length', args, 1, 1, span);
    return { size: positiveInt('length', args[0], span) };
  },
  describe: (p) => `length(${p.size})`,
  create({ size }, ctx) {
    const rows = new RowDeque();
    return {
      insert(row: Row) {
        rows.push(row);
        const evicted = rows.size > size ? rows.shift() : undefined;
        ctx.emit([row], evicted === undefined ? null : [evicted]);
      },
      remove: (row) => rows.remove(row),
      contents: () => rows.toArray(),
      size: () => rows.size,
      prev: (_row, n) => nthNewest(rows, n),
    };
  },
};
