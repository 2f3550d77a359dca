/**
 * The read worker booted by the bin before the command line is even loaded: a worker
 * thread takes ~30 ms to boot (a new isolate, its module), which `weir run` otherwise spends
 * waiting for its first events once its statements are deployed. The bin only looks at its
 * arguments the simplest way (`run`, the files after `--events`, their sizes): this is a
 * guess that costs nothing when wrong. A worker booted for nothing is closed by `weir run`
 * (replay.ts), and until it is given its files it does not keep the process alive; a run
 * the guess missed starts its worker itself, as it always did.
 */
import { resolve } from 'node:path';
import { type IdleReadWorker, bootReadWorker, filesWorthAWorker } from '../io/worker-reader.js';

/** The files after `--events` (up to the next option), or after `--events=`; undefined for standard input. */
function eventFiles(args: readonly string[]): string[] | undefined {
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg.startsWith('--events=')) files.push(arg.slice('--events='.length));
    else if (arg === '--events')
      for (let j = i + 1; j < args.length && !(args[j] as string).startsWith('-'); j++)
        files.push(args[j] as string);
  }
  return args.includes('-') ? undefined : files;
}

/** Whether `weir <args>` looks like a replay that reads its files on a worker thread. */
export function looksLikeWorkerReplay(args: readonly string[], cwd: string): boolean {
  if (args[0] !== 'run') return false;
  // One thread, or a checkpointed run (it reads from where its checkpoint says): no worker now.
  const noWorker = (a: string, i: number) =>
    a === '--checkpoint' ||
    a.startsWith('--checkpoint=') ||
    a === '--threads=1' ||
    (a === '--threads' && args[i + 1] === '1');
  if (args.some(noWorker)) return false;
  const files = eventFiles(args);
  return files !== undefined && files.length > 0 && filesWorthAWorker(files.map((f) => resolve(cwd, f)));
}

/** A read worker booting now when the command looks like it will take one. */
export function bootEarlyReader(args: readonly string[], cwd: string): IdleReadWorker | undefined {
  return looksLikeWorkerReplay(args, cwd) ? bootReadWorker() : undefined;
}
