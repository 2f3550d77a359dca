/**
 * CSV events: a header row naming the properties, then one event per record. `--type` names
 * the event type (required: CSV has no room for it). Cells are typed by the type's schema
 * (engine.schema): int/long must be integers, double any number, boolean true/false; an empty
 * cell is null; other columns stay strings. A cell that does not parse is an
 * `io/invalid-value` error naming file, line, column and value.
 *
 * Two readers, one result. Most files are plain: no quotes, lines ending in `\n`. Such a line
 * is exactly the record csv-parse would make of it (its cells are the text between commas),
 * so plain lines are cut from the file's bytes and split directly, which is several times
 * faster. At the first line that is not plain (a quote, which may open a cell spanning lines,
 * or a `\r`), the rest of the file goes through csv-parse, started at that line's byte offset
 * with the header already known and the record delimiter the whole file's parse would have
 * detected from the header (`\n`). A header that is not plain sends the whole file through
 * csv-parse. Either way the events, errors, messages and line numbers are csv-parse's.
 *
 * Like the NDJSON reader it yields batches (at most MAX_BATCH records), and a record that csv-parse rejects (a stray quote) is yielded as
 * an error so `--on-error skip` can go on. The read worker reads plain lines with the same
 * CsvLineScanner and leaves the rest of a file that is not plain to this reader.
 * Memory stays bounded: the file is read as the consumer asks. `progress.offset`/`line` say
 * where the unread records begin; `options.start` starts there (the header is read first).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { EventSchemaInfo } from '../runtime/api.js';
import {
  type CsvLineParser,
  type CsvWireLineParser,
  makeCsvLineParser,
  makeCsvWireLineParser,
} from './csv-line-parser.js';
import type { ReadItem, ReadProgress, ReaderOptions, StartPosition } from './event-record.js';
import type { Cursor } from './json-bytes.js';
import { unknownTypeMessage } from './known-types.js';
import type { WireRowSink } from './schema-line-parser.js';

type PropertyType = EventSchemaInfo['properties'][number]['type'];

/** undefined: the text is not a value of the type. */
type Converter = (text: string) => unknown;

const INTEGER = /^\s*[+-]?\d+\s*$/;
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$|^\s*[+-]?Infinity\s*$|^\s*NaN\s*$/;
const TRUE = /^\s*true\s*$/i;
const FALSE = /^\s*false\s*$/i;

export function cellConverter(type: PropertyType): Converter {
  switch (type) {
    case 'int':
    case 'long':
      return (t) => (INTEGER.test(t) ? Number(t) : undefined);
    case 'double':
      return (t) => (DECIMAL.test(t) ? Number(t) : undefined);
    case 'boolean':
      return (t) => (TRUE.test(t) ? true : FALSE.test(t) ? false : undefined);
    case 'string':
    case 'any':
      return (t) => t;
  }
}

/** How many records to hold before the consumer takes them. */
const MAX_BATCH = 4096;
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);
const QUOTE = 0x22;
const CR = 0x0d;

type ErrorCode = 'io/malformed-event-line' | 'io/unknown-event-type' | 'io/invalid-value';

/** What the two readers share: the header, the cell converters and the record → event step. */
export class CsvRecords {
  header: string[] | undefined;
  /** The parser generated for the header (plain lines only), unless `specialise` is off. */
  fast: CsvLineParser | undefined;
  private converters: Converter[] = [];

  constructor(
    readonly file: string,
    readonly type: string,
    private readonly typeOf: Map<string, PropertyType>,
    private readonly timeField: string,
    private readonly specialise: boolean,
  ) {}

  error(code: ErrorCode, line: number, what: string): WeirError {
    return new WeirError(code, `${this.file}:${line}: ${what}`, { file: this.file, line });
  }

  setHeader(cells: readonly string[]): void {
    this.header = cells.map((c) => c.trim());
    this.converters = this.header.map((name) => cellConverter(this.typeOf.get(name) ?? 'string'));
    this.fast = this.specialise
      ? makeCsvLineParser(this.header, this.typeOf, this.type, this.timeField, this.file)
      : undefined;
  }

  /**
   * The header's generated parser in wire mode, appending each record to `sink` (the read
   * worker's WireBatchBuilder); undefined where `fast` is.
   */
  wireParser(sink: WireRowSink): CsvWireLineParser | undefined {
    return this.specialise && this.header !== undefined
      ? makeCsvWireLineParser(this.header, this.typeOf, this.type, this.timeField, this.file, sink)
      : undefined;
  }

  item(cells: readonly string[], line: number): ReadItem {
    const header = this.header as string[];
    if (cells.length !== header.length) {
      return this.error(
        'io/malformed-event-line',
        line,
        `expected ${header.length} fields as in the header, got ${cells.length}`,
      );
    }
    const event: Row = {};
    for (let i = 0; i < cells.length; i++) {
      const name = header[i] as string;
      const text = cells[i] as string;
      if (text === '') {
        event[name] = null;
        continue;
      }
      const value = (this.converters[i] as Converter)(text);
      if (value === undefined) {
        const what = name === this.timeField ? 'a time in milliseconds' : (this.typeOf.get(name) as string);
        return this.error(
          'io/invalid-value',
          line,
          `column '${name}': cannot read ${JSON.stringify(text)} as ${what}`,
        );
      }
      event[name] = value;
    }
    const ts = event[this.timeField];
    return {
      type: this.type,
      timestamp: typeof ts === 'number' ? ts : undefined,
      event,
      file: this.file,
      line,
    };
  }
}

/** A line csv-parse would read as its cells split at commas: no quote, no CR. */
function isPlain(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c === QUOTE || c === CR) return false;
  }
  return true;
}

/**
 * The header's cells and the offset after its line, when the header is plain; undefined when
 * it is not (or when `bytes`, the start of the file, hold no complete line).
 */
export function plainHeaderOf(bytes: Buffer): { cells: string[]; end: number } | undefined {
  const nl = bytes.indexOf(NEWLINE);
  if (nl < 0) return undefined; // a header alone, without newline: nothing to read fast
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (nl === bom || !isPlain(bytes, bom, nl)) return undefined;
  return { cells: bytes.toString('utf8', bom, nl).split(','), end: nl + 1 };
}

/** Reads the start of a file until its first line is complete (or the file ends). */
export async function firstLine(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    let bytes = Buffer.alloc(0);
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, bytes.length);
      bytes = Buffer.concat([bytes, chunk.subarray(0, bytesRead)]);
      if (bytes.indexOf(NEWLINE) >= 0 || bytesRead === 0) return bytes;
    }
  } finally {
    await handle.close();
  }
}

/**
 * What reading a CSV file needs before its records: the CsvRecords of its type, or the error
 * the file is (no --type, an unknown type).
 */
export function csvRecords(
  options: ReaderOptions,
  file: string,
  specialise: boolean,
): CsvRecords | WeirError {
  const type = options.type;
  if (type === undefined) {
    const message = `${file}:1: CSV events need --type to name their event type`;
    return new WeirError('io/malformed-event-line', message, { file, line: 1 });
  }
  const schema = options.schemaOf?.(type);
  if (options.schemaOf !== undefined && schema === undefined) {
    const message = `${file}:1: --type: ${unknownTypeMessage(type, options.typeNames?.())}`;
    return new WeirError('io/unknown-event-type', message, { file, line: 1 });
  }
  const typeOf = new Map<string, PropertyType>(schema?.properties.map((p) => [p.name, p.type]) ?? []);
  if (!typeOf.has(options.timeField)) typeOf.set(options.timeField, 'long');
  return new CsvRecords(file, type, typeOf, options.timeField, specialise);
}

export async function* readCsv(
  path: string,
  options: ReaderOptions,
  progress: ReadProgress = { bytes: 0 },
  file: string = path,
): AsyncGenerator<ReadItem[]> {
  const records = csvRecords(options, file, options.specialise !== false);
  if (records instanceof WeirError) {
    yield [records];
    return;
  }
  const header = plainHeaderOf(await firstLine(path));
  if (header === undefined) {
    yield* parsedRecords(
      path,
      records,
      { offset: 0, line: 0, bom: true },
      progress,
      options.start?.line ?? 0,
    );
    return;
  }
  records.setHeader(header.cells);
  const start = plainStart(header.end, options.start);
  const rest = yield* plainRecords(path, records, start, progress);
  if (rest !== undefined) yield* parsedRecords(path, records, { ...rest, bom: false }, progress, 0);
}

/** Where the records of a file with a plain header ending at `headerEnd` are read from. */
export function plainStart(headerEnd: number, start: StartPosition | undefined): StartPosition {
  return start !== undefined && start.offset > headerEnd ? start : { offset: headerEnd, line: 1 };
}

/**
 * Reads plain lines (no quote, no CR) from the bytes, as chunks arrive: each through the
 * generated parser, else split at commas and converted by CsvRecords.item, and hands each
 * record or error to `sink`. At the first line that is not plain it stops: `offset`/`line`
 * then say where that line begins (the rest of the file is csv-parse's); otherwise where the
 * lines not yet complete begin. The in-process reader and the read worker both read with it;
 * the worker passes the wire-mode parser (`fast`), whose records go to its batch builder, not
 * to `sink` (which still gets the other lines' records and errors).
 */
export class CsvLineScanner {
  offset: number;
  line: number;
  /** A line that is not plain was met (at offset/line). */
  stopped = false;
  private carry: Buffer | undefined;
  /** The pushed chunk and where its unread lines begin. */
  private bytes: Buffer = EMPTY;
  private from = 0;
  private readonly cursor: Cursor = { pos: 0 };

  constructor(
    private readonly records: CsvRecords,
    start: StartPosition,
    private readonly sink: (item: ReadItem) => void,
    private readonly fast: CsvLineParser | CsvWireLineParser | undefined = records.fast,
  ) {
    this.offset = start.offset;
    this.line = start.line;
  }

  /** Reads every line `chunk` completes; false once a line that is not plain was met. */
  scan(chunk: Buffer): boolean {
    this.push(chunk);
    return this.next(Number.POSITIVE_INFINITY) !== 'stopped';
  }

  /** Takes the next chunk; `next` reads its lines (an unfinished line before it is joined to it). */
  push(chunk: Buffer): void {
    this.bytes = this.carry === undefined ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = undefined;
    this.from = 0;
  }

  /**
   * Reads at most `max` lines of the pushed chunk: `more` when it stopped at `max` (call
   * again), `done` when every complete line was read (the rest waits for the next chunk),
   * `stopped` at a line that is not plain.
   */
  next(max: number): 'more' | 'done' | 'stopped' {
    if (this.stopped) return 'stopped';
    const b = this.bytes;
    const fast = this.fast;
    const cursor = this.cursor;
    const end = b.length;
    // The generated parser reads only complete lines (those before the last '\n'), so it
    // never reads past the bytes it is given (which would deoptimise it: see NdjsonScanner).
    const complete = b.lastIndexOf(NEWLINE) + 1;
    let from = this.from;
    for (let n = 0; n < max; n++) {
      // The generated parser reads most lines and finds their end; the rest are split here.
      const record = from < complete ? fast?.(b, from, complete, cursor, this.line + 1) : undefined;
      let nl: number;
      if (record !== undefined) {
        this.line++;
        if (record !== true) this.sink(record);
        nl = cursor.pos;
      } else {
        nl = b.indexOf(NEWLINE, from);
        if (nl < 0) break;
        if (!this.read(b, from, nl)) return 'stopped';
      }
      this.offset += nl + 1 - from;
      from = nl + 1;
      if (from >= end) break;
    }
    this.from = from;
    if (from < end && b.indexOf(NEWLINE, from) >= 0) return 'more';
    if (from < end) this.carry = b.subarray(from);
    this.bytes = EMPTY;
    return 'done';
  }

  /** The last line, when the file does not end with a newline; false when it is not plain. */
  finish(): boolean {
    if (this.stopped) return false;
    const carry = this.carry;
    if (carry === undefined) return true;
    if (!this.read(carry, 0, carry.length)) return false;
    this.offset += carry.length;
    this.carry = undefined;
    return true;
  }

  /** Reads the line [from, to) the general way; false (and stopped) when it is not plain. */
  private read(b: Buffer, from: number, to: number): boolean {
    if (!isPlain(b, from, to)) {
      this.stopped = true;
      return false;
    }
    this.line++;
    if (to > from) this.sink(this.records.item(b.toString('utf8', from, to).split(','), this.line));
    return true;
  }
}

/**
 * Plain lines from `start`, as batches; at the first line that is not plain, answers where it
 * begins (the rest is csv-parse's), else undefined at the end of the file.
 */
async function* plainRecords(
  path: string,
  records: CsvRecords,
  start: StartPosition,
  progress: ReadProgress,
): AsyncGenerator<ReadItem[], StartPosition | undefined> {
  let batch: ReadItem[] = [];
  const scanner = new CsvLineScanner(records, start, (item) => batch.push(item));
  const input = createReadStream(path, { highWaterMark: CHUNK_BYTES, start: start.offset });
  const report = () => {
    progress.offset = scanner.offset;
    progress.line = scanner.line;
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      progress.bytes = start.offset + input.bytesRead; // of the file, as csv-parse's part counts
      scanner.push(chunk);
      // Batches of at most MAX_BATCH: records kept until the consumer takes them cost the
      // garbage collector more the more there are (3× the time at ~40,000 per 1 MiB chunk).
      for (;;) {
        const state = scanner.next(MAX_BATCH);
        report();
        if (batch.length > 0) {
          const full = batch;
          batch = [];
          yield full;
        }
        if (state === 'stopped') return { offset: scanner.offset, line: scanner.line };
        if (state === 'done') break;
      }
    }
    const plain = scanner.finish();
    report();
    if (batch.length > 0) yield batch;
    return plain ? undefined : { offset: scanner.offset, line: scanner.line };
  } finally {
    input.destroy();
  }
}

/**
 * csv-parse from `from.offset` (a record boundary; `from.line` lines before it), the header
 * known unless this is the whole file. `skipThrough`: records ending at or before this line
 * were read already (a resumed file whose header is not plain).
 */
async function* parsedRecords(
  path: string,
  records: CsvRecords,
  from: { offset: number; line: number; bom: boolean },
  progress: ReadProgress,
  skipThrough: number,
): AsyncGenerator<ReadItem[]> {
  const input = createReadStream(path, { highWaterMark: CHUNK_BYTES, start: from.offset });
  const parser = parse({
    bom: from.bom,
    info: true,
    relax_column_count: true,
    skip_records_with_error: true,
    skip_empty_lines: true,
  });
  // csv-parse starts after `from.line` lines: that many empty lines in front (which it skips)
  // keep its line numbers, in records and in its messages, those of the whole file, and make
  // it detect the record delimiter the whole file's parse detected from the header ('\n').
  const skipped = from.line;
  if (skipped > 0) parser.write(Buffer.alloc(skipped, NEWLINE));
  let queue: ReadItem[] = [];
  let finished = false;
  let failure: Error | undefined;
  let inputFailure: Error | undefined;
  let wake: (() => void) | undefined;
  let lastBytes = 0;
  let lastLine = from.line;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  parser.on('data', (item: { record: string[]; info: { lines: number; bytes: number } }) => {
    const line = item.info.lines;
    lastBytes = item.info.bytes - skipped;
    lastLine = line;
    if (records.header === undefined) {
      records.setHeader(item.record);
      return;
    }
    if (line <= skipThrough) return;
    queue.push(records.item(item.record, line));
    if (queue.length >= MAX_BATCH) parser.pause();
    notify();
  });
  parser.on('skip', (e: Error & { lines?: number }) => {
    queue.push(records.error('io/malformed-event-line', e.lines ?? 0, `malformed CSV: ${e.message}`));
    notify();
  });
  const stop = (e?: Error) => {
    if (e !== undefined && failure === undefined) failure = e;
    finished = true;
    notify();
  };
  parser.on('end', () => stop());
  parser.on('error', stop);
  input.on('error', (e) => {
    inputFailure = e;
    stop();
  });
  input.pipe(parser);
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        progress.bytes = from.offset + input.bytesRead;
        progress.offset = from.offset + lastBytes;
        progress.line = lastLine;
        yield batch;
        parser.resume();
        continue;
      }
      if (finished) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    progress.bytes = from.offset + input.bytesRead;
    if (inputFailure !== undefined) throw inputFailure;
    if (failure !== undefined) {
      const e = failure as Error & { lines?: number };
      yield [records.error('io/malformed-event-line', e.lines ?? 0, `malformed CSV: ${e.message}`)];
    }
  } finally {
    input.destroy();
    parser.destroy();
  }
}
