/** #length_batch(n): tumbling batches of n events; each full batch posts with the previous batch as old. */
import { arrayAccess } from './array-access.js';
import { BatchState, removeFromBatch } from './batch-flusher.js';
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
    const batch = new BatchState(false);
    return {
      insert(row) {
        batch.current.push(row);
        if (batch.current.length >= size) batch.flush(ctx);
      },
      remove: (row) => removeFromBatch(batch.current, row),
      prev: (row, n) => batch.prev(row, n),
      ...arrayAccess(() => batch.contents()),
    };
  },
};
