#!/usr/bin/env node
/** The `weir` bin (dist/cli/main.js): runs the command line against the process streams. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCommand } from './run.js';

export { runCommand };

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  // `weir run | head`: the reader went away; stop quietly instead of an EPIPE stack.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  runCommand(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    interactive: process.stderr.isTTY === true,
  }).then((code) => {
    process.exitCode = code;
  });
}
