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

/**
 * What the worker boots with (workerData): the credits counter and the recycling port. Its
 * files come with the start message: it may boot before they are known (worker-reader.ts).
 */
export type ReadWorkerBoot = Pick<ReadWorkerData, 'credits' | 'recycle'>;

/** The message that starts the reading (its files, and the event types the main thread deployed). */
export interface ReadWorkerStart {
  readonly kind: 'start';
  readonly options: Omit<ReadWorkerData, keyof ReadWorkerBoot>;
}

export type ReadWorkerMessage =
  | { readonly kind: 'batch'; readonly batch: import('./event-wire.js').WireBatch }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly message: string; readonly code?: string };

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;
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
  // One read buffer for every file (LineChunks).
  const buffer = { bytes: Buffer.allocUnsafeSlow(CHUNK_BYTES) };
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
      readCsvFile(f, index, options, builder, send, buffer);
      return;
    }
    const start = f.start ?? { offset: 0, line: 0 };
    const scanner = NdjsonScanner.forWire(f.shown, options, types, builder, builder, start);
    const fd = openSync(f.path, 'r');
    try {
      const chunks = new LineChunks(fd, start.offset, buffer);
      for (let chunk = chunks.next(); chunk !== undefined; chunk = chunks.next()) {
        scanner.scan(chunk);
        if (builder.size > 0) send(index, scanner, chunks.position - start.offset);
      }
      scanner.finish();
      send(index, scanner, chunks.position - start.offset);
    } finally {
      closeSync(fd);
    }
  });
  post({ kind: 'end' });
}

type Send = (file: number, at: StartPosition, bytes: number, extras?: WireBatchExtras) => void;

/**
 * A file read in chunks that end at a line end, all read into one buffer: each chunk is the
 * unfinished line the last one left (moved to the buffer's start) and the bytes read after
 * it, up to the last '\n' among them (the rest waits for the next chunk); the file's last
 * bytes come last whether or not they end a line. The scanners are handed complete lines,
 * so they keep no reference into the buffer between chunks (their unfinished-line carry
 * stays empty), and the buffer is filled again for the next chunk: no new buffer per
 * chunk, and none to join a line cut between two. The first chunk is small (chunkBytes). A
 * line longer than the buffer makes it grow (`buffer` is shared by the files of a run).
 */
class LineChunks {
  /** Bytes of the file read so far (from its start). */
  position: number;
  /** Bytes of the buffer holding data, and those of them handed out as the last chunk. */
  private filled = 0;
  private handedOut = 0;
  private reads = 0;
  private ended = false;

  constructor(
    private readonly fd: number,
    from: number,
    private readonly buffer: { bytes: Buffer },
  ) {
    this.position = from;
  }

  /** The next chunk (a view of the buffer, valid until the next call), or undefined at the end. */
  next(): Buffer | undefined {
    if (this.ended) return undefined;
    let b = this.buffer.bytes;
    // The last chunk has been read: the unfinished line after it moves to the start.
    if (this.handedOut > 0) {
      b.copyWithin(0, this.handedOut, this.filled);
      this.filled -= this.handedOut;
      this.handedOut = 0;
    }
    for (;;) {
      if (this.filled === b.length) {
        // A line longer than the buffer: a larger one, the line so far kept.
        const larger = Buffer.allocUnsafeSlow(b.length * 2);
        b.copy(larger, 0, 0, this.filled);
        this.buffer.bytes = larger;
        b = larger;
      }
      const room = Math.min(b.length - this.filled, chunkBytes(this.reads++));
      const n = readSync(this.fd, b, this.filled, room, this.position);
      this.position += n;
      if (n === 0) {
        // The end of the file: its last bytes, if they did not end with a line end.
        this.ended = true;
        return this.filled > 0 ? b.subarray(0, this.filled) : undefined;
      }
      this.filled += n;
      const end = b.lastIndexOf(NEWLINE, this.filled - 1) + 1;
      if (end === 0) continue; // no line end yet: read on
      this.handedOut = end;
      return b.subarray(0, end);
    }
  }
}

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
  buffer: { bytes: Buffer },
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
    const chunks = new LineChunks(fd, start.offset, buffer);
    let first = true;
    const extras = (rest?: StartPosition): WireBatchExtras => {
      const e: WireBatchExtras = {
        ...(first ? { columns } : {}),
        ...(rest === undefined ? {} : { rest: { offset: rest.offset, line: rest.line } }),
      };
      first = false;
      return e;
    };
    for (let chunk = chunks.next(); chunk !== undefined; chunk = chunks.next()) {
      if (!scanner.scan(chunk)) {
        send(index, scanner, chunks.position, extras(scanner));
        return;
      }
      if (builder.size > 0) send(index, scanner, chunks.position, extras());
    }
    const plain = scanner.finish();
    send(index, scanner, chunks.position, extras(plain ? undefined : scanner));
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
