/**
 * `weir serve` with no arguments, as a new user first runs it: a real process serving the
 * bundled queries/stock-ticker module and replaying its events at their own pace, so the
 * dashboard moves. Its updates must be those of the library engine fed the same file, arriving
 * at the file's pace (not all at once); SIGTERM stops it cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/runtime/engine.js';
import { openSse } from './sse-client.js';

const DIR = 'queries/stock-ticker';

/** The first `n` listener calls of `statement` in an uninterrupted library run of the example. */
function libraryUpdates(statement: string, n: number): unknown[] {
  const engine = createEngine();
  engine.deploy(readFileSync(`${DIR}/query.epl`, 'utf8'));
  const out: unknown[] = [];
  engine
    .statement(statement)
    ?.subscribe((nw, old, ctx) => out.push({ stmt: statement, time: ctx.time, new: nw, old }));
  const lines = readFileSync(`${DIR}/events.ndjson`, 'utf8').trim().split('\n');
  for (const line of lines) {
    const e = JSON.parse(line) as { type: string; ts: number; data: Record<string, unknown> };
    engine.send(e.type, e.data, e.ts);
  }
  return out.slice(0, n);
}

let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('npx weir serve (no arguments)', () => {
  it('serves the stock-ticker example and replays its events at their own pace', async () => {
    // --port 0: any free port (the default, 8080, may be taken on a test machine).
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const proc = child;
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening after 20 s:\n${stderr}`)), 20_000);
      proc.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stderr);
        if (m?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      proc.once('exit', (code) => reject(new Error(`exited with ${code}:\n${stderr}`)));
    });
    expect(stderr).toContain('statements: moving-avg, spikes, volume-5s');

    const sse = await openSse(`${url}/statements/moving-avg/updates`);
    const first = await sse.take(1, 10_000);
    const firstAt = performance.now();
    const three = await sse.take(3, 10_000);
    const elapsed = performance.now() - firstAt;
    sse.close();
    // The SSE stream joined mid-replay: its updates are a run of the library's, in order.
    const expected = libraryUpdates('moving-avg', 40);
    const at = expected.findIndex((u) => JSON.stringify(u) === JSON.stringify(first[0]));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(three).toEqual(expected.slice(at, at + 3));
    // At the file's pace: two more updates took (nearly) their event-time distance in wall time.
    const times = three.map((u) => (u as { time: number }).time);
    expect(elapsed).toBeGreaterThan(((times[2] as number) - (times[0] as number)) * 0.8);

    // The dashboard is served, and the replay has not dumped the whole file at once.
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/dashboard/dashboard.js');
    const stats = (await (await fetch(`${url}/statements/moving-avg`)).json()) as {
      stats: { eventsIn: number };
    };
    expect(stats.stats.eventsIn).toBeLessThan(40);

    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('weir serve: stopping');
  }, 40_000);
});
