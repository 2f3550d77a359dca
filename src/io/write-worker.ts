/**
 * The writer thread (a worker_threads entry): reads output rows from the ring the main thread
 * fills (row-wire.ts), formats them with the format's generated writer (the same constants
 * and the same ByteSink methods as on one thread, values read from the wire instead of row
 * objects) and writes the buffers to the output file at their offsets, from the offset the
 * first item (START) gives: the main thread may have written the rows before it. The main thread runs
 * the engine meanwhile, so formatting, the costliest part of a replay that writes many rows,
 * leaves its critical path.
 */
import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { ByteSink } from './byte-sink.js';
import { csvWireWriter } from './csv-writer.js';
import { type WireRowWriter, ndjsonWireWriter } from './ndjson-writer.js';
import { END, ROW_BASE, type Ring, RingReader, START, SYNC } from './row-wire.js';
import type { StatementColumns } from './update-writer.js';

export interface WriteWorkerData {
  readonly ring: Ring;
  /** Long texts, in the order of their items. */
  readonly port: MessagePort;
  /** The output file, opened by the main thread; bytes go at the offset the START item gives, and on. */
  readonly fd: number;
  readonly format: 'ndjson' | 'csv';
  readonly statements: readonly StatementColumns[];
}

/**
 * What the sink hands its buffers to: each is written to the file at once, at `position` (this
 * thread has nothing else to do meanwhile), so the buffer is free again when the call returns;
 * a write error is thrown to the caller.
 */
class FileAt {
  position = 0;
  readonly stream: Writable;

  constructor(fd: number) {
    const write = (chunk: Buffer, done?: () => void) => {
      let written = 0;
      while (written < chunk.length) {
        written += writeSync(fd, chunk, written, chunk.length - written, this.position + written);
      }
      this.position += chunk.length;
      done?.();
      return true;
    };
    this.stream = { write, writableLength: 0 } as unknown as Writable;
  }
}

function run(data: WriteWorkerData): void {
  const reader = new RingReader(data.ring, data.port);
  /** A SYNC or END being answered (a failure while flushing for it must still answer it). */
  let answering = 0;
  try {
    const file = new FileAt(data.fd);
    const sink = new ByteSink(file.stream, undefined, true);
    const format = data.format === 'csv' ? csvWireWriter(sink, data.statements) : ndjsonWireWriter(sink);
    // The file has what a writer prints first (the CSV header): the main thread printed it.
    sink.pos = 0;
    const writers: WireRowWriter[] = data.statements.map((s) => format.statement(s.name, s.columns));
    for (;;) {
      const i = reader.next();
      const tag = reader.tags[i] as number;
      if (tag >= ROW_BASE) {
        const k = tag - ROW_BASE;
        (writers[k >> 1] as WireRowWriter)(reader.vals[i] as number, (k & 1) === 0, reader);
        continue;
      }
      if (tag === START) {
        file.position = reader.vals[i] as number;
        continue;
      }
      if (tag !== SYNC && tag !== END)
        throw new Error(`the output wire is out of step: item ${tag} where a row was expected`);
      answering = tag;
      sink.flush();
      answering = 0;
      reader.synced(sink.bytesWritten);
      if (tag === END) return;
    }
  } catch (e) {
    reader.fail((e as Error).message, answering);
  } finally {
    data.port.close();
  }
}

if (parentPort !== null) run(workerData as WriteWorkerData);
