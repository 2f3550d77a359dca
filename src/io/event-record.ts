/** One event read from a file, with where it came from (for error messages). */
import type { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { EventSchemaInfo } from '../runtime/api.js';

export interface EventRecord {
  readonly type: string;
  /** undefined: the engine takes the time from the schema's timestamp property. */
  readonly timestamp: number | undefined;
  readonly event: Row;
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  /**
   * For an event of a closed type read from a general line: UNDECLARED (1) when it carries
   * properties the type does not declare (dropped), MISSING (2) when declared ones are absent
   * (null). Absent: the event has exactly the declared properties.
   */
  readonly shape?: number;
}

/**
 * What a reader yields for one line: the event, or the error that line is (malformed JSON,
 * no type, unknown type, a value that does not parse). Errors are yielded, not thrown, so the
 * caller applies its policy (fail at the first, or count and skip) and the stream goes on.
 */
export type ReadItem = EventRecord | WeirError;

export interface ReaderOptions {
  /** Event type for flat lines and CSV rows. */
  readonly type?: string;
  /** Property holding the event time in flat lines and CSV rows (default `ts`). */
  readonly timeField: string;
  /** The declared event types (engine.schema): unknown types are reported with their line. */
  readonly schemaOf?: (type: string) => EventSchemaInfo | undefined;
  /** The declared type names, listed in an unknown-type message. */
  readonly typeNames?: () => readonly string[];
  /**
   * Read envelope lines of the declared types, and flat lines of `type`, with the
   * schema-specialised parser (default
   * true; it needs schemaOf and typeNames). Off, every line goes through JSON.parse: the
   * results are the same, only slower.
   */
  readonly specialise?: boolean;
  /** A line whose properties differ from its closed type's declaration is an error (`--strict`). */
  readonly strict?: boolean;
  /** Where to start reading: a position a reader reported in its ReadProgress (default: the start). */
  readonly start?: StartPosition;
}

/** A place in an event file: the byte offset where a line begins, and the number of the line before it. */
export interface StartPosition {
  readonly offset: number;
  readonly line: number;
}

/** How far a reader has got, updated as it goes. */
export interface ReadProgress {
  /** Bytes of the file read so far (for a progress bar). */
  bytes: number;
  /**
   * After each batch: the byte offset just past the last complete line handed out, and that
   * line's number. A reader given this as `start` goes on with the next line (a checkpoint).
   */
  offset?: number;
  line?: number;
}
