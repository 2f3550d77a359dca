/** A Writable that keeps what was written, and how many write calls it took. */
import { Writable } from 'node:stream';
import type { Row } from '../../src/common/row.js';
import type { RowsWriter, UpdateWriter } from '../../src/io/update-writer.js';

export interface Captured {
  readonly stream: Writable;
  text(): string;
  writes(): number;
}

export function capture(options: { highWaterMark?: number; slow?: boolean } = {}): Captured {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    decodeStrings: false,
    write(chunk, _encoding, done) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      if (options.slow === true) setTimeout(done, 1);
      else done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8'), writes: () => chunks.length };
}

const writers = new WeakMap<UpdateWriter, Map<string, RowsWriter>>();

/**
 * One listener call through `writer`'s writer for `stmt`, made on the statement's first call
 * with `columns` (default: the keys of its first row).
 */
export function send(
  writer: UpdateWriter,
  stmt: string,
  time: number,
  newEvents: Row[] | null,
  oldEvents: Row[] | null,
  columns?: readonly string[],
): void {
  let byName = writers.get(writer);
  if (byName === undefined) {
    byName = new Map();
    writers.set(writer, byName);
  }
  let write = byName.get(stmt);
  if (write === undefined) {
    const first = newEvents?.[0] ?? oldEvents?.[0] ?? {};
    write = writer.statement(stmt, columns ?? Object.keys(first));
    byName.set(stmt, write);
  }
  write(time, newEvents, oldEvents);
}
