/**
 * NDJSON events, streamed: bounded memory for any file size. Each line is read by
 * NdjsonScanner (the schema-specialised parser straight from the bytes, else JSON.parse and
 * interpretLine); blank lines are skipped but counted, so line numbers match an editor's.
 *
 * Why batches: the reader yields the items of each ~1 MiB chunk's complete lines as one
 * array, so the consumer pays one `await` per chunk instead of one per line; with per-line
 * async iteration (readline) the awaits cost more than JSON.parse on small events. Backpressure
 * holds: the file stream is only read when the consumer asks for the next batch.
 *
 * `progress.offset` and `progress.line` say, after each batch, where the lines not yet handed
 * out begin; `options.start` starts a reader there.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { EventRecord, ReadItem, ReadProgress, ReaderOptions } from './event-record.js';
import { knownTypes } from './known-types.js';
import { type LineSink, NdjsonScanner, generalLine } from './ndjson-scanner.js';

export { interpretLine } from './line-interpreter.js';

const CHUNK_BYTES = 1 << 20;

export async function* readNdjson(
  path: string,
  options: ReaderOptions,
  progress: ReadProgress = { bytes: 0 },
  file: string = path,
  /** Read from this stream (standard input) instead of opening `path`. */
  stream?: Readable,
): AsyncGenerator<ReadItem[]> {
  const isKnown = knownTypes(options.schemaOf);
  const start = options.start ?? { offset: 0, line: 0 };
  let batch: ReadItem[] = [];
  const sink: LineSink = {
    record: (record: EventRecord) => batch.push(record),
    text: (body, line) => batch.push(generalLine(body, file, line, options, isKnown)),
  };
  const scanner = NdjsonScanner.forRecords(file, options, sink, start);
  const report = () => {
    progress.offset = scanner.offset;
    progress.line = scanner.line;
  };
  const fileStream =
    stream === undefined
      ? createReadStream(path, { highWaterMark: CHUNK_BYTES, start: start.offset })
      : undefined;
  const input = stream ?? (fileStream as Readable);
  let bytes = 0;
  for await (const raw of input as AsyncIterable<Buffer | string>) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    bytes += chunk.length;
    progress.bytes = fileStream === undefined ? bytes : fileStream.bytesRead;
    scanner.scan(chunk);
    if (batch.length > 0) {
      const full = batch;
      batch = [];
      report();
      yield full;
    }
  }
  scanner.finish();
  report();
  if (batch.length > 0) yield batch;
}
