/**
 * The body of `weir run`: deploy an EPL file, replay event files through one engine in the
 * order given, print every listener call in the chosen format, then `flush()` (end of input
 * releases the event-time buffer) and `advanceTime(--end-time)` so timers due by then fire.
 *
 * Malformed input is reported with file and line and, by policy, stops the run (exit 2) or
 * is counted and skipped; late events are counted and reported; nothing is dropped silently.
 */
import { closeSync, createWriteStream, openSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { WeirError } from '../common/errors.js';
import { printable } from '../common/printable.js';
import { ByteSink } from '../io/byte-sink.js';
import { type FeedMode, type FeedTarget, feedEvents } from '../io/event-feed.js';
import type { ReaderOptions } from '../io/event-record.js';
import { type OutputFormat, createWriter } from '../io/output-writer.js';
import type { Engine } from '../runtime/api.js';
import { createEngine } from '../runtime/engine.js';
import type { AlertHookOptions } from './alert-hooks.js';
import type { CommandIO } from './io-streams.js';
import { createProgress } from './progress.js';
import { queryErrors, readSource } from './read-source.js';
import { renderErrors } from './render-error.js';
import { formatSummary } from './summary.js';

export interface RunOptions {
  /** Event files as the user named them (relative to `io.cwd`), replayed in this order. */
  readonly events: readonly string[];
  readonly type?: string;
  readonly format: OutputFormat;
  readonly out?: string;
  readonly timeField: string;
  /** Allowed lateness, ms. */
  readonly lateness: number;
  readonly endTime?: number;
  /** Engine option maxTimeJump, ms. */
  readonly maxTimeJump?: number;
  readonly onError: 'fail' | 'skip';
  readonly quiet: boolean;
  /** Print only pattern and match_recognize statements (the alerts). */
  readonly alertsOnly?: boolean;
  /** Where alerts are also delivered (--alert-webhook, --alert-exec). */
  readonly alertHooks?: AlertHookOptions;
  /**
   * 1: read and run on one thread. 2 (the default): NDJSON input of at least
   * WORKER_MIN_BYTES is read and parsed on a worker thread while the engine runs.
   */
  readonly threads?: 1 | 2;
}

/** Smaller input is read inline: starting a worker costs more than it saves. */
export const WORKER_MIN_BYTES = 1 << 20;

/** Exit codes: 0 done, 1 the query has errors, 2 bad input or options. */
export const EXIT_OK = 0;
export const EXIT_QUERY_ERRORS = 1;
export const EXIT_BAD_INPUT = 2;

function openOut(path: string, shown: string): Writable {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new WeirError('cli/invalid-option', `--out: cannot write '${shown}': ${(e as Error).message}`);
  }
  return createWriteStream('', { fd });
}

function endStream(stream: Writable): Promise<void> {
  return new Promise((done, fail) => {
    stream.once('error', fail);
    stream.end(done);
  });
}

function deploy(engine: Engine, text: string, file: string, io: CommandIO): boolean {
  try {
    engine.deploy(text, { file });
    return true;
  } catch (e) {
    const errors = queryErrors(e);
    if (errors === undefined) throw e;
    io.stderr.write(`${renderErrors(errors, text, file)}\n`);
    return false;
  }
}

export async function runReplay(eplFile: string, options: RunOptions, io: CommandIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const text = readSource(resolve(cwd, eplFile), eplFile);
  const engine = createEngine({
    allowedLateness: options.lateness,
    ...(options.maxTimeJump === undefined ? {} : { maxTimeJump: options.maxTimeJump }),
  });
  if (!deploy(engine, text, eplFile, io)) return EXIT_QUERY_ERRORS;

  const paths = options.events.map((f) => resolve(cwd, f));
  let totalBytes = 0;
  for (let i = 0; i < paths.length; i++) {
    try {
      totalBytes += statSync(paths[i] as string).size;
    } catch {
      io.stderr.write(`weir: error[io/file-not-found]: event file '${options.events[i]}' does not exist\n`);
      return EXIT_BAD_INPUT;
    }
  }

  const sink = options.out === undefined ? io.stdout : openOut(resolve(cwd, options.out), options.out);
  const out = new ByteSink(sink);
  const statements = engine.statements().filter((s) => options.alertsOnly !== true || s.isPattern);
  const writer = createWriter(options.format, out, statements);
  for (const handle of statements) {
    const write = writer.statement(handle.name, handle.columns);
    handle.subscribe((n, o, ctx) => write(ctx.time, n, o));
  }
  const hooks = options.alertHooks;
  const alerts =
    hooks === undefined || hooks.webhooks.length + hooks.execs.length === 0
      ? undefined
      : // Loaded only when asked for: the sinks are not part of every run's start-up.
        (await import('./alert-hooks.js')).attachAlertHooks(engine, hooks, (m) =>
          io.stderr.write(`weir: alert not delivered: ${m}\n`),
        );

  let read = 0;
  let late = 0;
  let malformed = 0;
  /** The line being sent (for late-event messages); file undefined between lines. */
  let currentFile: string | undefined;
  let currentLine = 0;
  engine.onLate((event) => {
    late++;
    if (options.quiet) return;
    const where = currentFile === undefined ? '' : `${currentFile}:${currentLine}: `;
    io.stderr.write(
      `${where}late event: ${event.type} at ${event.timestamp} is older than the watermark ${event.watermark}\n`,
    );
  });

  const progress = createProgress(io.stderr, totalBytes, io.interactive === true && !options.quiet);
  let finished = false;
  /** Prints what is buffered and closes --out; safe to call twice. */
  const finish = async () => {
    if (finished) return;
    finished = true;
    writer.end();
    progress.stop();
    if (options.out !== undefined) await endStream(sink);
    const undelivered = await alerts?.finish();
    if (undelivered !== undefined && undelivered > 0)
      io.stderr.write(`weir: ${undelivered} alert(s) not delivered\n`);
  };
  /** Reports one bad line or rejected event (`where`: its file and line, if not in the message); true when the run must stop. */
  const reject = (error: WeirError, where: string): boolean => {
    malformed++;
    if (options.onError === 'fail') {
      writer.end(); // the results up to the bad line are printed before the error
      progress.stop();
      io.stderr.write(`${where}${printable(error.message)}\n`);
      return true;
    }
    if (!options.quiet) io.stderr.write(`skipped: ${where}${printable(error.message)}\n`);
    return false;
  };

  const readerOptions: ReaderOptions = {
    timeField: options.timeField,
    schemaOf: (type) => engine.schema(type),
    typeNames: () => engine.schemaNames(),
    ...(options.type === undefined ? {} : { type: options.type }),
  };
  const target: FeedTarget = {
    event: (type, event, timestamp, file, line) => {
      read++;
      currentFile = file;
      currentLine = line;
      try {
        engine.send(type, event, timestamp);
      } catch (e) {
        if (!(e instanceof WeirError)) throw e;
        if (reject(e, `${file}:${line}: `)) return false;
      }
      return true;
    },
    error: (error) => {
      read++;
      return !reject(error, '');
    },
  };
  const files = paths.map((path, i) => ({ path, shown: options.events[i] as string }));
  const mode: FeedMode = options.threads === 1 || totalBytes < WORKER_MIN_BYTES ? 'inline' : 'worker';
  /** Sends every event of every file; false when a bad line stopped the run. */
  const replay = async (): Promise<boolean> => {
    const completed = await feedEvents(files, readerOptions, mode, target, (position) => {
      progress.update(position.bytes);
      if (out.needsDrain) return out.drained();
    });
    currentFile = undefined;
    if (!completed) return false;
    // End of input: release the event-time buffer, then fire the timers due by --end-time.
    engine.flush();
    if (options.endTime !== undefined) engine.advanceTime(options.endTime);
    return true;
  };

  const started = performance.now();
  let completed: boolean;
  try {
    completed = await replay();
  } finally {
    // Also on an unexpected exception: what was produced so far is not lost in the buffer.
    await finish();
  }
  if (!completed) return EXIT_BAD_INPUT;

  if (!options.quiet) {
    const seconds = (performance.now() - started) / 1000;
    const summary = formatSummary({
      read,
      processed: engine.stats().eventsProcessed,
      late,
      malformed,
      skipped: options.onError === 'skip',
      rowsOut: engine.statements().map((s) => ({ statement: s.name, rows: s.stats().rowsOut })),
      seconds,
    });
    io.stderr.write(`${summary}\n`);
  }
  return EXIT_OK;
}
