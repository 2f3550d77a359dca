/** #length_batch(n): tumbling batches of n events; each full batch posts with the previous batch as old. */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import { type BatchData, BatchState, removeFromBatch } from './batch-flusher.js';
import { type BatchCounts, ColumnarBatch, type ColumnarTarget, type ColumnarWindow } from './columnar.js';
import { addAbsent } from './post-step.js';
import { BatchWindow } from './stateful-windows.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';
import { expectArgCount, positiveInt } from './window-params.js';

/** Fused with its aggregation: every `size` arrivals, the batch enters and the previous batch leaves. */
class ColumnarLengthBatch implements ColumnarWindow, Stateful<BatchCounts> {
  private readonly batch: ColumnarBatch;

  constructor(
    private readonly capacity: number,
    target: ColumnarTarget,
  ) {
    this.batch = new ColumnarBatch(target);
  }

  readonly accept = (row: Row): void => {
    this.batch.add(row);
    if (this.batch.current >= this.capacity) this.batch.flush();
  };

  size(): number {
    return this.batch.current;
  }

  snapshot(): BatchCounts {
    return this.batch.snapshot();
  }

  restore(state: BatchCounts): void {
    this.batch.restore(state);
  }

  stop(): void {}
}

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
  create: ({ size }, ctx) => new LengthBatchWindow(size, ctx),
  columnar: { stamped: false, create: ({ size }, target) => new ColumnarLengthBatch(size, target) },
};

class LengthBatchWindow extends BatchWindow<BatchData> {
  constructor(
    private readonly capacity: number,
    ctx: WindowContext,
  ) {
    super(ctx, false);
  }

  insert(row: Row): void {
    this.batch.current.push(row);
    if (this.batch.current.length >= this.capacity) this.batch.flush(this.ctx);
  }

  /**
   * LengthBatchViewRStream: the old rows leave the batch being collected silently (a posted
   * batch keeps them: they leave with it), the new rows join it (once each), and a batch
   * that reached n is posted, however far past n it went.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    for (const row of removed) removeFromBatch(this.batch.current, row);
    if (inserted.length === 0) return;
    addAbsent(this.batch.current, inserted);
    if (this.batch.current.length >= this.capacity) this.batch.flush(this.ctx);
  }

  snapshot(w: StateWriter): BatchData {
    return this.batch.snapshot(w);
  }

  restore(state: BatchData, r: StateReader): void {
    this.batch.restore(state, r);
  }

  stop(): void {
    this.batch.clear();
  }
}
