/** The streams a command writes to; tests pass their own. */
import type { Writable } from 'node:stream';

export interface CommandIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly cwd?: string;
  /** Whether stderr is an interactive terminal (progress bar). */
  readonly interactive?: boolean;
}
