/**
 * NDJSON events, streamed: bounded memory for any file size. A line is an envelope
 * `{"type":"T","ts":1000,"data":{…}}` or a flat object typed by `--type` (or by its own
 * string `type` property) with its time in `--time-field`; a flat event is passed on whole
 * (the engine keeps the declared properties, so the time field may also be one of them).
 * Blank lines are skipped but counted, so line numbers match an editor's.
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
import { type TypeCheck, knownTypes, unknownTypeMessage } from './known-types.js';

const CHUNK_BYTES = 1 << 20;

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

export async function* readNdjson(
  path: string,
  options: ReaderOptions,
  progress: ReadProgress = { bytes: 0 },
  file: string = path,
): AsyncGenerator<ReadItem[]> {
  const isKnown = knownTypes(options.schemaOf);
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_BYTES });
  let carry = '';
  let line = 0;
  const parse = (text: string, out: ReadItem[]) => {
    line++;
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
  for await (const chunk of input as AsyncIterable<string>) {
    progress.bytes = input.bytesRead;
    const text = carry === '' ? chunk : carry + chunk;
    const batch: ReadItem[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      parse(text.slice(start, nl), batch);
      start = nl + 1;
    }
    carry = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  if (carry !== '') {
    const batch: ReadItem[] = [];
    parse(carry, batch);
    if (batch.length > 0) yield batch;
  }
}
