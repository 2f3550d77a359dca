/** Runs `weir …` in-process through runCommand (src/cli/run.ts), with captured streams and optional cwd/TTY. */
import { Writable } from 'node:stream';
import type { CommandIO } from '../../src/cli/io-streams.js';
import { runCommand } from '../../src/cli/run.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function capture(isTTY: boolean): { stream: Writable; text: () => string } {
  // Kept as bytes: output arrives in buffers that may split a character.
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      done();
    },
  });
  if (isTTY) Object.assign(stream, { isTTY: true });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function runCli(
  argv: readonly string[],
  options: {
    cwd?: string;
    stdoutIsTTY?: boolean;
    stdout?: Writable;
    readWorker?: CommandIO['readWorker'];
  } = {},
): Promise<CliResult> {
  const out = capture(options.stdoutIsTTY === true);
  const err = capture(false);
  const io: CommandIO = {
    stdout: options.stdout ?? out.stream,
    stderr: err.stream,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.readWorker === undefined ? {} : { readWorker: options.readWorker }),
  };
  const code = await runCommand(argv, io);
  return { code, stdout: out.text(), stderr: err.text() };
}
