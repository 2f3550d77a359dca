/** The streams a command writes to; tests pass their own. */
import type { Readable, Writable } from 'node:stream';

export interface CommandIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Events for `weir run` without --events (or with `--events -`); the bin passes process.stdin. */
  readonly stdin?: Readable & { readonly isTTY?: boolean };
  readonly cwd?: string;
  /** Whether stderr is an interactive terminal (progress bar). */
  readonly interactive?: boolean;
}
