/**
 * Collects the rows of one side of a delivery, with their order-by keys when the statement
 * sorts, and hands back the (sorted) array or null when empty.
 */
import type { Row } from '../common/row.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import { type KeyBuilder, sortRows } from './row-builder.js';

export class RowSink {
  private rows: Row[] = [];
  private keys: unknown[][] = [];

  constructor(
    private readonly keyBuilder: KeyBuilder | undefined,
    private readonly descending: readonly boolean[],
  ) {}

  /** Whether rows are ordered (otherwise callers may skip the sink). */
  get sorts(): boolean {
    return this.keyBuilder !== undefined;
  }

  /** `source` is the event the keys are computed from (same context as the row). */
  push(row: Row, source: Row, ctx: EvalFrame): void {
    this.rows.push(row);
    if (this.keyBuilder !== undefined) this.keys.push(this.keyBuilder(source, ctx));
  }

  take(): Row[] | null {
    if (this.rows.length === 0) return null;
    const rows = this.keyBuilder === undefined ? this.rows : sortRows(this.rows, this.keys, this.descending);
    this.rows = [];
    this.keys = [];
    return rows;
  }
}
