/**
 * The `weir` command line, in-process: `runCommand(argv, io)` parses the arguments, runs
 * `run`, `check` or `explain` against the given streams and returns the exit code. The bin
 * (main.ts) and the tests (golden cases included) both go through here, so the tests
 * exercise exactly what users run.
 *
 * Exit codes: 0 success; 1 the query has errors; 2 bad input (malformed event line, missing
 * file) or bad options; 70 an unexpected internal error (one line; stack with WEIR_DEBUG=1).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { WeirError } from '../common/errors.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../io/output-writer.js';
import { bundledExample } from './bundled-example.js';
import { checkCommand } from './check.js';
import { explainCommand } from './explain.js';
import type { CommandIO } from './io-streams.js';
import { parseMillis, parsePeriod } from './parse-period.js';
import { EXIT_BAD_INPUT, STDIN, runReplay } from './replay.js';
import { DEFAULT_CHECKPOINT_EVERY, parseCheckpointEvery } from './run-checkpoint.js';
import { addServeCommand } from './serve.js';

export const EXIT_INTERNAL = 70;

interface RawRunOptions {
  events?: string[];
  type?: string;
  format?: OutputFormat;
  out?: string;
  timeField: string;
  lateness: string;
  maxTimeJump?: string;
  endTime?: string;
  onError: 'fail' | 'skip';
  quiet?: boolean;
  alertsOnly?: boolean;
  alertWebhook?: string[];
  alertExec?: string[];
  threads: string;
  strict?: boolean;
  checkpoint?: string;
  checkpointEvery?: string;
}

/** The package's version (package.json is two levels up from src/cli and from dist/cli). */
function weirVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Default output: `table` when writing to a terminal (people read it), `ndjson` otherwise
 * (pipes and files feed tools, which want one JSON object per row).
 */
function defaultFormat(io: CommandIO, out: string | undefined): OutputFormat {
  return out === undefined && (io.stdout as { isTTY?: boolean }).isTTY === true ? 'table' : 'ndjson';
}

function program(io: CommandIO, setExit: (code: number) => void): Command {
  const weir = new Command('weir')
    .description('Weir: continuous EPL queries over event-time streams')
    .version(weirVersion(), '-V, --version', 'print the version of weir')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  weir
    .command('run')
    .description('replay event files through the statements of an EPL file (no file: the bundled example)')
    .argument('[file.epl]', 'schemas and statements')
    .option(
      '--events <files...>',
      'NDJSON or CSV (.csv) event files, replayed in order through one engine; - is standard input (the default with a query file)',
    )
    .option('--type <name>', 'event type for flat NDJSON lines and CSV rows')
    .addOption(
      new Option('--format <format>', 'output format (default: table on a terminal, else ndjson)').choices(
        OUTPUT_FORMATS,
      ),
    )
    .option('--out <file>', 'write results to a file instead of stdout')
    .option('--time-field <name>', 'property holding the event time in flat lines and CSV', 'ts')
    .option(
      '--lateness <period>',
      'how late an event may arrive and still be reordered: an EPL time period (500 msec, 2 sec, 1 min)',
      '0',
    )
    .option(
      '--max-time-jump <period>',
      'how far one event may move event time (an EPL time period); an event beyond is a bad input line (default 7 days)',
    )
    .option('--end-time <ms>', 'after the input, advance event time to this instant, firing due timers')
    .addOption(
      new Option('--on-error <policy>', 'on a malformed event line: stop (exit 2) or count and skip')
        .choices(['fail', 'skip'])
        .default('fail'),
    )
    .option('--quiet', 'no summary, late-event or skip messages on stderr')
    .option(
      '--strict',
      'an event with properties its closed type does not declare, or without declared ones, is a bad input line',
    )
    .option('--alerts-only', 'print only pattern and match_recognize statements')
    .option(
      '--alert-webhook <urls...>',
      'POST each alert (pattern/match_recognize update) as JSON to these URLs',
    )
    .option('--alert-exec <commands...>', 'run these shell commands per alert, the alert as JSON on stdin')
    .addOption(
      new Option(
        '--threads <n>',
        'read event files on another thread while the engine runs, and format many rows for --out on a third (2), or not (1)',
      )
        .choices(['1', '2'])
        .default('2'),
    )
    .option(
      '--checkpoint <dir>',
      'crash-safe replay (needs --out): checkpoint into <dir>; run the same command again after a crash to resume',
    )
    .option(
      '--checkpoint-every <n|period>',
      `with --checkpoint: every n events or every time period (default ${DEFAULT_CHECKPOINT_EVERY})`,
    )
    .action(async (file: string | undefined, raw: RawRunOptions) => {
      const example = bundledExample();
      // No --events: the bundled example's without a query file, else standard input.
      const events =
        raw.events ?? (file === undefined ? [example.events] : io.stdin === undefined ? [] : [STDIN]);
      const streaming = events.includes(STDIN);
      if (streaming && io.stdin?.isTTY === true && raw.quiet !== true)
        io.stderr.write('weir: reading NDJSON events from standard input (end with Ctrl-D)\n');
      const options = {
        events,
        // A table waits for rows to size its columns; input that never ends gets lines.
        format: raw.format ?? (streaming ? 'ndjson' : defaultFormat(io, raw.out)),
        timeField: raw.timeField,
        lateness: parsePeriod(raw.lateness, '--lateness'),
        onError: raw.onError,
        strict: raw.strict === true,
        quiet: raw.quiet === true,
        alertsOnly: raw.alertsOnly === true,
        alertHooks: { webhooks: raw.alertWebhook ?? [], execs: raw.alertExec ?? [] },
        threads: raw.threads === '1' ? (1 as const) : (2 as const),
        ...(raw.checkpoint === undefined ? {} : { checkpoint: raw.checkpoint }),
        ...(raw.checkpointEvery === undefined
          ? {}
          : { checkpointEvery: checkpointEvery(raw.checkpointEvery, raw.checkpoint) }),
        ...(raw.type === undefined ? {} : { type: raw.type }),
        ...(raw.out === undefined ? {} : { out: raw.out }),
        ...(raw.endTime === undefined ? {} : { endTime: parseMillis(raw.endTime, '--end-time') }),
        ...(raw.maxTimeJump === undefined
          ? {}
          : { maxTimeJump: parsePeriod(raw.maxTimeJump, '--max-time-jump') }),
      };
      setExit(await runReplay(file ?? example.query, options, io));
    });

  weir
    .command('check')
    .description('parse and analyze an EPL file; print every error with a caret')
    .argument('<file.epl>')
    .action(async (file: string) => setExit(await checkCommand(file, io)));

  weir
    .command('explain')
    .description('print the logical, optimized and physical plans of each statement')
    .argument('<file.epl>')
    .option('--verbose', 'also print every optimizer rewrite')
    .option(
      '--no-columnar-aggregation',
      'explain with the physical rule fused-columnar-aggregation off (createEngine option columnarAggregation: false)',
    )
    .action(async (file: string, opts: { verbose?: boolean; columnarAggregation: boolean }) =>
      setExit(await explainCommand(file, opts.verbose === true, io, opts.columnarAggregation)),
    );
  addServeCommand(weir, io, setExit);
  return weir;
}

function checkpointEvery(text: string, dir: string | undefined) {
  if (dir === undefined)
    throw new WeirError('cli/invalid-option', '--checkpoint-every needs --checkpoint <dir>');
  return parseCheckpointEvery(text);
}

/** Runs `weir <argv…>` against `io`; resolves to the exit code, never rejects. */
export async function runCommand(argv: readonly string[], io: CommandIO): Promise<number> {
  let exitCode = 0;
  try {
    await program(io, (code) => {
      exitCode = code;
    }).parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (e) {
    return reportFailure(e, io);
  } finally {
    // The read worker the bin booted (early-reader.ts), unless a run took it (it ends it).
    void io.readWorker?.close();
  }
}

function reportFailure(e: unknown, io: CommandIO): number {
  // Commander has already printed its message (unknown option, invalid choice, --help).
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
  if (e instanceof WeirError) {
    io.stderr.write(`weir: error[${e.code}]: ${e.message}\n`);
    return EXIT_BAD_INPUT;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`weir: internal error: ${err.message} (set WEIR_DEBUG=1 for the stack)\n`);
  if (process.env.WEIR_DEBUG === '1' && err.stack !== undefined) io.stderr.write(`${err.stack}\n`);
  return EXIT_INTERNAL;
}
