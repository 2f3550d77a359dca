/**
 * `weir serve [file.epl]`: runs the module as a service (HTTP ingest, SSE results, metrics,
 * dashboard, connectors; see src/serve/). With no file it serves the bundled example and
 * replays its events at their own pace, looping, so the dashboard moves.
 *
 * The server code is imported when the command runs, so `weir run` never loads it.
 */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { WeirError } from '../common/errors.js';
import { bundledExample } from './bundled-example.js';
import type { CommandIO } from './io-streams.js';
import { parsePeriod } from './parse-period.js';
import { queryErrors, readSource } from './read-source.js';
import { renderError, renderErrors } from './render-error.js';

interface RawServeOptions {
  port: string;
  host: string;
  token?: string;
  allowDeploy?: boolean;
  checkpoint?: string;
  checkpointEvery: string;
  source?: string[];
  sink?: string[];
  clock: 'event' | 'wall';
  lateness: string;
  timeField: string;
  type?: string;
  replay?: string;
  replaySpeed: string;
  bodyLimit: string;
  maxQueue: string;
  maxSseBuffer: string;
}

/** `16mb`, `512kb`, `1048576` → bytes. */
export function parseBytes(text: string, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$/i.exec(text);
  if (match === null) {
    throw new WeirError(
      'cli/invalid-option',
      `${option} expects a size such as 512kb or 16mb; got '${text}'`,
    );
  }
  const unit = (match[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(match[1]) * factor);
}

function positiveInt(text: string, option: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new WeirError('cli/invalid-option', `${option} expects an integer ≥ ${min}, got '${text}'`);
  }
  return n;
}

export function addServeCommand(weir: Command, io: CommandIO, setExit: (code: number) => void): void {
  weir
    .command('serve')
    .description(
      'run statements as a service: HTTP ingest, live results (SSE), metrics, dashboard, connectors',
    )
    .argument('[file.epl]', 'schemas and statements (none: the bundled example, replayed slowly)')
    .option('--port <n>', 'HTTP port (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--token <token>', 'bearer token required by every write endpoint (or set WEIR_TOKEN)')
    .option('--allow-deploy', 'allow POST and DELETE /statements')
    .option('--checkpoint <dir>', 'write checkpoints here and resume from the last one on start')
    .option('--checkpoint-every <period>', 'time between checkpoints (an EPL time period)', '1 sec')
    .option(
      '--source <urls...>',
      'event sources: nats://host:port/STREAM?consumer=name, mqtt://host:port/topic',
    )
    .option(
      '--sink <specs...>',
      'result sinks, statement=URL: nats://…/subject, mqtt://…/topic, http(s)://…, exec:command',
    )
    .addOption(
      new Option('--clock <clock>', 'event: events carry their time; wall: stamp untimed events on arrival')
        .choices(['event', 'wall'])
        .default('event'),
    )
    .option('--lateness <period>', 'how late an event may arrive and still be reordered', '0')
    .option('--time-field <name>', 'property holding the event time in flat events', 'ts')
    .option('--type <name>', 'event type of flat events from sources')
    .option('--replay <file>', 'also replay this event file at its own pace, looping')
    .option('--replay-speed <x>', 'speed-up of --replay over real time', '1')
    .option('--body-limit <size>', 'largest request body', '16mb')
    .option('--max-queue <events>', 'most events waiting for the engine before ingest answers 503', '200000')
    .option('--max-sse-buffer <size>', 'unsent bytes after which a slow SSE subscriber is dropped', '4mb')
    .action(async (file: string | undefined, raw: RawServeOptions) => {
      setExit(await serveCommand(file, raw, io));
    });
}

async function serveCommand(file: string | undefined, raw: RawServeOptions, io: CommandIO): Promise<number> {
  const { runServe } = await import('../serve/run-serve.js');
  const example = bundledExample();
  const eplFile = file ?? example.query;
  const cwd = io.cwd ?? process.cwd();
  const replay = raw.replay ?? (file === undefined ? example.events : undefined);
  const speed = Number(raw.replaySpeed);
  if (!(speed > 0))
    throw new WeirError(
      'cli/invalid-option',
      `--replay-speed expects a positive number, got '${raw.replaySpeed}'`,
    );
  const token = raw.token ?? process.env.WEIR_TOKEN;
  const eplText = readSource(resolve(cwd, eplFile), eplFile);
  const serve = runServe(
    {
      eplFile,
      eplText,
      host: raw.host,
      port: positiveInt(raw.port, '--port', 0),
      ...(token === undefined || token === '' ? {} : { token }),
      allowDeploy: raw.allowDeploy === true,
      ...(raw.checkpoint === undefined ? {} : { checkpoint: resolve(cwd, raw.checkpoint) }),
      checkpointEvery: parsePeriod(raw.checkpointEvery, '--checkpoint-every'),
      sources: raw.source ?? [],
      sinks: raw.sink ?? [],
      clock: raw.clock,
      lateness: parsePeriod(raw.lateness, '--lateness'),
      timeField: raw.timeField,
      ...(raw.type === undefined ? {} : { type: raw.type }),
      ...(replay === undefined ? {} : { replay: resolve(cwd, replay), replaySpeed: speed }),
      bodyLimit: parseBytes(raw.bodyLimit, '--body-limit'),
      maxQueue: positiveInt(raw.maxQueue, '--max-queue'),
      maxSseBuffer: parseBytes(raw.maxSseBuffer, '--max-sse-buffer'),
    },
    io,
    renderError,
  );
  try {
    return await serve;
  } catch (e) {
    const errors = queryErrors(e);
    if (
      errors === undefined ||
      errors.some((err) => !err.code.startsWith('parse/') && !err.code.startsWith('analyze/'))
    ) {
      throw e;
    }
    io.stderr.write(`${renderErrors(errors, eplText, eplFile)}\n`);
    return 1;
  }
}
