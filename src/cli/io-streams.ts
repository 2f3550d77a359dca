/** The streams a command writes to; tests pass their own. */
import type { Readable, Writable } from 'node:stream';
import type { IdleReadWorker } from '../io/worker-reader.js';

export interface CommandIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Events for `weir run` without --events (or with `--events -`); the bin passes process.stdin. */
  readonly stdin?: Readable & { readonly isTTY?: boolean };
  readonly cwd?: string;
  /** Whether stderr is an interactive terminal (progress bar). */
  readonly interactive?: boolean;
  /**
   * A read worker the bin booted while the command line loaded (early-reader.ts): `weir run`
   * takes it when it reads its files on a worker thread, and closes it otherwise.
   */
  readonly readWorker?: IdleReadWorker;
}
