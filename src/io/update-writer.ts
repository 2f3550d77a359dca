/** What every output format implements: one call per listener call, then `end()`. */
import type { Row } from '../common/row.js';

export interface UpdateWriter {
  update(stmt: string, time: number, newEvents: Row[] | null, oldEvents: Row[] | null): void;
  /** Writes anything held back and flushes the buffer. */
  end(): void;
}

/** A statement as the column-oriented formats (csv, table) need it. */
export interface StatementColumns {
  readonly name: string;
  readonly columns: readonly string[];
}
