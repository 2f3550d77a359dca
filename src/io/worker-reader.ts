/**
 * The main thread's side of the read worker (read-worker.ts): starts it on the event files,
 * yields its batches in order, and hands a credit back for each batch consumed, so the worker
 * reads ahead by at most IN_FLIGHT batches while the engine works. Stopping early (a `break`,
 * an error) terminates the worker.
 *
 * The worker can be started before the reading options are known (startReadWorker, then
 * `read`): it boots while the caller deploys its statements; or before its files are known
 * (bootReadWorker, then `take`): it boots while the command line loads.
 *
 * Under a TypeScript loader (tests run the sources), the worker runs read-worker.ts through
 * the same loader (tsx); the built package runs dist/io/read-worker.js.
 */
import { statSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { type WireBatch, wireArraysOf } from './event-wire.js';
import type {
  ReadWorkerBoot,
  ReadWorkerData,
  ReadWorkerFile,
  ReadWorkerMessage,
  ReadWorkerStart,
} from './read-worker.js';
import { startWorker } from './start-worker.js';

/** Batches (about 1 MiB of input each) the worker may read ahead. */
const IN_FLIGHT = 4;

/**
 * Input at least this large is read on a worker thread (`weir run` without --threads 1);
 * smaller input is read inline: starting a worker costs more than it saves.
 */
export const WORKER_MIN_BYTES = 1 << 20;

/**
 * Whether these paths are regular files of WORKER_MIN_BYTES or more together: false when one
 * is missing or not a file (standard input, a directory), which the run reports or reads inline.
 */
export function filesWorthAWorker(paths: readonly string[]): boolean {
  let bytes = 0;
  for (const path of paths) {
    try {
      const stat = statSync(path);
      if (!stat.isFile()) return false;
      bytes += stat.size;
    } catch {
      return false;
    }
  }
  return bytes >= WORKER_MIN_BYTES;
}

/** What `read` is given besides the files: the event types and how to read them. */
export type WorkerReadOptions = Omit<ReadWorkerData, keyof ReadWorkerBoot | 'files'>;

/**
 * A read worker started on its files before the reading options are known, so its thread
 * boots and loads its modules while the main thread deploys the statements (which the
 * options come from). `read` may be called once; `close` ends the worker whether or not it
 * read (a run that stops before reading, on a query error say, must not keep it alive).
 */
export interface ReadWorker {
  read(options: WorkerReadOptions): AsyncGenerator<WireBatch>;
  close(): Promise<void>;
}

/**
 * A read worker booting before its files are known (the bin boots one while the command line
 * loads, when the command looks like a replay of large files: early-reader.ts). It does not
 * keep the process alive until `take` gives it its files (the ReadWorker then ends it);
 * `close` ends it if it was not taken.
 */
export interface IdleReadWorker {
  take(files: readonly ReadWorkerFile[]): ReadWorker;
  close(): Promise<void>;
}

export function startReadWorker(files: readonly ReadWorkerFile[]): ReadWorker {
  return bootReadWorker().take(files);
}

export function bootReadWorker(): IdleReadWorker {
  const credits = new SharedArrayBuffer(4);
  const counter = new Int32Array(credits);
  counter[0] = IN_FLIGHT;
  // A read batch's arrays go back to the worker on this channel, for it to fill again.
  const recycling = new MessageChannel();
  const boot: ReadWorkerBoot = { credits, recycle: recycling.port2 };
  const worker = startWorker('read-worker', import.meta.url, boot, [recycling.port2]);
  const queue: ReadWorkerMessage[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  worker.on('message', (m: ReadWorkerMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', () => {
    exited = true;
    notify();
  });
  // Until it has its files, nothing here keeps the process alive (after the listeners, which
  // would hold it again).
  worker.unref();
  recycling.port1.unref();
  const close = async () => {
    recycling.port1.close();
    await worker.terminate();
  };
  async function* read(
    files: readonly ReadWorkerFile[],
    options: WorkerReadOptions,
  ): AsyncGenerator<WireBatch> {
    const start: ReadWorkerStart = { kind: 'start', options: { ...options, files } };
    worker.postMessage(start);
    try {
      for (;;) {
        const m = queue.shift();
        if (m === undefined) {
          if (failure !== undefined) throw failure;
          if (exited) throw new Error('the read worker stopped before the end of the input');
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        if (m.kind === 'end') return;
        if (m.kind === 'error')
          throw Object.assign(new Error(m.message), m.code === undefined ? {} : { code: m.code });
        yield m.batch;
        // The caller has read the batch: its arrays go back before the credit.
        const { arrays, transfer } = wireArraysOf(m.batch);
        recycling.port1.postMessage(arrays, transfer);
        Atomics.add(counter, 0, 1);
        Atomics.notify(counter, 0);
      }
    } finally {
      await close();
    }
  }
  let taken = false;
  return {
    take: (files) => {
      // From now on the run waits for it (its batches, its end) and ends it.
      taken = true;
      worker.ref();
      recycling.port1.ref();
      return { read: (options) => read(files, options), close };
    },
    close: () => (taken ? Promise.resolve() : close()),
  };
}
