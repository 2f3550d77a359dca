/**
 * What every output format implements: a writer per statement, called once per listener
 * call of that statement, then `end()`.
 */
import type { Row } from '../common/row.js';

/** Writes one listener call of one statement. */
export type RowsWriter = (time: number, newEvents: Row[] | null, oldEvents: Row[] | null) => void;

export interface UpdateWriter {
  /** The writer for statement `name`, whose rows have these columns (select-list order). */
  statement(name: string, columns: readonly string[]): RowsWriter;
  /** Writes anything held back and flushes the buffer. */
  end(): void;
}

/** A statement as the column-oriented formats (csv, table) need it. */
export interface StatementColumns {
  readonly name: string;
  readonly columns: readonly string[];
}
