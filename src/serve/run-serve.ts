/**
 * `weir serve` as a process: starts the service from the command's options, prints where it
 * listens, and runs until SIGINT or SIGTERM, then stops in order (sources, queue, sinks, HTTP)
 * so no accepted event's results are lost on a clean shutdown.
 */
import type { Writable } from 'node:stream';
import type { WeirError } from '../common/errors.js';
import { createSource, parseSinkSpec } from '../connectors/registry.js';
import { startServe } from './start-serve.js';

export interface ServeCommandOptions {
  readonly eplFile: string;
  readonly eplText: string;
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  readonly allowDeploy: boolean;
  readonly checkpoint?: string;
  readonly checkpointEvery: number;
  readonly sources: readonly string[];
  readonly sinks: readonly string[];
  readonly clock: 'event' | 'wall';
  readonly lateness: number;
  readonly timeField: string;
  readonly type?: string;
  readonly replay?: string;
  readonly replaySpeed?: number;
  readonly bodyLimit: number;
  readonly maxQueue: number;
  readonly maxSseBuffer: number;
}

/** Resolves with the exit code once the server has stopped. Query errors are thrown (WeirErrors) before listening. */
export async function runServe(
  options: ServeCommandOptions,
  io: { readonly stderr: Writable },
  renderError: (error: WeirError, text: string, file: string) => string,
): Promise<number> {
  const report = (message: string) => io.stderr.write(`weir serve: ${message}\n`);
  const running = await startServe({
    epl: { text: options.eplText, file: options.eplFile },
    lateness: options.lateness,
    http: {
      host: options.host,
      port: options.port,
      allowDeploy: options.allowDeploy,
      bodyLimit: options.bodyLimit,
      ...(options.token === undefined ? {} : { token: options.token }),
    },
    service: {
      queueCapacity: options.maxQueue,
      sseMaxBufferedBytes: options.maxSseBuffer,
      clock: options.clock,
      timeField: options.timeField,
    },
    connectors: (service) => {
      const ctx = { target: service, checkpointing: options.checkpoint !== undefined, report };
      return {
        sources: options.sources.map((url) => {
          const withType =
            options.type === undefined || url.includes('type=') ? url : addParam(url, 'type', options.type);
          return createSource(withType, ctx);
        }),
        sinks: options.sinks.map((spec) => parseSinkSpec(spec, report)),
      };
    },
    ...(options.replay === undefined
      ? {}
      : { feed: { path: options.replay, speed: options.replaySpeed ?? 1, loop: true } }),
    renderError,
    report,
    ...(options.checkpoint === undefined
      ? {}
      : { checkpoint: { dir: options.checkpoint, everyMs: options.checkpointEvery } }),
  });
  const names = running.engine.statements().map((s) => s.name);
  if (running.restored) {
    const time = running.engine.stats().currentTime;
    io.stderr.write(
      `weir serve: resumed from the checkpoint in ${options.checkpoint} (event time ${time ?? 'not started'})\n`,
    );
  }
  io.stderr.write(
    `weir serve: listening on ${running.url} (dashboard: ${running.url}/), statements: ${names.join(', ')}${
      options.token === undefined ? '' : '; writes need the bearer token'
    }\n`,
  );
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.stderr.write('weir serve: stopping\n');
  await running.stop();
  return 0;
}

function addParam(url: string, name: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}
