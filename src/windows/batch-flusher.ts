/**
 * The flush step shared by time-driven batch windows (Esper's sendBatch): post the current
 * batch as new and the previous one as old when either has events (or FORCE_UPDATE), and
 * report whether another interval should be scheduled (only while there is activity).
 */
import type { Row } from '../common/row.js';
import type { WindowContext } from './window-def.js';

export class BatchState {
  current: Row[] = [];
  previous: Row[] = [];

  constructor(private readonly forceUpdate: boolean) {}

  /** Posts and rolls the batches; returns whether the next interval must be scheduled. */
  flush(ctx: WindowContext): boolean {
    const { current, previous } = this;
    const newRows = current.length > 0 ? current : null;
    const oldRows = previous.length > 0 ? previous : null;
    if (newRows !== null || oldRows !== null || this.forceUpdate) ctx.emit(newRows, oldRows);
    const again = current.length > 0 || previous.length > 0 || this.forceUpdate;
    this.previous = current;
    this.current = [];
    return again;
  }
}
