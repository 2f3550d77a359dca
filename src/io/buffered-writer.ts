/**
 * Collects output text and hands it to the stream in chunks of about 64 KiB: one write call
 * per chunk, not per row. `flush()` reports the stream's backpressure, and the replay loop
 * awaits `drained()` so that output to a slow pipe does not pile up in memory.
 */
import type { Writable } from 'node:stream';

const CHUNK = 64 * 1024;

export class BufferedWriter {
  private chunks: string[] = [];
  private length = 0;
  private full = false;

  constructor(private readonly out: Writable) {}

  write(text: string): void {
    this.chunks.push(text);
    this.length += text.length;
    if (this.length >= CHUNK) this.flush();
  }

  /** Writes what is buffered. */
  flush(): void {
    if (this.chunks.length === 0) return;
    const text = this.chunks.length === 1 ? (this.chunks[0] as string) : this.chunks.join('');
    this.chunks = [];
    this.length = 0;
    if (!this.out.write(text)) this.full = true;
  }

  /** Resolves at once unless the stream asked to wait; then when it has drained. */
  drained(): Promise<void> {
    if (!this.full) return Promise.resolve();
    this.full = false;
    if (!this.out.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.out.once('drain', resolve));
  }

  /** Whether a `drained()` wait is due (so hot loops can skip the await). */
  get needsDrain(): boolean {
    return this.full;
  }
}
