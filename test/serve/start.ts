/** Starts a served engine in-process on a free 127.0.0.1 port for a test. */
import { type RunningServe, type ServeConfig, startServe } from '../../src/serve/start-serve.js';

export async function serveForTest(epl: string, config: Partial<ServeConfig> = {}): Promise<RunningServe> {
  return startServe({
    epl: { text: epl, file: 'test.epl' },
    ...config,
    http: { port: 0, ...config.http },
  });
}

export function ndjson(
  events: readonly { type: string; ts: number; data: Record<string, unknown> }[],
): string {
  return events.map((e) => JSON.stringify(e)).join('\n');
}
