import { type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSink } from '../../src/connectors/registry.js';
import type { ReadItem } from '../../src/io/event-record.js';
import { createEngine } from '../../src/runtime/engine.js';
import { IngestQueue } from '../../src/serve/ingest-queue.js';
import type { RunningServe } from '../../src/serve/start-serve.js';
import { serveForTest } from './start.js';

const EPL = `
create schema T(k string, v long);
@name('all') select k, v, 'padding to make each update a few hundred bytes long' as pad from T;
`;

type ErrorAnswer = { error: { code: string; message: string } };

let running: RunningServe | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function items(n: number, from = 0): ReadItem[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'T',
    timestamp: from + i,
    event: { k: `k${i % 7}`, v: from + i },
    file: 'test',
    line: i + 1,
  }));
}

describe('weir serve: backpressure, never silent loss', () => {
  it('refuses a payload that does not fit the ingest queue, and processes what it took in order', async () => {
    const engine = createEngine();
    engine.deploy(EPL);
    const seen: number[] = [];
    engine.statement('all')?.subscribe((n) => seen.push(...(n ?? []).map((r) => r.v as number)));
    const queue = new IngestQueue(engine, 10);
    const first = queue.offer(items(10));
    expect(queue.hasRoom(1)).toBe(false);
    await expect(queue.offer(items(1, 10))).rejects.toMatchObject({ code: 'serve/overloaded' });
    expect(queue.totals.refused).toBe(1);
    // Alone, a payload larger than the capacity still passes (every body under the limit can).
    expect((await first).accepted).toBe(10);
    expect((await queue.offer(items(25, 10))).accepted).toBe(25);
    expect(seen).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(queue.totals).toMatchObject({ received: 35, accepted: 35, late: 0, malformed: 0 });
  });

  it('answers 503 with Retry-After while a sink is behind, then takes the retry', async () => {
    // A webhook receiver that holds every request until released.
    const held: ServerResponse[] = [];
    let release = false;
    const receiver = createServer((req, res) => {
      req.resume();
      if (release) res.end('ok');
      else held.push(res);
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    running = await serveForTest(EPL, {
      service: { queueCapacity: 5 },
      connectors: () => ({ sources: [], sinks: [createSink('all', hook, () => {})] }),
    });
    const body = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({ type: 'T', ts: from + i, data: { k: 'a', v: from + i } }),
      ).join('\n');
    const post = (text: string) =>
      fetch(`${running?.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: text,
      });
    expect((await post(body(0, 8))).status).toBe(200);
    const refused = await post(body(8, 1));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const { error } = (await refused.json()) as ErrorAnswer;
    expect(error.code).toBe('serve/overloaded');
    expect(error.message).toContain(`sink webhook:${hook} is behind`);
    release = true;
    for (const res of held.splice(0)) res.end('ok');
    await running.service.sinks[0]?.flush();
    expect((await post(body(8, 1))).status).toBe(200);
    await running.service.sinks[0]?.flush();
    expect(running.service.sinks[0]?.counters()).toEqual({ ok: 9, failed: 0 });
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('weir_ingest_refused_total 1');
    await running.stop();
    running = undefined;
    receiver.close();
  });

  it('answers 429 with Retry-After beyond the concurrent ingest requests allowed', async () => {
    running = await serveForTest(EPL, { http: { maxConcurrentIngest: 1 } });
    const { port, hostname } = new URL(running.url);
    // A request whose body never finishes holds the one slot.
    const slow = connect(Number(port), hostname);
    await new Promise<void>((r) => slow.once('connect', () => r()));
    slow.write(
      `POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n{"type"`,
    );
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${running.url}/events`, { method: 'POST', body: '' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as ErrorAnswer).error.code).toBe('serve/too-many-requests');
    slow.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const after = await fetch(`${running.url}/events`, { method: 'POST', body: '' });
    expect(after.status).toBe(200);
  });

  it('drops an SSE subscriber that does not read, counts it, and never blocks the engine', async () => {
    running = await serveForTest(EPL, { service: { sseMaxBufferedBytes: 64 * 1024 } });
    const { port, hostname } = new URL(running.url);
    const reader = connect(Number(port), hostname);
    await new Promise<void>((r) => reader.once('connect', () => r()));
    reader.write('GET /updates HTTP/1.1\r\nHost: x\r\n\r\n');
    reader.pause(); // never reads: the kernel buffers fill, then the server's
    let closed = false;
    reader.on('close', () => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(running.service.sse.count).toBe(1);
    // ~40 MB of updates: far beyond the socket buffers and the 64 KiB allowance.
    for (let round = 0; round < 10 && running.service.sse.dropped === 0; round++) {
      await running.service.ingest(items(20_000, round * 20_000));
    }
    expect(running.service.sse.dropped).toBe(1);
    expect(running.service.sse.count).toBe(0);
    expect(running.engine.statement('all')?.stats().eventsIn).toBeGreaterThan(0);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('weir_sse_dropped_total 1');
    await new Promise((r) => setTimeout(r, 50));
    reader.resume();
    await new Promise((r) => setTimeout(r, 50));
    expect(closed || reader.destroyed).toBe(true);
    reader.destroy();
  });
});
