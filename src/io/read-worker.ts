/**
 * The read worker (a worker_threads entry): reads event files in order with large `readSync`
 * chunks, reads each line with NdjsonScanner or CsvLineScanner (the same code the in-process
 * readers run) and posts the events of each chunk as one WireBatch whose typed arrays are
 * transferred, not copied. The main thread runs the engine meanwhile, so reading and
 * processing use two cores.
 *
 * Flow control: `credits` (shared memory) counts the batches the main thread will take
 * without waiting; the worker blocks (Atomics.wait) when none is left, so at most a few
 * megabytes are ever read ahead.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { WeirError } from '../common/errors.js';
import type { EventSchemaInfo } from '../runtime/api.js';
import { CsvLineScanner, csvRecords, plainHeaderOf, plainStart } from './csv-reader.js';
import type { ReaderOptions, StartPosition } from './event-record.js';
import { type WireArrays, WireBatchBuilder, type WireBatchExtras } from './event-wire.js';
import { NdjsonScanner } from './ndjson-scanner.js';
import { isCsvFile } from './read-events.js';

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
  /** Where the main thread hands back the arrays of the batches it has read (WireArrays). */
  readonly recycle: MessagePort;
}

/** What the worker boots with (workerData): its files, the credits counter, the recycling port. */
export type ReadWorkerBoot = Pick<ReadWorkerData, 'files' | 'credits' | 'recycle'>;

/** The message that starts the reading, once the main thread knows the event types. */
export interface ReadWorkerStart {
  readonly kind: 'start';
  readonly options: Omit<ReadWorkerData, keyof ReadWorkerBoot>;
}

export type ReadWorkerMessage =
  | { readonly kind: 'batch'; readonly batch: import('./event-wire.js').WireBatch }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly message: string; readonly code?: string };

const CHUNK_BYTES = 1 << 20;
/**
 * The first chunk of a file is this small, and each next one twice the last up to
 * CHUNK_BYTES: the main thread gets its first events after a few milliseconds instead of
 * after a whole megabyte parsed by code that is not optimised yet, so both threads warm up
 * at once instead of one after the other.
 */
const FIRST_CHUNK_BYTES = 32 << 10;

/** The size of a file's `n`-th chunk (from 0). */
const chunkBytes = (n: number) => Math.min(CHUNK_BYTES, FIRST_CHUNK_BYTES * 2 ** n);

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
  const recycle = data.recycle;
  const builder = new WireBatchBuilder(
    data.schemas,
    undefined,
    () => receiveMessageOnPort(recycle)?.message as WireArrays | undefined,
  );
  const types = data.schemas.map((s) => s.name);
  const send: Send = (file, at, bytes, extras) => {
    for (;;) {
      const available = Atomics.load(credits, 0);
      if (available > 0) break;
      Atomics.wait(credits, 0, available);
    }
    Atomics.sub(credits, 0, 1);
    const { batch, transfer } = builder.take(file, at.offset, at.line, bytes, extras);
    post({ kind: 'batch', batch }, transfer);
  };
  data.files.forEach((f, index) => {
    if (isCsvFile(f.path)) {
      readCsvFile(f, index, options, builder, send);
      return;
    }
    const start = f.start ?? { offset: 0, line: 0 };
    const scanner = NdjsonScanner.forWire(f.shown, options, types, builder, builder, start);
    const fd = openSync(f.path, 'r');
    try {
      let position = start.offset;
      for (let k = 0; ; k++) {
        // A fresh buffer per chunk: the scanner keeps the unfinished last line by reference.
        const chunk = readChunk(fd, position, chunkBytes(k));
        if (chunk.length === 0) break;
        position += chunk.length;
        scanner.scan(chunk);
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

type Send = (file: number, at: StartPosition, bytes: number, extras?: WireBatchExtras) => void;

/** Reads `length` bytes at `position` (fewer at the end of the file) into a fresh buffer. */
function readChunk(fd: number, position: number, length = CHUNK_BYTES): Buffer {
  const chunk = Buffer.allocUnsafeSlow(length);
  const n = readSync(fd, chunk, 0, length, position);
  return n === length ? chunk : chunk.subarray(0, n);
}

/**
 * A CSV file: its plain lines are read here (CsvLineScanner, as the in-process reader reads
 * them); the rest of the file from its first line that is not plain, and a whole file this
 * cannot read as plain CSV (no or an unknown --type, a header that is not plain or names a
 * column twice), are left to the main thread's reader (`rest`), which reads it exactly as
 * with one thread.
 */
function readCsvFile(
  f: ReadWorkerFile,
  index: number,
  options: ReaderOptions,
  builder: WireBatchBuilder,
  send: Send,
): void {
  const whole = { offset: 0, line: 0 };
  const records = csvRecords(options, f.shown, options.specialise !== false);
  if (records instanceof WeirError) {
    send(index, whole, 0, { rest: 'file' });
    return;
  }
  const fd = openSync(f.path, 'r');
  try {
    let head = readChunk(fd, 0, 64 * 1024);
    while (head.indexOf(0x0a) < 0) {
      const more = readChunk(fd, head.length, 64 * 1024);
      if (more.length === 0) break;
      head = Buffer.concat([head, more]);
    }
    const header = plainHeaderOf(head);
    if (header !== undefined) records.setHeader(header.cells);
    const columns = records.header;
    // The generated parser exists for every header whose rows the wire can carry as they are.
    if (header === undefined || columns === undefined || records.fast === undefined) {
      send(index, whole, 0, { rest: 'file' });
      return;
    }
    const start = plainStart(header.end, f.start);
    // Records the generated parser reads go straight to the builder (no object per record);
    // the lines it leaves to the general split come back here as records or errors.
    const scanner = new CsvLineScanner(
      records,
      start,
      (item) => {
        if (item instanceof WeirError) builder.error(item, item.line ?? 0);
        else builder.csvRow(item, columns.length);
      },
      records.wireParser(builder),
    );
    let position = start.offset;
    let first = true;
    const extras = (rest?: StartPosition): WireBatchExtras => {
      const e: WireBatchExtras = {
        ...(first ? { columns } : {}),
        ...(rest === undefined ? {} : { rest: { offset: rest.offset, line: rest.line } }),
      };
      first = false;
      return e;
    };
    for (let k = 0; ; k++) {
      const chunk = readChunk(fd, position, chunkBytes(k));
      if (chunk.length === 0) break;
      position += chunk.length;
      if (!scanner.scan(chunk)) {
        send(index, scanner, position, extras(scanner));
        return;
      }
      if (builder.size > 0) send(index, scanner, position, extras());
    }
    const plain = scanner.finish();
    send(index, scanner, position, extras(plain ? undefined : scanner));
  } finally {
    closeSync(fd);
  }
}

if (parentPort !== null) {
  const port = parentPort;
  const post = (m: ReadWorkerMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
  // Booted (modules loaded) while the main thread deploys; reading starts with its options.
  port.once('message', (start: ReadWorkerStart) => {
    try {
      run({ ...(workerData as ReadWorkerBoot), ...start.options }, post);
    } catch (e) {
      const error = e as NodeJS.ErrnoException;
      post({
        kind: 'error',
        message: error.message,
        ...(error.code === undefined ? {} : { code: error.code }),
      });
    }
  });
}
