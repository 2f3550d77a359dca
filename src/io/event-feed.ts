/**
 * Feeds the events of a list of files, in order, to a target (the replay): every line is
 * either an event (`target.event`) or the error it is (`target.error`), exactly as the
 * readers report it. Two ways, with the same lines, events, errors and order:
 *
 * - `inline`: the readers run on this thread between engine steps (readEvents);
 * - `worker`: NDJSON is read and parsed on a worker thread (read-worker.ts) while this
 *   thread runs the engine; events arrive as transferred typed arrays and are rebuilt here
 *   by a decoder generated per schema (event-wire.ts), lines for the general path as text
 *   parsed here exactly as inline.
 *
 * After each batch, `onBatch` learns where reading stands (for a progress bar, output
 * backpressure, and checkpoints: the file, and the offset and line where its unread lines
 * begin).
 */
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { EventSchemaInfo } from '../runtime/api.js';
import type { ReadItem, ReaderOptions, StartPosition } from './event-record.js';
import { TEXT_LINE, type WireCursor, makeEventDecoder, newWireCursor, startBatch } from './event-wire.js';
import { knownTypes } from './known-types.js';
import { generalLine } from './ndjson-scanner.js';
import { isCsvFile, readEvents } from './read-events.js';
import { readInWorker } from './worker-reader.js';

export interface FeedTarget {
  /** One event; false stops the feed. */
  event(type: string, event: Row, timestamp: number | undefined, file: string, line: number): boolean;
  /** One line that is not an event; false stops the feed. */
  error(error: WeirError): boolean;
}

export interface FeedFile {
  readonly path: string;
  /** How messages name it. */
  readonly shown: string;
  readonly start?: StartPosition;
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

/** Whether the worker can read these files (it reads NDJSON; CSV stays inline). */
export function workerCanRead(files: readonly FeedFile[]): boolean {
  return files.length > 0 && files.every((f) => !isCsvFile(f.path));
}

/** Feeds every file; false when the target stopped it. */
export async function feedEvents(
  files: readonly FeedFile[],
  options: ReaderOptions,
  mode: FeedMode,
  target: FeedTarget,
  onBatch: (position: FeedPosition) => Promise<void> | void,
): Promise<boolean> {
  return mode === 'worker' && workerCanRead(files)
    ? feedFromWorker(files, options, target, onBatch)
    : feedInline(files, options, target, onBatch);
}

function deliver(item: ReadItem, target: FeedTarget): boolean {
  return item instanceof WeirError
    ? target.error(item)
    : target.event(item.type, item.event, item.timestamp, item.file, item.line);
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
    const progress = { bytes: 0, offset: 0, line: 0 };
    const fileOptions = file.start === undefined ? options : { ...options, start: file.start };
    for await (const batch of readEvents(file.path, fileOptions, progress, file.shown)) {
      for (let i = 0; i < batch.length; i++) if (!deliver(batch[i] as ReadItem, target)) return false;
      await onBatch({
        file: f,
        offset: progress.offset,
        line: progress.line,
        bytes: bytesBefore + progress.bytes,
      });
    }
    bytesBefore += progress.bytes;
  }
  return true;
}

async function feedFromWorker(
  files: readonly FeedFile[],
  options: ReaderOptions,
  target: FeedTarget,
  onBatch: (position: FeedPosition) => Promise<void> | void,
): Promise<boolean> {
  const names = options.typeNames?.() ?? [];
  const schemas: EventSchemaInfo[] = names.flatMap((n) => options.schemaOf?.(n) ?? []);
  const decoders = schemas.map(makeEventDecoder);
  const isKnown = knownTypes(options.schemaOf);
  const cursor = newWireCursor();
  const typeNames = schemas.map((s) => s.name);
  let bytesBefore = 0;
  let fileBytes = 0;
  let current = 0;
  const batches = readInWorker(files, {
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
    const shown = (files[batch.file] as FeedFile).shown;
    startBatch(cursor, batch);
    const { kinds, lines, times } = batch;
    for (let i = 0; i < batch.count; i++) {
      const kind = kinds[i] as number;
      const line = lines[i] as number;
      if (kind === TEXT_LINE) {
        const body = cursor.strings[cursor.string++] as string;
        if (!deliver(generalLine(body, shown, line, options, isKnown), target)) return false;
        continue;
      }
      const event = (decoders[kind] as (c: WireCursor) => Row)(cursor);
      const time = times[i] as number;
      if (!target.event(typeNames[kind] as string, event, Number.isNaN(time) ? undefined : time, shown, line))
        return false;
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
