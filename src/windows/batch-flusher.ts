/**
 * The batch state shared by the batch windows: the batch being collected and the batch last
 * posted, which is the remove stream of the next post and what prev() reads (Esper's
 * IStreamRelativeAccess: prev(n) of an event of the last posted batch is the event n places
 * before it in that batch; any other event has no prev, not even prev(0)).
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { WindowContext } from './window-def.js';

/** A batch window's events as snapshot ids. */
export interface BatchData {
  readonly current: number[];
  readonly previous: number[];
}

export class BatchState {
  current: Row[] = [];
  /** The batch last posted as new (empty when that post had no new events). */
  previous: Row[] = [];

  /** True while a flush's post is being processed. */
  private posting = false;

  constructor(private readonly forceUpdate: boolean) {}

  /**
   * What the window's contents are (Esper's view iterator, read by `output snapshot`): the
   * batch being collected, except while a flush is being posted, when Esper's currentBatch
   * still holds the batch being posted (it rolls the batches after the post).
   */
  contents(): Row[] {
    return this.posting ? this.previous : this.current;
  }

  /**
   * Posts the current batch as new and the previous one as old when either has events (or
   * FORCE_UPDATE), as Esper's sendBatch; returns whether the next interval must be
   * scheduled (only while there is activity, or always under FORCE_UPDATE).
   */
  flush(ctx: WindowContext): boolean {
    const { current, previous } = this;
    const newRows = current.length > 0 ? current : null;
    const oldRows = previous.length > 0 ? previous : null;
    const again = newRows !== null || oldRows !== null || this.forceUpdate;
    // Roll first: while the post is processed, prev() reads the batch being posted.
    this.previous = current;
    this.current = [];
    if (again) {
      this.posting = true;
      try {
        ctx.emit(newRows, oldRows);
      } finally {
        this.posting = false;
      }
    }
    return again;
  }

  prev(row: Row, n: number): Row | undefined {
    return prevInBatch(this.previous, row, n);
  }

  snapshot(w: StateWriter): BatchData {
    return { current: w.events(this.current), previous: w.events(this.previous) };
  }

  restore(data: BatchData, r: StateReader): void {
    this.current = r.events(data.current);
    this.previous = r.events(data.previous);
  }

  clear(): void {
    this.current = [];
    this.previous = [];
  }
}

/** prev(n) of `row` within a posted batch (undefined when `row` is not in it). */
export function prevInBatch(batch: readonly Row[], row: Row, n: number): Row | undefined {
  const i = batch.indexOf(row);
  return i < 0 || n > i ? undefined : batch[i - n];
}

/** Removes `row` from a batch being collected (an intersection partner removed it). */
export function removeFromBatch(batch: Row[], row: Row): boolean {
  const i = batch.indexOf(row);
  if (i < 0) return false;
  batch.splice(i, 1);
  return true;
}
