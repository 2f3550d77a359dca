/**
 * NDJSON events, streamed line by line (bounded memory for any file size). A line is an
 * envelope `{"type":"T","ts":1000,"data":{…}}` or a flat object typed by `--type` with its
 * time in `--time-field`. Blank lines are skipped; a malformed line yields an error naming
 * the file and line instead of stopping the stream, so the caller decides (fail or skip).
 */
import { createReadStream } from 'node:fs';
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { ReadResult, ReaderOptions } from './event-record.js';

function malformed(file: string, line: number, what: string): ReadResult {
  return {
    ok: false,
    error: new WeirError('io/malformed-event-line', `${file}:${line}: ${what}`, { file, line }),
  };
}

function isObject(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Interprets one parsed JSON line. Exported for tests and for in-memory sources. */
export function interpretLine(
  value: unknown,
  file: string,
  line: number,
  options: ReaderOptions,
): ReadResult {
  if (!isObject(value)) return malformed(file, line, 'expected a JSON object');
  if (isObject(value.data) && typeof value.type === 'string') {
    const ts = value.ts;
    if (ts !== undefined && (typeof ts !== 'number' || !Number.isFinite(ts))) {
      return malformed(file, line, `"ts" must be a number of milliseconds, got ${JSON.stringify(ts)}`);
    }
    return {
      ok: true,
      record: { type: value.type, timestamp: ts as number | undefined, event: value.data, file, line },
    };
  }
  const type = options.type ?? (typeof value.type === 'string' ? value.type : undefined);
  if (type === undefined) {
    return malformed(
      file,
      line,
      'no event type: use envelope lines {"type":…,"ts":…,"data":{…}} or pass --type',
    );
  }
  const ts = value[options.timeField];
  if (ts !== undefined && ts !== null && (typeof ts !== 'number' || !Number.isFinite(ts))) {
    return malformed(
      file,
      line,
      `"${options.timeField}" must be a number of milliseconds, got ${JSON.stringify(ts)}`,
    );
  }
  return { ok: true, record: { type, timestamp: ts ?? undefined, event: value, file, line } };
}

/**
 * Streams the file in chunks and yields the results of each chunk's complete lines as one
 * batch: one await per chunk instead of one per line, so replay is bound by JSON.parse and
 * the engine, not by async iteration. `progress.bytes` follows the bytes read.
 */
export async function* readNdjson(
  file: string,
  options: ReaderOptions,
  progress: { bytes: number } = { bytes: 0 },
): AsyncGenerator<ReadResult[]> {
  const input = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let carry = '';
  let line = 0;
  const parse = (text: string, out: ReadResult[]) => {
    line++;
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      out.push(malformed(file, line, `invalid JSON: ${(e as Error).message}`));
      return;
    }
    out.push(interpretLine(value, file, line, options));
  };
  for await (const chunk of input as AsyncIterable<string>) {
    progress.bytes = input.bytesRead;
    const text = carry + chunk;
    const batch: ReadResult[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      parse(text.slice(start, nl), batch);
      start = nl + 1;
    }
    carry = text.slice(start);
    if (batch.length > 0) yield batch;
  }
  if (carry !== '') {
    const batch: ReadResult[] = [];
    parse(carry, batch);
    if (batch.length > 0) yield batch;
  }
}
