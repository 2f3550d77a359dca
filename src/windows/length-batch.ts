/** #length_batch(n): tumbling batches of n events; each full batch posts with the previous batch as old. */
import type { Row } from '../common/row.js';
import { arrayAccess } from './array-access.js';
import type { WindowDef } from './window-def.js';
import { expectArgCount, positiveInt } from './window-params.js';

export const lengthBatchWindow: WindowDef<{ size: number }> = {
  name: 'length_batch',
  syntax: '#length_batch(n)',
  doc: 'Tumbling window: collects n events, then posts them as new and the previous batch as old.',
  traits: { basis: 'count', batching: true, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('length_batch', args, 1, 1, span);
    return { size: positiveInt('length_batch', args[0], span) };
  },
  describe: (p) => `length_batch(${p.size})`,
  create({ size }, ctx) {
    let current: Row[] = [];
    let previous: Row[] = [];
    return {
      insert(row) {
        current.push(row);
        if (current.length < size) return;
        const batch = current;
        ctx.emit(batch, previous.length > 0 ? previous : null);
        previous = batch;
        current = [];
      },
      ...arrayAccess(() => current),
    };
  },
};
