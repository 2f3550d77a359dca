/**
 * Where `weir run` prints its rows: standard output or `--out <file>`, through the format's
 * writer on the main thread, or (many rows into a file as ndjson or csv) through the writer
 * thread (src/io/writer-thread.ts), which formats and writes while the engine runs. Either
 * way the file's bytes and its length at every checkpoint are the same.
 *
 * A write error on --out (a full disk, say) stops the run with a clear error at the next
 * batch or at the end, never silently: what was written before it stays in the file.
 */
import {
  constants,
  close,
  createWriteStream,
  fstatSync,
  fsyncSync,
  ftruncate,
  ftruncateSync,
  open,
  openSync,
} from 'node:fs';
import type { Writable } from 'node:stream';
import { WeirError } from '../common/errors.js';
import { ByteSink } from '../io/byte-sink.js';
import { type OutputFormat, createWriter } from '../io/output-writer.js';
import type { RowsWriter, StatementColumns, UpdateWriter } from '../io/update-writer.js';
import { type WriterThread, startWriterThread } from '../io/writer-thread.js';

export interface RunOutputOptions {
  /** --out resolved, with its name as the user gave it; undefined: standard output. */
  readonly path: string | undefined;
  readonly shown: string;
  readonly stdout: Writable;
  /** Bytes of --out kept (a resumed run's output so far); 0: a new file. */
  readonly keep: number;
  readonly format: OutputFormat;
  readonly statements: readonly StatementColumns[];
  /** Whether the rows may be formatted on a writer thread (ndjson or csv into --out only). */
  readonly thread: boolean;
  /**
   * Rows written here before the writer thread takes over, whatever is expected after them
   * (default: decided as THREAD_AFTER_ROWS says); 0: it takes every row from the first (the
   * first waits for it to start), as tests want.
   */
  readonly threadAfterRows?: number;
  /** The share of the input read so far (0–1), to expect how many rows are still to come. */
  readonly readFraction?: () => number;
}

export interface RunOutput {
  readonly writer: UpdateWriter;
  /** Whether the writer thread formats the rows now. */
  readonly threaded: boolean;
  /**
   * Between reader batches: stops the run on a write error; waits while the file stream holds
   * too much; with `now`, hands what is buffered to the stream (input that arrives over time).
   */
  afterBatch(now: boolean): Promise<void>;
  /** Everything so far handed to the file: resolves with the output's length (what a checkpoint records). */
  length(): Promise<number>;
  /** The file's descriptor (a checkpoint fsyncs it); undefined for standard output. */
  readonly fd: number | undefined;
  /**
   * Ends the output: everything written, fsynced when `durable`, the file closed; throws the
   * write error if one happened. Safe to call twice (the second does nothing).
   */
  finish(durable: boolean): Promise<void>;
}

/**
 * Opens --out: truncated to `keep` bytes. A new run (keep 0) opens without O_TRUNC and
 * empties a non-empty regular file on libuv's pool instead (`emptied`): truncating a previous
 * run's output of tens of MB synchronously took ~50 ms of the main thread before the first
 * event. Nothing is written to the file until `emptied` settles (streamOutput).
 */
function openFile(
  path: string,
  shown: string,
  keep: number,
): { fd: number; emptied: Promise<void> | undefined } {
  try {
    if (keep > 0) {
      const fd = openSync(path, 'r+');
      ftruncateSync(fd, keep);
      return { fd, emptied: undefined };
    }
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o666);
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size === 0) return { fd, emptied: undefined };
    return { fd, emptied: emptyFile(path, fd) };
  } catch (e) {
    throw new WeirError('cli/invalid-option', `--out: cannot write '${shown}': ${(e as Error).message}`);
  }
}

/**
 * Empties the file through a descriptor of its own, closed at once, rather than through `fd`
 * (the one the rows are written to); `fd` only if the file cannot be opened again.
 *
 * Why: ext4 marks a file truncated to length 0 so that closing it starts writing out all its
 * data (auto_da_alloc, for programs that rewrite a file in place without fsync); a mark that
 * closing the descriptor which truncated it clears. Truncated through `fd`, closing --out at the end of a
 * run paid for starting the write-out of everything the run wrote (~19 ms for 40 MB) before the
 * process could exit; the kernel now writes it back later, as for any other file.
 */
function emptyFile(path: string, fd: number): Promise<void> {
  return new Promise((done, fail) => {
    const settle = (e: Error | null) => (e == null ? done() : fail(e));
    open(path, constants.O_WRONLY, (openError, other) => {
      if (openError != null) {
        ftruncate(fd, 0, settle);
        return;
      }
      ftruncate(other, 0, (truncateError) =>
        close(other, (closeError) => settle(truncateError ?? closeError)),
      );
    });
  });
}

function writeFailed(shown: string, message: string): WeirError {
  return new WeirError('io/write-failed', `--out '${shown}': cannot write: ${message}`);
}

/** Resolves once everything written to `stream` so far has been handed to the file. */
function written(stream: Writable): Promise<void> {
  return new Promise((done, fail) => {
    stream.write(Buffer.alloc(0), (e) => (e == null ? done() : fail(e)));
  });
}

export function openRunOutput(o: RunOutputOptions): RunOutput {
  if (o.path === undefined) return streamOutput(o, o.stdout, undefined);
  const { fd, emptied } = openFile(o.path, o.shown, o.keep);
  return streamOutput(o, createWriteStream('', { fd, start: o.keep }), fd, emptied);
}

/**
 * Every this many rows written here, whether to start the writer thread is decided (when it
 * may be used): from the rows so far and the share of the input read, it is started when at
 * least THREAD_MIN_ROWS_LEFT more rows are expected.
 */
export const THREAD_AFTER_ROWS = 100_000;
/** Rows after which `consider` first runs (see streamOutput). */
const FIRST_LOOK_ROWS = 1000;
/**
 * A thread costs, to start, about what formatting a few hundred thousand rows here does (its
 * module loads, its code warms up, on a core the read worker also needs); measured on the
 * end-to-end workloads, it shortens runs that write millions of rows (sliding windows, two
 * rows per event) and not those that write a few hundred thousand (a filter, a tumbling count).
 */
export const THREAD_MIN_ROWS_LEFT = 1_000_000;

/**
 * Rows formatted here into a ByteSink over `stream` (the file's, or standard output); into a
 * file (o.thread, ndjson or csv), when many more rows are expected (see THREAD_AFTER_ROWS),
 * the writer thread is started, and once it runs the rows go to it: it writes from the offset
 * this side's bytes end at (the two never write the same bytes; this side's stream is closed
 * after the thread is done).
 */
function streamOutput(
  o: RunOutputOptions,
  stream: Writable,
  fd: number | undefined,
  emptied?: Promise<void>,
): RunOutput {
  // A file stream is done with a buffer when its write callback runs: buffers are reused.
  const sink = new ByteSink(stream, undefined, fd !== undefined);
  const local = createWriter(o.format, sink, o.statements);
  // A resumed output already has what a writer prints first (the CSV header).
  if (o.keep > 0) sink.pos = 0;
  let failure: Error | undefined;
  if (fd !== undefined) {
    stream.on('error', (e) => {
      failure ??= e;
    });
  }
  // Until the previous content is gone, writes wait in the (corked) stream, and the writer
  // thread does not take over (it writes to the file itself).
  let empty = emptied === undefined;
  if (emptied !== undefined) {
    stream.cork();
    emptied.then(
      () => {
        empty = true;
        stream.uncork();
      },
      (e: Error) => {
        failure ??= e;
        empty = true;
        stream.uncork();
      },
    );
  }
  const threadable = fd !== undefined && o.thread && (o.format === 'ndjson' || o.format === 'csv');
  /** The writer thread: starting, then (`active`) taking the rows. */
  let thread: WriterThread | undefined;
  let active = false;
  const after = o.threadAfterRows ?? THREAD_AFTER_ROWS;
  // The first look comes early and only counts down the rest: the call to `consider` is
  // inlined into the engine's delivery of rows, and V8 compiles a call it has never seen made
  // as a deoptimization (the engine's hot path thrown out of optimized code at row 100,000).
  let countdown = threadable ? Math.min(after, FIRST_LOOK_ROWS) : Number.POSITIVE_INFINITY;
  /** Rows written here. */
  let rows = 0;
  /** After `countdown` more rows: starts the thread (if worth it), then hands over once it runs. */
  const consider = () => {
    if (rows < after) {
      countdown = after - rows;
      return;
    }
    if (thread === undefined && o.threadAfterRows === undefined) {
      const read = Math.min(1, Math.max(o.readFraction?.() ?? 0, 1e-6));
      if ((rows * (1 - read)) / read < THREAD_MIN_ROWS_LEFT) {
        countdown = THREAD_AFTER_ROWS;
        return;
      }
    }
    if (thread === undefined) {
      thread = startWriterThread({
        fd: fd as number,
        format: o.format as 'ndjson' | 'csv',
        statements: o.statements,
      });
    }
    if (o.threadAfterRows === 0) thread.waitStarted();
    if (!thread.started || !empty) {
      countdown = 1000;
      return;
    }
    sink.flush();
    thread.begin(o.keep + sink.bytesWritten);
    active = true;
    countdown = Number.POSITIVE_INFINITY;
  };
  const writer: UpdateWriter = {
    statement: (name, columns) => {
      const here = local.statement(name, columns);
      let there: RowsWriter | undefined;
      return (time, n, old) => {
        if (active) {
          there ??= (thread as WriterThread).statement(name, columns);
          there(time, n, old);
          return;
        }
        here(time, n, old);
        const k = (n === null ? 0 : n.length) + (old === null ? 0 : old.length);
        rows += k;
        countdown -= k;
        if (countdown <= 0) consider();
      };
    },
    end: () => {
      // A thread that never took rows is only ended (close), without waiting for it.
      if (active) thread?.end();
      local.end();
    },
  };
  /** Waits until the stream has handed everything to the file (a failure is kept). */
  const settled = () =>
    written(stream).catch((e: Error) => {
      failure ??= e;
    });
  const check = () => {
    // The error the stream failed with (a write after it, or its end, fails with a later
    // "stream was destroyed", which may be seen first).
    const first = (fd === undefined ? null : stream.errored) ?? failure;
    if (first != null) throw writeFailed(o.shown, first.message);
    const threadFailure = thread?.failure;
    if (threadFailure !== undefined) throw writeFailed(o.shown, threadFailure);
  };
  let finished = false;
  return {
    writer,
    get threaded() {
      return active;
    },
    fd,
    afterBatch: async (now) => {
      check();
      if (now) sink.flush();
      if (sink.needsDrain) await Promise.race([sink.drained(), errored(stream)]);
      check();
    },
    length: async () => {
      sink.flush();
      await settled();
      const threadBytes = active ? (thread as WriterThread).sync() : 0;
      check();
      return o.keep + sink.bytesWritten + threadBytes;
    },
    finish: async (durable) => {
      if (finished) return;
      finished = true;
      try {
        writer.end();
        await emptied?.catch(() => undefined);
        await settled();
        if (fd !== undefined && durable && failure === undefined && thread?.failure === undefined)
          fsyncSync(fd);
      } finally {
        await thread?.close();
      }
      if (fd === undefined) return;
      await new Promise<void>((done) =>
        stream.end((e?: Error | null) => {
          if (e != null) failure ??= e;
          done();
        }),
      );
      check();
    },
  };
}

/** Resolves when `stream` fails (so a wait for it to drain ends). */
function errored(stream: Writable): Promise<void> {
  return new Promise((done) => stream.once('error', () => done()));
}
