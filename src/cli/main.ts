#!/usr/bin/env node
/** The `weir` command line. */
import { Command, CommanderError, Option } from 'commander';
import { WeirError } from '../common/errors.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../io/output-writer.js';
import { checkCommand } from './check.js';
import { explainCommand } from './explain.js';
import type { CommandIO } from './io-streams.js';
import { parseMillis, parsePeriod } from './parse-period.js';
import { bundledExample, runReplay } from './run.js';

interface RawRunOptions {
  events?: string[];
  type?: string;
  format?: OutputFormat;
  out?: string;
  timeField: string;
  lateness: string;
  endTime?: string;
  onError: 'fail' | 'skip';
  quiet?: boolean;
  alertsOnly?: boolean;
}

/** Runs the CLI in-process; returns the exit code. Tests call this with their own streams. */
export async function runCommand(argv: readonly string[], io: CommandIO): Promise<number> {
  let exitCode = 0;
  const program = new Command('weir')
    .description('Weir: continuous EPL queries over event-time streams')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  program
    .command('run')
    .description('replay event files through the statements of an EPL file (no file: the bundled example)')
    .argument('[file.epl]', 'schemas and statements')
    .option('--events <files...>', 'NDJSON or CSV event files, replayed in order')
    .option('--type <name>', 'event type for flat NDJSON lines and CSV rows')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS as string[]))
    .option('--out <file>', 'write results to a file instead of stdout')
    .option('--time-field <name>', 'property holding the event time in flat lines and CSV', 'ts')
    .option(
      '--lateness <period>',
      'how late an event may arrive and still be reordered (500, 2s, 1 min)',
      '0',
    )
    .option('--end-time <ms>', 'after the input, advance event time to this instant, firing due timers')
    .addOption(
      new Option('--on-error <policy>', 'malformed event lines').choices(['fail', 'skip']).default('fail'),
    )
    .option('--quiet', 'no summary or per-event warnings on stderr')
    .option('--alerts-only', 'print only pattern and match_recognize statements')
    .action(async (file: string | undefined, raw: RawRunOptions) => {
      const example = bundledExample();
      const eplFile = file ?? example.query;
      const events = raw.events ?? (file === undefined ? [example.events] : []);
      const interactive = io.interactive ?? false;
      exitCode = await runReplay(
        eplFile,
        {
          events,
          format: raw.format ?? ((io.stdout as { isTTY?: boolean }).isTTY ? 'table' : 'ndjson'),
          timeField: raw.timeField,
          lateness: parsePeriod(raw.lateness, '--lateness'),
          onError: raw.onError,
          quiet: raw.quiet === true,
          alertsOnly: raw.alertsOnly === true,
          ...(raw.type === undefined ? {} : { type: raw.type }),
          ...(raw.out === undefined ? {} : { out: raw.out }),
          ...(raw.endTime === undefined ? {} : { endTime: parseMillis(raw.endTime, '--end-time') }),
        },
        { ...io, interactive },
      );
    });

  program
    .command('check')
    .description('parse and analyze an EPL file; print every error with a caret')
    .argument('<file.epl>')
    .action(async (file: string) => {
      exitCode = await checkCommand(file, io);
    });

  program
    .command('explain')
    .description('print the logical, optimized and physical plans of each statement')
    .argument('<file.epl>')
    .option('--verbose', 'also print every optimizer rewrite')
    .action(async (file: string, opts: { verbose?: boolean }) => {
      exitCode = await explainCommand(file, opts.verbose === true, io);
    });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof WeirError) {
      io.stderr.write(`weir: error[${e.code}]: ${e.message}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      io.stderr.write(`weir: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`weir: internal error: ${err.message ?? String(e)}\n`);
    if (process.env.WEIR_DEBUG === '1' && err.stack !== undefined) io.stderr.write(`${err.stack}\n`);
    return 70;
  }
}

const invokedDirectly = process.argv[1] !== undefined && /(?:main\.[jt]s|weir)$/.test(process.argv[1]);
if (invokedDirectly) {
  runCommand(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: process.stderr.isTTY === true,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`weir: internal error: ${(e as Error).message}\n`);
      process.exitCode = 70;
    },
  );
}
