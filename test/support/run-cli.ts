/** Runs `weir …` in-process and captures stdout and stderr. */
import { Writable } from 'node:stream';
import { runCommand } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export async function runCli(argv: readonly string[]): Promise<CliResult> {
  const out = capture();
  const err = capture();
  const code = await runCommand(argv, { stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}
