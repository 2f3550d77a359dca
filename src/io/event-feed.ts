/**
 * Feeds the events of a list of files, in order, to a target (the replay): every line is
 * either an event (`target.event`) or the error it is (`target.error`), exactly as the
 * readers report it. Two ways, with the same lines, events, errors and order:
 *
 * - `inline`: the readers run on this thread between engine steps (NDJSON lines go to the
 *   target as the scanner reads them; CSV in batches from readCsv);
 * - `worker`: NDJSON and CSV are read and parsed on a worker thread (read-worker.ts) while
 *   this thread runs the engine; events arrive as transferred typed arrays and are rebuilt
 *   here by a decoder generated per schema or CSV header (event-wire.ts) — or, for a target
 *   that takes them (`lent`), read into one reused row per closed type whose values were
 *   checked against their types, which the engine copies only where it keeps the event
 *   (Engine.sendTransient) —, NDJSON lines for the general path as text parsed here exactly
 *   as inline, errors as code and message. The rest of a CSV file from its first line that is
 *   not plain (csv-parse's part) is read here.
 *
 * After each batch, `onBatch` learns where reading stands (for a progress bar, output
 * backpressure, and checkpoints: the file, and the offset and line where its unread lines
 * begin).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { type ErrorCode, WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { EventSchemaInfo } from '../runtime/api.js';
import type { ReadItem, ReaderOptions, StartPosition } from './event-record.js';
import {
  CSV_ROW,
  type EventDecoder,
  type LentRows,
  TEXT_LINE,
  type WireCursor,
  makeEventDecoder,
  makeLentRows,
  newWireCursor,
  startBatch,
} from './event-wire.js';
import { type TypeCheck, knownTypes } from './known-types.js';
import { readNdjson } from './ndjson-reader.js';
import { type LineSink, NdjsonScanner, generalLine } from './ndjson-scanner.js';
import { isCsvFile, readEvents } from './read-events.js';
import { type ReadWorker, startReadWorker } from './worker-reader.js';

export interface FeedTarget {
  /** One event; false stops the feed. */
  event(
    type: string,
    event: Row,
    timestamp: number | undefined,
    file: string,
    line: number,
    /** EventRecord.shape: how the event differs from its closed type's declaration. */
    shape?: number,
  ): boolean;
  /**
   * One event as a row lent for this call (Engine.sendTransient: exactly its closed type's
   * declared properties in order, each value checked against its type; the feed refills the
   * object for the next event); false stops the feed. Without it, every event goes to `event`.
   */
  lent?(type: string, row: Row, timestamp: number | undefined, file: string, line: number): boolean;
  /** One line that is not an event; false stops the feed. */
  error(error: WeirError): boolean;
}

export interface FeedFile {
  readonly path: string;
  /** How messages name it. */
  readonly shown: string;
  readonly start?: StartPosition;
  /** NDJSON read from this stream instead of the file at `path` (standard input; read inline). */
  readonly stream?: Readable;
}

/** Where reading stands after a batch. */
export interface FeedPosition {
  /** Index of the file in the list. */
  readonly file: number;
  /** Byte offset and line number just past the last line handed out (resume there). */
  readonly offset: number;
  readonly line: number;
  /** Bytes read so far over all files. */
  readonly bytes: number;
}

export type FeedMode = 'inline' | 'worker';

const CHUNK_BYTES = 1 << 20;

/**
 * Feeds every file; false when the target stopped it. In worker mode, `worker` is a read
 * worker already started on these files (startReadWorker), else one is started now.
 */
export async function feedEvents(
  files: readonly FeedFile[],
  options: ReaderOptions,
  mode: FeedMode,
  target: FeedTarget,
  onBatch: (position: FeedPosition) => Promise<void> | void,
  worker?: ReadWorker,
): Promise<boolean> {
  return mode === 'worker' && files.length > 0 && files.every((f) => f.stream === undefined)
    ? feedFromWorker(files, options, target, onBatch, worker ?? startReadWorker(files))
    : feedInline(files, options, target, onBatch);
}

function deliver(item: ReadItem, target: FeedTarget): boolean {
  return item instanceof WeirError
    ? target.error(item)
    : target.event(item.type, item.event, item.timestamp, item.file, item.line, item.shape);
}

async function feedInline(
  files: readonly FeedFile[],
  options: ReaderOptions,
  target: FeedTarget,
  onBatch: (position: FeedPosition) => Promise<void> | void,
): Promise<boolean> {
  let bytesBefore = 0;
  for (let f = 0; f < files.length; f++) {
    const file = files[f] as FeedFile;
    const read = await readFileInline(file, f, file.start, options, target, onBatch, bytesBefore);
    if (read === false) return false;
    bytesBefore += read;
  }
  return true;
}

/** Feeds one file (from `start`) on this thread; false when the target stopped it, else the bytes read. */
async function readFileInline(
  file: FeedFile,
  index: number,
  start: StartPosition | undefined,
  options: ReaderOptions,
  target: FeedTarget,
  onBatch: (position: FeedPosition) => Promise<void> | void,
  bytesBefore: number,
): Promise<number | false> {
  // Standard input keeps the batch reader (robust's: results flushed per chunk).
  if (file.stream === undefined && !isCsvFile(file.path))
    return feedNdjsonInline(file, index, start, options, target, onBatch, bytesBefore);
  const progress = { bytes: 0, offset: 0, line: 0 };
  const fileOptions = start === undefined ? options : { ...options, start };
  const batches =
    file.stream === undefined
      ? readEvents(file.path, fileOptions, progress, file.shown)
      : readNdjson(file.path, fileOptions, progress, file.shown, file.stream);
  for await (const batch of batches) {
    for (let i = 0; i < batch.length; i++) if (!deliver(batch[i] as ReadItem, target)) return false;
    await onBatch({
      file: index,
      offset: progress.offset,
      line: progress.line,
      bytes: bytesBefore + progress.bytes,
    });
  }
  return progress.bytes;
}

/**
 * An NDJSON file on this thread: each line goes to the target as the scanner reads it, so an
 * event's record and object die young instead of waiting in a batch for the garbage
 * collector to copy them. Where reading stands is reported after each 1 MiB chunk.
 */
async function feedNdjsonInline(
  file: FeedFile,
  index: number,
  start: StartPosition | undefined,
  options: ReaderOptions,
  target: FeedTarget,
  onBatch: (position: FeedPosition) => Promise<void> | void,
  bytesBefore: number,
): Promise<number | false> {
  const isKnown = knownTypes(options.schemaOf);
  let stopped = false;
  const sink: LineSink = {
    record: (r) => {
      if (!stopped && !target.event(r.type, r.event, r.timestamp, r.file, r.line)) stopped = true;
    },
    text: (body, line) => {
      if (!stopped && !deliver(generalLine(body, file.shown, line, options, isKnown), target)) stopped = true;
    },
  };
  const from = start ?? { offset: 0, line: 0 };
  const scanner = NdjsonScanner.forRecords(file.shown, options, sink, from);
  const input = createReadStream(file.path, { highWaterMark: CHUNK_BYTES, start: from.offset });
  const position = () => ({
    file: index,
    offset: scanner.offset,
    line: scanner.line,
    bytes: bytesBefore + input.bytesRead,
  });
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      scanner.scan(chunk);
      if (stopped) return false;
      await onBatch(position());
    }
    const lines = scanner.line;
    scanner.finish();
    if (stopped) return false;
    if (scanner.line !== lines) await onBatch(position());
    return input.bytesRead;
  } finally {
    input.destroy();
  }
}

async function feedFromWorker(
  files: readonly FeedFile[],
  options: ReaderOptions,
  target: FeedTarget,
  onBatch: (position: FeedPosition) => Promise<void> | void,
  worker: ReadWorker,
): Promise<boolean> {
  const names = options.typeNames?.() ?? [];
  const schemas: EventSchemaInfo[] = names.flatMap((n) => options.schemaOf?.(n) ?? []);
  const decoders = schemas.map(makeEventDecoder);
  const lending = target.lent !== undefined;
  // A closed type's rows are lent to the engine from one reused object (no object per event).
  const lents = schemas.map((s) => (lending && !s.open ? makeLentRows(s) : undefined));
  const isKnown = knownTypes(options.schemaOf);
  const cursor = newWireCursor();
  const typeNames = schemas.map((s) => s.name);
  const csvType = options.type as string;
  let csvDecoder: EventDecoder | undefined;
  let csvLent: LentRows | undefined;
  let bytesBefore = 0;
  let fileBytes = 0;
  let current = 0;
  const batches = worker.read({
    schemas,
    timeField: options.timeField,
    ...(options.type === undefined ? {} : { type: options.type }),
    ...(options.specialise === undefined ? {} : { specialise: options.specialise }),
  });
  for await (const batch of batches) {
    if (batch.file !== current) {
      // The previous file is done: its bytes were all read.
      bytesBefore += fileBytes;
      current = batch.file;
    }
    fileBytes = batch.bytes;
    const file = files[batch.file] as FeedFile;
    const shown = file.shown;
    if (batch.columns !== undefined) {
      csvDecoder = makeEventDecoder({
        name: csvType,
        properties: batch.columns.map((name) => ({ name, type: 'any' })),
        timestampProperty: undefined,
        open: false,
      });
      csvLent = lending ? csvLentRows(options.schemaOf?.(csvType), batch.columns) : undefined;
    }
    startBatch(cursor, batch);
    const { kinds, lines, times } = batch;
    for (let i = 0; i < batch.count; i++) {
      const kind = kinds[i] as number;
      const line = lines[i] as number;
      // A declared type's row, or a CSV record (its values in its header's columns).
      const csv = kind === CSV_ROW;
      if (kind < 0 && !csv) {
        if (!deliver(otherRow(kind, cursor, shown, line, options, isKnown), target)) return false;
        continue;
      }
      const time = times[i] as number;
      const timestamp = Number.isNaN(time) ? undefined : time;
      const type = csv ? csvType : (typeNames[kind] as string);
      const lent = csv ? csvLent : lents[kind];
      if (lent !== undefined) {
        const row = lent.row;
        // A value of the wrong type: a copy goes the ordinary way, which reports it.
        const sent = lent.read(cursor, row)
          ? (target.lent as NonNullable<FeedTarget['lent']>)(type, row, timestamp, shown, line)
          : target.event(type, { ...row }, timestamp, shown, line);
        if (!sent) return false;
        continue;
      }
      const event = (csv ? (csvDecoder as EventDecoder) : (decoders[kind] as EventDecoder))(cursor);
      if (!target.event(type, event, timestamp, shown, line)) return false;
    }
    if (batch.rest !== undefined) {
      // The rest of this file is read here, exactly as with one thread.
      const start = batch.rest === 'file' ? file.start : batch.rest;
      const read = await readFileInline(file, batch.file, start, options, target, onBatch, bytesBefore);
      if (read === false) return false;
      fileBytes = read;
      continue;
    }
    await onBatch({
      file: batch.file,
      offset: batch.offset,
      line: batch.line,
      bytes: bytesBefore + batch.bytes,
    });
  }
  return true;
}

/**
 * Lent rows for a CSV file's records when its header names exactly the closed type's declared
 * properties in order (then a record is the row the engine would keep); else none.
 */
function csvLentRows(schema: EventSchemaInfo | undefined, columns: readonly string[]): LentRows | undefined {
  if (schema === undefined || schema.open || schema.properties.length !== columns.length) return undefined;
  return schema.properties.every((p, i) => p.name === columns[i]) ? makeLentRows(schema) : undefined;
}

/** A row that is neither a declared type's nor a CSV record: an NDJSON line for the general path, or an error. */
function otherRow(
  kind: number,
  cursor: WireCursor,
  shown: string,
  line: number,
  options: ReaderOptions,
  isKnown: TypeCheck,
): ReadItem {
  if (kind === TEXT_LINE)
    return generalLine(cursor.strings[cursor.string++] as string, shown, line, options, isKnown);
  const code = cursor.strings[cursor.string++] as ErrorCode;
  const message = cursor.strings[cursor.string++] as string;
  return new WeirError(code, message, { file: shown, line });
}
