/**
 * `weir run`: deploy an EPL file, replay event files through it in event-time order, print
 * every listener call. Malformed input is reported with file and line and, by policy, stops
 * the run (exit 2) or is counted and skipped; nothing is dropped silently.
 */
import { existsSync, statSync } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { WeirError, WeirErrors } from '../common/errors.js';
import { readCsv } from '../io/csv-reader.js';
import type { EventRecord, ReadResult, ReaderOptions } from '../io/event-record.js';
import { readNdjson } from '../io/ndjson-reader.js';
import {
  BufferedWriter,
  type OutputFormat,
  type UpdateWriter,
  csvWriter,
  ndjsonWriter,
  tableWriter,
  updatesWriter,
} from '../io/output-writer.js';
import type { Engine } from '../runtime/api.js';
import { createEngine } from '../runtime/engine.js';
import type { CommandIO } from './io-streams.js';
import { renderError } from './render-error.js';

export interface RunOptions {
  readonly events: readonly string[];
  readonly type?: string;
  readonly format: OutputFormat;
  readonly out?: string;
  readonly timeField: string;
  readonly lateness: number;
  readonly endTime?: number;
  readonly onError: 'fail' | 'skip';
  readonly quiet: boolean;
  /** Print only pattern and match_recognize statements (the alerts). */
  readonly alertsOnly?: boolean;
}

/** The example `weir run` replays with no arguments, located relative to the installed package. */
export function bundledExample(): { query: string; events: string } {
  const dir = fileURLToPath(new URL('../../queries/stock-ticker/', import.meta.url));
  return { query: resolve(dir, 'query.epl'), events: resolve(dir, 'events.ndjson') };
}

interface Counters {
  read: number;
  late: number;
  malformed: number;
}

function makeWriter(format: OutputFormat, out: BufferedWriter, engine: Engine): UpdateWriter {
  const columnsOf = (stmt: string) => engine.statement(stmt)?.columns ?? [];
  switch (format) {
    case 'updates':
      return updatesWriter(out);
    case 'ndjson':
      return ndjsonWriter(out);
    case 'csv':
      return csvWriter(out, columnsOf);
    case 'table':
      return tableWriter(out, columnsOf);
  }
}

function readEvents(file: string, options: ReaderOptions, engine: Engine, progress: { bytes: number }) {
  return extname(file).toLowerCase() === '.csv'
    ? readCsv(file, options, (t) => engine.schema(t))
    : readNdjson(file, options, progress);
}

export async function runReplay(eplFile: string, options: RunOptions, io: CommandIO): Promise<number> {
  const text = await readFile(eplFile, 'utf8');
  const engine = createEngine({ allowedLateness: options.lateness });
  try {
    engine.deploy(text, { file: eplFile });
  } catch (e) {
    const errors = e instanceof WeirErrors ? e.errors : e instanceof WeirError ? [e] : undefined;
    if (errors === undefined) throw e;
    for (const err of errors) io.stderr.write(`${renderError(err, text, eplFile)}\n`);
    return 1;
  }
  for (const file of options.events) {
    if (!existsSync(file)) {
      io.stderr.write(`error[io/file-not-found]: event file '${file}' does not exist\n`);
      return 2;
    }
  }

  const sink: Writable = options.out === undefined ? io.stdout : createWriteStream(options.out);
  const out = new BufferedWriter(sink);
  const writer = makeWriter(options.format, out, engine);
  for (const handle of engine.statements()) {
    if (options.alertsOnly === true && !handle.isPattern) continue;
    handle.subscribe((n, o, ctx) => writer.update(ctx.statement, ctx.time, n, o));
  }
  const counters: Counters = { read: 0, late: 0, malformed: 0 };
  let current: EventRecord | undefined;
  engine.onLate((late) => {
    counters.late++;
    if (!options.quiet && current !== undefined) {
      io.stderr.write(
        `${current.file}:${current.line}: late event: ${late.type} at ${late.timestamp} is older than the watermark ${late.watermark}\n`,
      );
    }
  });

  const totalBytes = options.events.reduce((n, f) => n + statSync(f).size, 0);
  const bar =
    io.interactive === true && !options.quiet && totalBytes > 20 * 1024 * 1024
      ? new SingleBar({
          stream: io.stderr as NodeJS.WritableStream,
          format: 'replay [{bar}] {percentage}% | {value}/{total} MB',
        })
      : undefined;
  bar?.start(Math.ceil(totalBytes / 1048576), 0);
  const started = process.hrtime.bigint();
  let bytesBefore = 0;

  const fail = (error: WeirError, record: { file: string; line: number } | undefined): boolean => {
    const where =
      record !== undefined && !error.message.startsWith(`${record.file}:`)
        ? `${record.file}:${record.line}: `
        : '';
    counters.malformed++;
    if (options.onError === 'fail') {
      out.flush();
      bar?.stop();
      io.stderr.write(`${where}${error.message}\n`);
      return true;
    }
    if (!options.quiet) io.stderr.write(`skipped: ${where}${error.message}\n`);
    return false;
  };

  const readerOptions: ReaderOptions = {
    timeField: options.timeField,
    ...(options.type === undefined ? {} : { type: options.type }),
  };
  for (const file of options.events) {
    const progress = { bytes: 0 };
    let lastShown = 0;
    for await (const batch of readEvents(
      file,
      readerOptions,
      engine,
      progress,
    ) as AsyncGenerator<ReadResult[]>) {
      for (const result of batch) {
        counters.read++;
        if (!result.ok) {
          if (fail(result.error, undefined)) return 2;
          continue;
        }
        const record = result.record;
        current = record;
        try {
          engine.send(record.type, record.event, record.timestamp);
        } catch (e) {
          if (!(e instanceof WeirError)) throw e;
          if (fail(e, record)) return 2;
        }
      }
      if (bar !== undefined && progress.bytes - lastShown > 1048576) {
        lastShown = progress.bytes;
        bar.update(Math.floor((bytesBefore + progress.bytes) / 1048576));
      }
    }
    bytesBefore += statSync(file).size;
  }
  engine.flush();
  if (options.endTime !== undefined) engine.advanceTime(options.endTime);
  writer.end();
  bar?.stop();
  if (options.out !== undefined) await new Promise<void>((done) => (sink as NodeJS.WritableStream).end(done));

  if (!options.quiet) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stats = engine.stats();
    const rows = engine
      .statements()
      .map((s) => `${s.name}=${s.stats().rowsOut}`)
      .join(' ');
    const rate = seconds > 0 ? Math.round(counters.read / seconds) : counters.read;
    io.stderr.write(
      `weir: ${counters.read} events read, ${stats.eventsProcessed} processed, ${counters.late} late, ${counters.malformed} malformed${options.onError === 'skip' && counters.malformed > 0 ? ' (skipped)' : ''}; rows out: ${rows}; ${seconds.toFixed(2)} s, ${rate} events/s\n`,
    );
  }
  return 0;
}
