/**
 * NDJSON events, streamed: bounded memory for any file size. A line is an envelope
 * `{"type":"T","ts":1000,"data":{…}}` or a flat object typed by `--type` (or by its own
 * string `type` property) with its time in `--time-field`; a flat event is passed on whole
 * (the engine keeps the declared properties, so the time field may also be one of them).
 * Blank lines are skipped but counted, so line numbers match an editor's.
 *
 * Lines are cut from the file's bytes, not from decoded text: envelope lines of declared
 * types and flat lines of the --type, in the plain layout, are read by the schema-specialised
 * parser (schema-line-parser.ts)
 * without building a string per line; every other line is decoded and JSON.parsed as before.
 *
 * Why batches: the reader yields the items of each ~1 MiB chunk's complete lines as one
 * array, so the consumer pays one `await` per chunk instead of one per line; with per-line
 * async iteration (readline) the awaits cost more than JSON.parse on small events. Backpressure
 * holds: the file stream is only read when the consumer asks for the next batch.
 */
import { createReadStream } from 'node:fs';
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { ReadItem, ReadProgress, ReaderOptions } from './event-record.js';
import type { Cursor } from './json-bytes.js';
import { type TypeCheck, knownTypes, unknownTypeMessage } from './known-types.js';
import { type LineParser, makeEnvelopeParser, makeFlatParser } from './schema-line-parser.js';

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

function malformed(file: string, line: number, what: string): WeirError {
  return new WeirError('io/malformed-event-line', `${file}:${line}: ${what}`, { file, line });
}

function isObject(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isTime(ts: unknown): boolean {
  return typeof ts === 'number' && Number.isFinite(ts);
}

/**
 * Interprets one parsed JSON line. Exported for tests and for in-memory sources.
 * `isKnown` reports unknown types here, with the line, rather than later in the engine.
 */
export function interpretLine(
  value: unknown,
  file: string,
  line: number,
  options: ReaderOptions,
  isKnown: TypeCheck = () => true,
): ReadItem {
  if (!isObject(value)) return malformed(file, line, 'expected a JSON object');
  let type: string | undefined;
  let ts: unknown;
  let event: Row;
  let timeName: string;
  if (typeof value.type === 'string' && isObject(value.data)) {
    type = value.type;
    ts = value.ts;
    event = value.data;
    timeName = 'ts';
  } else {
    type = options.type ?? (typeof value.type === 'string' ? value.type : undefined);
    if (type === undefined) {
      return malformed(
        file,
        line,
        'no event type: use envelope lines {"type":…,"ts":…,"data":{…}} or pass --type',
      );
    }
    timeName = options.timeField;
    ts = value[timeName];
    event = value;
  }
  if (ts === null) ts = undefined;
  if (ts !== undefined && !isTime(ts)) {
    return malformed(file, line, `"${timeName}" must be a number of milliseconds, got ${JSON.stringify(ts)}`);
  }
  if (!isKnown(type)) {
    const message = unknownTypeMessage(type, options.typeNames?.());
    return new WeirError('io/unknown-event-type', `${file}:${line}: ${message}`, {
      file,
      line,
    });
  }
  return { type, timestamp: ts as number | undefined, event, file, line };
}

/**
 * The specialised parser for the declared types, when the caller named them: envelopes of
 * any declared type, then flat lines of the --type.
 */
function lineParser(options: ReaderOptions): LineParser | undefined {
  if (options.specialise === false || options.typeNames === undefined || options.schemaOf === undefined) {
    return undefined;
  }
  const schemaOf = options.schemaOf;
  const envelope = makeEnvelopeParser(options.typeNames().flatMap((name) => schemaOf(name) ?? []));
  const flatSchema = options.type === undefined ? undefined : schemaOf(options.type);
  const flat = flatSchema === undefined ? undefined : makeFlatParser(flatSchema, options.timeField);
  if (flat === undefined || envelope === undefined) return envelope ?? flat;
  return (b, start, end, cursor, file, line) =>
    envelope(b, start, end, cursor, file, line) ?? flat(b, start, end, cursor, file, line);
}

export async function* readNdjson(
  path: string,
  options: ReaderOptions,
  progress: ReadProgress = { bytes: 0 },
  file: string = path,
): AsyncGenerator<ReadItem[]> {
  const isKnown = knownTypes(options.schemaOf);
  const fast = lineParser(options);
  const cursor: Cursor = { pos: 0 };
  const input = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  /** The start of a line the previous chunks did not finish (a line may span several). */
  let carry: Buffer[] = [];
  let line = 0;
  /** The general path: the line as text, JSON.parse, then interpretLine. */
  const parseText = (text: string, out: ReadItem[]) => {
    let body = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text; // CRLF
    if (line === 1 && body.charCodeAt(0) === 0xfeff) body = body.slice(1); // byte order mark
    if (body.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (e) {
      out.push(malformed(file, line, `invalid JSON: ${(e as Error).message}`));
      return;
    }
    out.push(interpretLine(value, file, line, options, isKnown));
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    progress.bytes = input.bytesRead;
    const batch: ReadItem[] = [];
    let start = 0;
    if (carry.length > 0) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        carry.push(chunk);
        continue;
      }
      carry.push(chunk.subarray(0, nl));
      line++;
      // Decoded whole, so a character split between chunks is read intact.
      parseText(Buffer.concat(carry).toString('utf8'), batch);
      carry = [];
      start = nl + 1;
    }
    const end = chunk.length;
    while (start < end) {
      line++;
      // The fast path also finds the line's end, so most lines are never searched for '\n'.
      const record = fast?.(chunk, start, end, cursor, file, line);
      if (record !== undefined) {
        batch.push(record);
        start = cursor.pos + 1;
        continue;
      }
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) {
        line--; // finished by the next chunk
        carry.push(chunk.subarray(start));
        break;
      }
      parseText(chunk.toString('utf8', start, nl), batch);
      start = nl + 1;
    }
    if (batch.length > 0) yield batch;
  }
  if (carry.length > 0) {
    const batch: ReadItem[] = [];
    line++;
    parseText(Buffer.concat(carry).toString('utf8'), batch);
    if (batch.length > 0) yield batch;
  }
}
