#!/usr/bin/env node
/**
 * The `weir` bin (dist/cli/main.js): runs the command line against the process streams. The
 * built bin loads the command line from its code-cached bundle (cli-bundle.ts); the sources
 * import run.ts.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRunCommand } from './cli-bundle.js';
import { bootEarlyReader } from './early-reader.js';

/** The build's helpers (build/bundle-cli.mjs writes the code cache through the built bin). */
export { codeCacheAccepted, writeCodeCache } from './cli-bundle.js';

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
  const args = process.argv.slice(2);
  // Boots while the command line loads (a replay of large files will want it).
  const readWorker = bootEarlyReader(args, process.cwd());
  // Not a top-level await: a command that ends by its own process.exit (weir serve on a
  // signal) must not leave an unsettled module behind.
  loadRunCommand(new URL('.', import.meta.url))
    .then((runCommand) =>
      runCommand(args, {
        stdout: process.stdout,
        stderr: process.stderr,
        stdin: process.stdin,
        interactive: process.stderr.isTTY === true,
        ...(readWorker === undefined ? {} : { readWorker }),
      }),
    )
    .then((code) => {
      process.exitCode = code;
    });
}
