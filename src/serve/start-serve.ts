import { mkdirSync } from 'node:fs';
/**
 * Starts a served engine: deploys the module, attaches the connectors, listens on HTTP and,
 * for the bundled example, replays events. `weir serve` (serve-command.ts) and the tests use
 * it; `stop()` shuts everything down in order (sources, queue, sinks, HTTP).
 */
import type { FastifyInstance } from 'fastify';
import { WeirError } from '../common/errors.js';
import type { Sink, Source } from '../connectors/connector.js';
import type { Engine } from '../runtime/api.js';
import { createEngine } from '../runtime/engine.js';
import { type Checkpoint, readCheckpoint } from './checkpoint-file.js';
import { assertCheckpointable } from './checkpoint-probe.js';
import { Checkpointer } from './checkpointer.js';
import { ExampleFeed, type FeedOptions } from './example-feed.js';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions, startHttpServer } from './http-server.js';
import { type ServiceOptions, WeirService } from './weir-service.js';

export interface ServeConfig {
  /** The EPL module: its text and the name errors show. */
  readonly epl: { readonly text: string; readonly file: string };
  readonly http?: Partial<HttpOptions>;
  readonly service?: Partial<ServiceOptions>;
  /** Allowed lateness, ms. */
  readonly lateness?: number;
  /** Sources and sinks, made once the service exists (sources feed it). */
  readonly connectors?: (service: WeirService) => {
    readonly sources: readonly Source[];
    readonly sinks: readonly Sink[];
  };
  /** Replays an event file at its own pace (the bundled example). */
  readonly feed?: { readonly path: string } & FeedOptions;
  readonly renderError?: (error: WeirError, text: string, file: string) => string;
  /** Checkpoints into `dir` every `everyMs`, and resumes from the last one on start. */
  readonly checkpoint?: { readonly dir: string; readonly everyMs: number };
  /** Where connector and checkpoint problems are told (stderr in the CLI). */
  readonly report?: (message: string) => void;
}

export interface RunningServe {
  readonly url: string;
  readonly service: WeirService;
  readonly engine: Engine;
  readonly app: FastifyInstance;
  /** The checkpointer, with --checkpoint. */
  readonly checkpointer: Checkpointer | undefined;
  /** Whether the engine was restored from a checkpoint. */
  readonly restored: boolean;
  stop(): Promise<void>;
}

export const DEFAULT_SERVICE_OPTIONS: ServiceOptions = {
  queueCapacity: 200_000,
  sseMaxBufferedBytes: 4 * 1024 * 1024,
  clock: 'event',
  timeField: 'ts',
};

/**
 * The engine: restored from the checkpoint in `dir` when there is one (taken with the same
 * EPL), else new with the module deployed.
 */
function openEngine(config: ServeConfig): { engine: Engine; restored: Checkpoint | undefined } {
  const lateness = config.lateness ?? 0;
  const dir = config.checkpoint?.dir;
  const restored = dir === undefined ? undefined : readCheckpoint(dir);
  if (restored !== undefined && dir !== undefined) {
    if (restored.manifest.epl !== config.epl.text) {
      throw new WeirError(
        'checkpoint/failed',
        `the checkpoint in ${dir} was taken with another EPL module than ${config.epl.file}; serve that module, or remove the checkpoint to start afresh`,
      );
    }
    return { engine: createEngine({ allowedLateness: lateness, restore: restored.snapshot }), restored };
  }
  const engine = createEngine({ allowedLateness: lateness });
  engine.deploy(config.epl.text, { file: config.epl.file });
  if (dir !== undefined) {
    // Fails now, with the statement and its part named, rather than at the first checkpoint.
    assertCheckpointable(engine);
    mkdirSync(dir, { recursive: true });
  }
  return { engine, restored: undefined };
}

/** Throws the engine's WeirErrors for a module with errors, and connector errors, before listening. */
export async function startServe(config: ServeConfig): Promise<RunningServe> {
  const report = config.report ?? ((m: string) => process.stderr.write(`weir serve: ${m}\n`));
  const { engine, restored } = openEngine(config);
  const service = new WeirService(engine, { ...DEFAULT_SERVICE_OPTIONS, ...config.service });
  service.requireCheckpointable = config.checkpoint !== undefined;
  for (const [statement, seq] of Object.entries(restored?.manifest.updateSeq ?? {})) {
    service.updateSeq.set(statement, seq);
  }
  const connectors = config.connectors?.(service);
  for (const sink of connectors?.sinks ?? []) service.addSink(sink);
  for (const source of connectors?.sources ?? []) service.addSource(source);

  const feed =
    config.feed === undefined ? undefined : new ExampleFeed(service, config.feed.path, config.feed);
  const events = await feed?.load();

  try {
    await service.startConnectors((source) => restored?.manifest.sources[source.name]);
  } catch (e) {
    await service.stop();
    throw e;
  }
  const checkpointer =
    config.checkpoint === undefined
      ? undefined
      : new Checkpointer(
          {
            queue: service.queue,
            sources: service.sources,
            sinks: service.sinks,
            updateSeq: service.updateSeq,
            snapshot: () => engine.snapshot(),
          },
          config.checkpoint.dir,
          config.epl.text,
          config.checkpoint.everyMs,
          report,
        );
  checkpointer?.start();
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await startHttpServer(service, {
      ...DEFAULT_HTTP_OPTIONS,
      ...config.http,
      ...(config.renderError === undefined ? {} : { renderError: config.renderError }),
    });
  } catch (e) {
    await service.stop(() => checkpointer?.stop(false) ?? Promise.resolve());
    throw e;
  }
  if (feed !== undefined && events !== undefined) feed.start(events);

  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    service,
    engine,
    app: server.app,
    checkpointer,
    restored: restored !== undefined,
    stop: () => {
      stopping ??= (async () => {
        feed?.stop();
        await service.stop(checkpointer === undefined ? undefined : () => checkpointer.stop(true));
        await server.app.close();
      })();
      return stopping;
    },
  };
}
