/**
 * Collects the rows of one side of a delivery, with their order-by keys when the statement
 * sorts, and hands back the (sorted) array or null when empty. For an output-limited
 * statement the keys are also recorded by row (`sortKeys`), so the limiter can sort the
 * rows of many steps as one batch.
 */
import type { Row } from '../common/row.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import type { SortKeys } from './output-limit/row-collector.js';
import { type KeyBuilder, sortRows } from './row-builder.js';

export class RowSink {
  /** Made by the first push of a step (an operator has two sinks; a context, an operator per partition). */
  private rows: Row[] | undefined = undefined;
  private keys: unknown[][] | undefined = undefined;

  constructor(
    private readonly keyBuilder: KeyBuilder | undefined,
    private readonly descending: readonly boolean[],
    private readonly sortKeys?: SortKeys,
  ) {}

  /** Whether rows are ordered (otherwise callers may skip the sink). */
  get sorts(): boolean {
    return this.keyBuilder !== undefined;
  }

  /** `source` is the event the keys are computed from (same context as the row). */
  push(row: Row, source: Row, ctx: EvalFrame): void {
    if (this.rows === undefined) this.rows = [row];
    else this.rows.push(row);
    if (this.keyBuilder !== undefined) {
      const key = this.keyBuilder(source, ctx);
      if (this.keys === undefined) this.keys = [key];
      else this.keys.push(key);
      this.sortKeys?.set(row, key);
    }
  }

  /** Records a row's order-by keys for the limiter without collecting the row. */
  record(row: Row, source: Row, ctx: EvalFrame): void {
    if (this.keyBuilder !== undefined && this.sortKeys !== undefined) {
      this.sortKeys.set(row, this.keyBuilder(source, ctx));
    }
  }

  take(): Row[] | null {
    const taken = this.rows;
    if (taken === undefined || taken.length === 0) return null;
    const rows = this.keyBuilder === undefined ? taken : sortRows(taken, this.keys ?? [], this.descending);
    this.rows = undefined;
    this.keys = undefined;
    return rows;
  }
}
