/** One event read from a file, with where it came from (for error messages). */
import type { Row } from '../common/row.js';

export interface EventRecord {
  readonly type: string;
  /** undefined: the engine takes the time from the schema's timestamp property. */
  readonly timestamp: number | undefined;
  readonly event: Row;
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
}

export interface ReaderOptions {
  /** Event type for flat lines and CSV rows. */
  readonly type?: string;
  /** Property holding the event time in flat lines and CSV rows (default `ts`). */
  readonly timeField: string;
}

/** A malformed line: reported with file and line, then skipped or fatal by the caller's policy. */
export type ReadResult =
  | { readonly ok: true; readonly record: EventRecord }
  | { readonly ok: false; readonly error: import('../common/errors.js').WeirError };
