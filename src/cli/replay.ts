/**
 * The body of `weir run`: deploy an EPL file, replay event files through one engine in the
 * order given, print every listener call in the chosen format, then `flush()` (end of input
 * releases the event-time buffer) and `advanceTime(--end-time)` so timers due by then fire.
 *
 * Malformed input is reported with file and line and, by policy, stops the run (exit 2) or
 * is counted and skipped; late events are counted and reported; nothing is dropped silently.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { WeirError } from '../common/errors.js';
import { printable } from '../common/printable.js';
import { type FeedFile, type FeedMode, type FeedTarget, feedEvents } from '../io/event-feed.js';
import type { ReaderOptions } from '../io/event-record.js';
import { MISSING, UNDECLARED } from '../io/line-interpreter.js';
import type { OutputFormat } from '../io/output-writer.js';
import { isCsvFile } from '../io/read-events.js';
import { type ReadWorker, WORKER_MIN_BYTES, bootReadWorker, filesWorthAWorker } from '../io/worker-reader.js';
import type { Engine } from '../runtime/api.js';
import { createEngine } from '../runtime/engine.js';
import type { AlertHookOptions } from './alert-hooks.js';
import { csvColumnProblems } from './csv-columns.js';
import type { CommandIO } from './io-streams.js';
import { createProgress } from './progress.js';
import { queryErrors, readSource } from './read-source.js';
import { renderErrors } from './render-error.js';
import {
  type CheckpointEvery,
  DEFAULT_CHECKPOINT_EVERY,
  type Resume,
  RunCheckpointer,
  type RunIdentity,
  checkOutputLength,
  loadRunCheckpoint,
  parseCheckpointEvery,
  resumeFiles,
} from './run-checkpoint.js';
import { openRunOutput } from './run-output.js';
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
  /** Events of closed types with undeclared or missing properties are bad input lines. */
  readonly strict?: boolean;
  /** Print only pattern and match_recognize statements (the alerts). */
  readonly alertsOnly?: boolean;
  /** Where alerts are also delivered (--alert-webhook, --alert-exec). */
  readonly alertHooks?: AlertHookOptions;
  /**
   * 1: read and run on one thread. 2 (the default): input (NDJSON or CSV) of at least
   * WORKER_MIN_BYTES is read and parsed on a worker thread while the engine runs.
   */
  readonly threads?: 1 | 2;
  /** Crash-safe replay: checkpoint into this directory (as the user named it) and resume from it. */
  readonly checkpoint?: string;
  readonly checkpointEvery?: CheckpointEvery;
}

/** The --events name of standard input (NDJSON, streamed; results are written as they come). */
export const STDIN = '-';
const STDIN_SHOWN = '<stdin>';

export { WORKER_MIN_BYTES };

/** Exit codes: 0 done, 1 the query has errors, 2 bad input or options. */
export const EXIT_OK = 0;
export const EXIT_QUERY_ERRORS = 1;
export const EXIT_BAD_INPUT = 2;

/** What must match for a checkpoint to be resumed by this command. */
function runIdentity(options: RunOptions): RunIdentity {
  return {
    events: options.events,
    out: options.out ?? '',
    format: options.format,
    type: options.type ?? null,
    timeField: options.timeField,
    lateness: options.lateness,
    endTime: options.endTime ?? null,
    maxTimeJump: options.maxTimeJump ?? null,
    onError: options.onError,
    alertsOnly: options.alertsOnly === true,
  };
}

function checkCheckpointOptions(options: RunOptions): void {
  if (options.checkpoint === undefined) return;
  if (options.out === undefined) {
    throw new WeirError(
      'cli/invalid-option',
      '--checkpoint needs --out <file>: a resumed run truncates the output to the checkpoint, which stdout cannot do',
    );
  }
  if (options.events.includes(STDIN)) {
    throw new WeirError(
      'cli/invalid-option',
      '--checkpoint needs event files: standard input cannot be read again from a checkpoint',
    );
  }
  if (options.format === 'table') {
    throw new WeirError(
      'cli/invalid-option',
      '--checkpoint cannot resume --format table (its column widths follow what it has printed); use ndjson, csv or updates',
    );
  }
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

/** The files to read, as the user named them, and standard input as a stream. */
function feedFiles(paths: readonly string[], options: RunOptions, io: CommandIO): FeedFile[] {
  return paths.map((path, i) =>
    options.events[i] === STDIN
      ? { path: STDIN_SHOWN, shown: STDIN_SHOWN, stream: io.stdin as NonNullable<typeof io.stdin> }
      : { path, shown: options.events[i] as string },
  );
}

/** How the files are read: on a worker thread unless --threads 1, small input or standard input. */
function feedMode(options: RunOptions, totalBytes: number): FeedMode {
  return options.threads === 1 || totalBytes < WORKER_MIN_BYTES || options.events.includes(STDIN)
    ? 'inline'
    : 'worker';
}

/**
 * WEIR_WRITER_THREAD_AFTER_ROWS: rows formatted on the main thread before the writer thread
 * takes over, whatever is expected after them (by default it is started only when many more
 * rows are expected: run-output.ts); tests set 0 so that small runs use the thread.
 */
function writerThreadAfterRows(): { threadAfterRows?: number } {
  const text = process.env.WEIR_WRITER_THREAD_AFTER_ROWS;
  if (text === undefined || text === '') return {};
  const rows = Number(text);
  if (!Number.isInteger(rows) || rows < 0) {
    throw new WeirError(
      'cli/invalid-option',
      `WEIR_WRITER_THREAD_AFTER_ROWS expects a whole number of rows, got '${printable(text)}'`,
    );
  }
  return { threadAfterRows: rows };
}

/**
 * The read worker, started before anything else when the run will read in worker mode, so
 * that its thread boots while the statements compile (or the one the bin booted while the
 * command line loaded, io.readWorker: runCommand ends it if no run takes it); undefined when
 * it will not (or when that is not known yet: a file that does not exist is reported later,
 * a resumed run reads from its checkpoint's position).
 */
function startReaderEarly(options: RunOptions, cwd: string, io: CommandIO): ReadWorker | undefined {
  if (!readsInWorker(options, cwd)) return undefined;
  const paths = options.events.map((f) => resolve(cwd, f));
  return (io.readWorker ?? bootReadWorker()).take(feedFiles(paths, options, io));
}

/** Whether the run reads its files on a worker thread from the start (feedMode's rule, before the checks of replayFiles). */
function readsInWorker(options: RunOptions, cwd: string): boolean {
  if (options.checkpoint !== undefined || options.threads === 1 || options.events.includes(STDIN))
    return false;
  return filesWorthAWorker(options.events.map((f) => resolve(cwd, f)));
}

export async function runReplay(eplFile: string, options: RunOptions, io: CommandIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const reader = startReaderEarly(options, cwd, io);
  try {
    return await replayFiles(eplFile, options, io, reader);
  } finally {
    // Ended also when the run stopped before reading (a query error, a bad option).
    await reader?.close();
  }
}

async function replayFiles(
  eplFile: string,
  options: RunOptions,
  io: CommandIO,
  reader: ReadWorker | undefined,
): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const text = readSource(resolve(cwd, eplFile), eplFile);
  checkCheckpointOptions(options);
  const checkpointDir = options.checkpoint === undefined ? undefined : resolve(cwd, options.checkpoint);
  const resume: Resume | undefined =
    checkpointDir === undefined
      ? undefined
      : loadRunCheckpoint(checkpointDir, options.checkpoint as string, text, runIdentity(options));
  const engineOptions = {
    allowedLateness: options.lateness,
    ...(options.maxTimeJump === undefined ? {} : { maxTimeJump: options.maxTimeJump }),
  };
  // A resumed engine is the checkpoint's: same module, state as it was at the checkpoint.
  const engine = createEngine(
    resume === undefined ? engineOptions : { ...engineOptions, restore: resume.snapshot },
  );
  if (resume === undefined && !deploy(engine, text, eplFile, io)) return EXIT_QUERY_ERRORS;
  // A statement whose state cannot be snapshotted yet fails here, before any output.
  if (checkpointDir !== undefined && resume === undefined) engine.snapshot();

  const paths = options.events.map((f) => resolve(cwd, f));
  let totalBytes = 0;
  const fromStdin = options.events.includes(STDIN);
  if (fromStdin && io.stdin === undefined) {
    io.stderr.write('weir: error[cli/invalid-option]: --events -: no standard input to read\n');
    return EXIT_BAD_INPUT;
  }
  if (options.events.filter((f) => f === STDIN).length > 1) {
    io.stderr.write('weir: error[cli/invalid-option]: --events: standard input (-) can be read once\n');
    return EXIT_BAD_INPUT;
  }
  for (let i = 0; i < paths.length; i++) {
    if (options.events[i] === STDIN) continue;
    const shown = printable(options.events[i] as string);
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(paths[i] as string);
    } catch {
      io.stderr.write(`weir: error[io/file-not-found]: event file '${shown}' does not exist\n`);
      return EXIT_BAD_INPUT;
    }
    if (stat.isDirectory()) {
      io.stderr.write(
        `weir: error[cli/invalid-option]: --events: '${shown}' is a directory; name its files (${shown}/*.ndjson)\n`,
      );
      return EXIT_BAD_INPUT;
    }
    totalBytes += stat.size;
    const schema = options.type === undefined ? undefined : engine.schema(options.type);
    if (isCsvFile(paths[i] as string) && schema !== undefined) {
      const problems = csvColumnProblems(
        paths[i] as string,
        options.events[i] as string,
        schema,
        options.timeField,
      );
      if (problems !== undefined && options.strict === true) {
        io.stderr.write(`weir: error[io/invalid-value]: ${problems} (--strict)\n`);
        return EXIT_BAD_INPUT;
      }
      if (problems !== undefined && !options.quiet) io.stderr.write(`weir: warning: ${problems}\n`);
    }
  }

  const outPath = options.out === undefined ? undefined : resolve(cwd, options.out);
  const keep = resume?.state.outLength ?? 0;
  if (resume !== undefined) checkOutputLength(outPath as string, options.out as string, keep);
  const statements = engine.statements().filter((s) => options.alertsOnly !== true || s.isPattern);
  const mode = feedMode(options, totalBytes);
  /** Input bytes read so far (after the last batch). */
  let bytesRead = 0;
  const output = openRunOutput({
    path: outPath,
    shown: options.out ?? '',
    stdout: io.stdout,
    keep,
    format: options.format,
    statements,
    // Many rows into a file: formatted on a thread of their own (when the input is read on one too).
    thread: mode === 'worker',
    readFraction: () => (totalBytes > 0 ? bytesRead / totalBytes : 0),
    ...writerThreadAfterRows(),
  });
  const writer = output.writer;
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

  let read = resume?.state.read ?? 0;
  let late = resume?.state.late ?? 0;
  let malformed = resume?.state.malformed ?? 0;
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
  const checkpointer =
    checkpointDir === undefined || output.fd === undefined
      ? undefined
      : new RunCheckpointer({
          dir: checkpointDir,
          epl: text,
          every: options.checkpointEvery ?? parseCheckpointEvery(DEFAULT_CHECKPOINT_EVERY),
          identity: runIdentity(options),
          outFd: output.fd,
          outputLength: () => output.length(),
          snapshot: () => engine.snapshot(),
          counts: () => ({ read, late, malformed }),
          firstFile: resume?.state.file ?? 0,
        });
  let finished = false;
  /** Prints what is buffered and closes --out; safe to call twice. */
  const finish = async () => {
    if (finished) return;
    finished = true;
    progress.stop();
    // With a checkpoint, what the next one (or the end) relies on is on the disk before the file closes.
    await output.finish(checkpointer !== undefined);
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

  /** An event the engine refused (thrown by send): reported; false when the run must stop. */
  const refused = (e: unknown, file: string, line: number): boolean => {
    if (!(e instanceof WeirError)) throw e;
    return !reject(e, `${file}:${line}: `);
  };

  const readerOptions: ReaderOptions = {
    timeField: options.timeField,
    schemaOf: (type) => engine.schema(type),
    typeNames: () => engine.schemaNames(),
    ...(options.type === undefined ? {} : { type: options.type }),
    ...(options.strict === true ? { strict: true } : {}),
  };
  let undeclaredEvents = 0;
  let missingEvents = 0;
  const target: FeedTarget = {
    event: (type, event, timestamp, file, line, shape) => {
      read++;
      currentFile = file;
      currentLine = line;
      if (shape !== undefined) {
        if ((shape & UNDECLARED) !== 0) undeclaredEvents++;
        if ((shape & MISSING) !== 0) missingEvents++;
      }
      try {
        engine.send(type, event, timestamp);
      } catch (e) {
        return refused(e, file, line);
      }
      return true;
    },
    lent: (type, row, timestamp, file, line) => {
      read++;
      currentFile = file;
      currentLine = line;
      try {
        engine.sendTransient(type, row, timestamp);
      } catch (e) {
        return refused(e, file, line);
      }
      return true;
    },
    error: (error) => {
      read++;
      return !reject(error, '');
    },
  };
  const files = resumeFiles(feedFiles(paths, options, io), resume?.state);
  /** Sends every event of every file; false when a bad line stopped the run. */
  const replay = async (): Promise<boolean> => {
    const completed = await feedEvents(
      files,
      readerOptions,
      mode,
      target,
      async (position) => {
        bytesRead = position.bytes;
        progress.update(position.bytes);
        // Input that arrives over time (tail -f | weir run): each batch's results go out now.
        await output.afterBatch(fromStdin);
        await checkpointer?.afterBatch(position);
      },
      reader,
    );
    currentFile = undefined;
    if (!completed) return false;
    // End of input: release the event-time buffer, then fire the timers due by --end-time.
    engine.flush();
    if (options.endTime !== undefined) {
      const last = engine.stats().currentTime;
      if (last !== undefined && options.endTime < last && !options.quiet) {
        io.stderr.write(
          `weir: warning: --end-time ${options.endTime} is before the last event time ${last}; event time stays at ${last}\n`,
        );
      }
      engine.advanceTime(options.endTime);
    }
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
  checkpointer?.finished();

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
      invalidRegexps: engine.stats().invalidRegexps,
      invalidPeriods: engine.stats().invalidPeriods,
      undeclaredEvents,
      missingEvents,
      ...(resume === undefined
        ? {}
        : {
            resumed: `resumed from the checkpoint in ${options.checkpoint}: ${options.events[resume.state.file]} after line ${resume.state.line} (byte ${resume.state.offset}), output kept to ${resume.state.outLength} bytes`,
          }),
    });
    io.stderr.write(`${summary}\n`);
  }
  return EXIT_OK;
}
