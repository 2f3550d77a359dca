/**
 * A replay progress bar on stderr, by bytes read. Shown only when stderr is a terminal (a
 * bar in a log file or a pipe is noise) and the input is large enough for a wait to be
 * noticeable; otherwise every call is a no-op.
 */
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';

export interface Progress {
  /** `bytes`: bytes read so far across all input files. */
  update(bytes: number): void;
  stop(): void;
}

/** Inputs smaller than this replay in about a second or less: no bar. */
export const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

const MIB = 1024 * 1024;

const NO_PROGRESS: Progress = { update: () => {}, stop: () => {} };

export function createProgress(stream: Writable, totalBytes: number, show: boolean): Progress {
  if (!show || totalBytes < PROGRESS_MIN_BYTES) return NO_PROGRESS;
  // Loaded only when a bar is shown: its modules cost every other run ~10 ms of its start.
  const { SingleBar } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({
    stream: stream as unknown as NodeJS.WritableStream,
    format: 'replay [{bar}] {percentage}% | {value}/{total} MiB | eta {eta_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(Math.ceil(totalBytes / MIB), 0);
  let shown = 0;
  let stopped = false;
  return {
    update: (bytes) => {
      const mib = Math.floor(bytes / MIB);
      if (mib === shown) return;
      shown = mib;
      bar.update(mib);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
