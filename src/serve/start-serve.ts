/**
 * Starts a served engine: deploys the module, attaches the connectors, listens on HTTP and,
 * for the bundled example, replays events. `weir serve` (serve-command.ts) and the tests use
 * it; `stop()` shuts everything down in order (sources, queue, sinks, HTTP).
 */
import type { FastifyInstance } from 'fastify';
import type { WeirError } from '../common/errors.js';
import type { Sink, Source } from '../connectors/connector.js';
import type { Engine } from '../runtime/api.js';
import { createEngine } from '../runtime/engine.js';
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
}

export interface RunningServe {
  readonly url: string;
  readonly service: WeirService;
  readonly engine: Engine;
  readonly app: FastifyInstance;
  stop(): Promise<void>;
}

export const DEFAULT_SERVICE_OPTIONS: ServiceOptions = {
  queueCapacity: 200_000,
  sseMaxBufferedBytes: 4 * 1024 * 1024,
  clock: 'event',
  timeField: 'ts',
};

/** Throws the engine's WeirErrors for a module with errors, and connector errors, before listening. */
export async function startServe(config: ServeConfig): Promise<RunningServe> {
  const engine = createEngine({ allowedLateness: config.lateness ?? 0 });
  engine.deploy(config.epl.text, { file: config.epl.file });
  const service = new WeirService(engine, { ...DEFAULT_SERVICE_OPTIONS, ...config.service });
  const connectors = config.connectors?.(service);
  for (const sink of connectors?.sinks ?? []) service.addSink(sink);
  for (const source of connectors?.sources ?? []) service.addSource(source);

  const feed =
    config.feed === undefined ? undefined : new ExampleFeed(service, config.feed.path, config.feed);
  const events = await feed?.load();

  try {
    await service.startConnectors();
  } catch (e) {
    await service.stop();
    throw e;
  }
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await startHttpServer(service, {
      ...DEFAULT_HTTP_OPTIONS,
      ...config.http,
      ...(config.renderError === undefined ? {} : { renderError: config.renderError }),
    });
  } catch (e) {
    await service.stop();
    throw e;
  }
  if (feed !== undefined && events !== undefined) feed.start(events);

  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    service,
    engine,
    app: server.app,
    stop: () => {
      stopping ??= (async () => {
        feed?.stop();
        await service.stop();
        await server.app.close();
      })();
      return stopping;
    },
  };
}
