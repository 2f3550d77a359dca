/** A Writable that keeps what was written, and how many write calls it took. */
import { Writable } from 'node:stream';

export interface Captured {
  readonly stream: Writable;
  text(): string;
  writes(): number;
}

export function capture(options: { highWaterMark?: number; slow?: boolean } = {}): Captured {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    decodeStrings: false,
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      if (options.slow === true) setTimeout(done, 1);
      else done();
    },
  });
  return { stream, text: () => chunks.join(''), writes: () => chunks.length };
}
