/**
 * The main thread's side of the writer thread (write-worker.ts): an UpdateWriter whose
 * statement writers put each row on the wire (row-wire.ts) instead of formatting it; the
 * writer thread formats and writes it. The bytes, their order and the output's length at
 * every point (`sync`, what a checkpoint records) are those of the single-threaded writer.
 */
import { MessageChannel } from 'node:worker_threads';
import { csvEncoder } from './csv-writer.js';
import { ndjsonEncoder } from './ndjson-writer.js';
import { END, type RingShape, RingWriter, START, createRing } from './row-wire.js';
import { startWorker } from './start-worker.js';
import type { StatementColumns, UpdateWriter } from './update-writer.js';
import type { WriteWorkerData } from './write-worker.js';

export interface WriterThreadOptions {
  /** The output file, open for writing; the writer thread writes from the offset `begin` gives. */
  readonly fd: number;
  readonly format: 'ndjson' | 'csv';
  /** Every statement the writer will be asked for, in a fixed order. */
  readonly statements: readonly StatementColumns[];
  /** The ring's size (tests use a tiny one, so rows and texts cross slot boundaries). */
  readonly ring?: RingShape;
}

/**
 * The writer thread never prints what a writer prints first (the CSV header): the main thread
 * has, before it hands the rows over.
 */
export interface WriterThread extends UpdateWriter {
  /** Whether the thread runs (its module loaded); rows given before wait in the ring. */
  readonly started: boolean;
  /** Waits until the thread runs. */
  waitStarted(): void;
  /** The file offset where the thread's bytes begin: called once, before any row. */
  begin(offset: number): void;
  /** Has everything so far written to the file; returns the bytes the thread has written. */
  sync(): number;
  /** The thread's write error, once it met one (what it was given after that is dropped). */
  readonly failure: string | undefined;
  /** Ends the thread (after `end`, or to abandon the output). */
  close(): Promise<void>;
}

export function startWriterThread(options: WriterThreadOptions): WriterThread {
  const ring = createRing(options.ring);
  const { port1, port2 } = new MessageChannel();
  const data: WriteWorkerData = {
    ring,
    port: port2,
    fd: options.fd,
    format: options.format,
    // Plain copies: what the thread is given is cloned.
    statements: options.statements.map((s) => ({ name: s.name, columns: [...s.columns] })),
  };
  const worker = startWorker('write-worker', import.meta.url, data, [port2]);
  // The thread reports its own failures through the ring (it catches everything it runs); one
  // that fails to load never starts, and the rows stay on the main thread (run-output.ts hands
  // them over only to a started thread), so the event is not an uncaught error.
  worker.on('error', () => {});
  const out = new RingWriter(ring, port1);
  const statements = options.statements;
  let ended = false;
  return {
    statement: (name, columns) => {
      const index = statements.findIndex((s) => s.name === name);
      if (index < 0) throw new Error(`the writer thread was not started with statement '${name}'`);
      return options.format === 'csv'
        ? csvEncoder(out, index, statements, columns)
        : ndjsonEncoder(out, index, name, columns);
    },
    end: () => {
      if (ended) return;
      ended = true;
      out.sync(END);
    },
    get started() {
      return out.started;
    },
    waitStarted: () => out.waitStarted(),
    begin: (offset) => out.item(START, offset),
    sync: () => out.sync(),
    get failure() {
      return out.failure;
    },
    close: async () => {
      port1.close();
      await worker.terminate();
    },
  };
}
