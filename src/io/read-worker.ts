/**
 * The read worker (a worker_threads entry): reads NDJSON event files in order with large
 * `readSync` chunks, reads each line with NdjsonScanner (the same code the in-process reader
 * runs) and posts the events of each chunk as one WireBatch whose typed arrays are
 * transferred, not copied. The main thread runs the engine meanwhile, so reading and
 * processing use two cores.
 *
 * Flow control: `credits` (shared memory) counts the batches the main thread will take
 * without waiting; the worker blocks (Atomics.wait) when none is left, so at most a few
 * megabytes are ever read ahead.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { EventSchemaInfo } from '../runtime/api.js';
import type { ReaderOptions, StartPosition } from './event-record.js';
import { WireBatchBuilder } from './event-wire.js';
import { NdjsonScanner } from './ndjson-scanner.js';

export interface ReadWorkerFile {
  readonly path: string;
  /** How messages name the file. */
  readonly shown: string;
  readonly start?: StartPosition;
}

export interface ReadWorkerData {
  readonly files: readonly ReadWorkerFile[];
  readonly type?: string;
  readonly timeField: string;
  readonly specialise?: boolean;
  readonly schemas: readonly EventSchemaInfo[];
  readonly credits: SharedArrayBuffer;
}

export type ReadWorkerMessage =
  | { readonly kind: 'batch'; readonly batch: import('./event-wire.js').WireBatch }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly message: string; readonly code?: string };

const CHUNK_BYTES = 1 << 20;

function run(data: ReadWorkerData, post: (m: ReadWorkerMessage, transfer?: ArrayBuffer[]) => void): void {
  const credits = new Int32Array(data.credits);
  const byName = new Map(data.schemas.map((s) => [s.name, s]));
  const options: ReaderOptions = {
    timeField: data.timeField,
    schemaOf: (name) => byName.get(name),
    typeNames: () => data.schemas.map((s) => s.name),
    ...(data.type === undefined ? {} : { type: data.type }),
    ...(data.specialise === undefined ? {} : { specialise: data.specialise }),
  };
  const builder = new WireBatchBuilder(data.schemas);
  const types = data.schemas.map((s) => s.name);
  const send = (file: number, scanner: NdjsonScanner, bytes: number) => {
    for (;;) {
      const available = Atomics.load(credits, 0);
      if (available > 0) break;
      Atomics.wait(credits, 0, available);
    }
    Atomics.sub(credits, 0, 1);
    const { batch, transfer } = builder.take(file, scanner.offset, scanner.line, bytes);
    post({ kind: 'batch', batch }, transfer);
  };
  data.files.forEach((f, index) => {
    const start = f.start ?? { offset: 0, line: 0 };
    const scanner = NdjsonScanner.forWire(f.shown, options, types, builder, builder, start);
    const fd = openSync(f.path, 'r');
    try {
      let position = start.offset;
      for (;;) {
        // A fresh buffer per chunk: the scanner keeps the unfinished last line by reference.
        const chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
        const n = readSync(fd, chunk, 0, CHUNK_BYTES, position);
        if (n === 0) break;
        position += n;
        scanner.scan(n === CHUNK_BYTES ? chunk : chunk.subarray(0, n));
        if (builder.size > 0) send(index, scanner, position - start.offset);
      }
      scanner.finish();
      send(index, scanner, position - start.offset);
    } finally {
      closeSync(fd);
    }
  });
  post({ kind: 'end' });
}

if (parentPort !== null) {
  const port = parentPort;
  const post = (m: ReadWorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
  try {
    run(workerData as ReadWorkerData, post);
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    post({
      kind: 'error',
      message: error.message,
      ...(error.code === undefined ? {} : { code: error.code }),
    });
  }
}
