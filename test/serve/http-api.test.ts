import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServe } from '../../src/serve/start-serve.js';
import { runCli } from '../support/run-cli.js';
import { openSse } from './sse-client.js';
import { ndjson, serveForTest } from './start.js';

const EPL = `
create schema T(k string, v long);
@name('big') select k, v from T(v > 1);
@name('last') select irstream v from T#length(1);
`;

const ev = (ts: number, k: string, v: number) => ({ type: 'T', ts, data: { k, v } });

let running: RunningServe | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${running?.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

describe('weir serve: HTTP API', () => {
  it('binds 127.0.0.1 by default and answers /healthz', async () => {
    running = await serveForTest(EPL);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await (await fetch(`${running.url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', statements: 2, queuedEvents: 0 });
  });

  it('ingests NDJSON and streams each listener call over SSE in the updates shape', async () => {
    running = await serveForTest(EPL);
    const big = await openSse(`${running.url}/statements/big/updates`);
    const all = await openSse(`${running.url}/updates`);
    const res = await post('/events', ndjson([ev(1000, 'a', 1), ev(2000, 'b', 2), ev(3000, 'c', 3)]));
    expect(res).toMatchObject({ status: 200, body: { accepted: 3, late: 0, malformed: 0, errors: [] } });
    // T(v > 1) passes b and c; the length(1) window posts each arrival with the evicted event (Esper).
    expect(await big.take(2)).toEqual([
      { stmt: 'big', time: 2000, new: [{ k: 'b', v: 2 }], old: null },
      { stmt: 'big', time: 3000, new: [{ k: 'c', v: 3 }], old: null },
    ]);
    const updates = (await all.take(5)) as { stmt: string }[];
    expect(updates.filter((u) => u.stmt === 'last')).toEqual([
      { stmt: 'last', time: 1000, new: [{ v: 1 }], old: null },
      { stmt: 'last', time: 2000, new: [{ v: 2 }], old: [{ v: 1 }] },
      { stmt: 'last', time: 3000, new: [{ v: 3 }], old: [{ v: 2 }] },
    ]);
    // Exactly what `weir run --format updates` prints for the same module and events.
    const dir = mkdtempSync(join(tmpdir(), 'weir-serve-updates-'));
    writeFileSync(join(dir, 'q.epl'), EPL);
    writeFileSync(join(dir, 'e.ndjson'), ndjson([ev(1000, 'a', 1), ev(2000, 'b', 2), ev(3000, 'c', 3)]));
    const run = await runCli(['run', 'q.epl', '--events', 'e.ndjson', '--format', 'updates'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(updates).toEqual(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    );
    big.close();
    all.close();
  });

  it('takes a JSON array and flat events typed by ?type=, and names malformed lines', async () => {
    running = await serveForTest(EPL);
    const array = JSON.stringify([
      ev(1000, 'a', 2),
      { type: 'T', ts: 'soon', data: { k: 'x', v: 1 } },
      ev(2000, 'b', 5),
    ]);
    const res = await post('/events', array, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, late: 0, malformed: 1 });
    expect(res.body.errors).toEqual([
      {
        line: 2,
        code: 'io/malformed-event-line',
        message: 'POST /events:2: "ts" must be a number of milliseconds, got "soon"',
      },
    ]);
    const flat = await post(
      '/events?type=T',
      '{"k":"f","v":7,"ts":3000}\n\n{"k":"g","v":"seven","ts":4000}\n',
    );
    expect(flat.body).toMatchObject({ accepted: 1, malformed: 1 });
    expect(flat.body.errors[0]).toMatchObject({ line: 3, code: 'runtime/invalid-event' });
    expect(running.engine.statement('big')?.stats().rowsOut).toBe(3);
  });

  it('answers 400 when no line is an event, and counts late events', async () => {
    running = await serveForTest(EPL);
    const bad = await post('/events', 'nope\n{"type":"Nope","ts":1,"data":{}}');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { code: string }) => e.code)).toEqual([
      'io/malformed-event-line',
      'io/unknown-event-type',
    ]);
    await post('/events', ndjson([ev(5000, 'a', 1)]));
    const late = await post('/events', ndjson([ev(4000, 'a', 1), ev(6000, 'b', 1)]));
    expect(late.body).toMatchObject({ accepted: 1, late: 1, malformed: 0 });
  });

  it('protects writes with the bearer token, leaving reads open', async () => {
    running = await serveForTest(EPL, { http: { token: 's3cret', allowDeploy: true } });
    const body = ndjson([ev(1000, 'a', 2)]);
    for (const headers of [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: 'Basic s3cret' },
    ] as Record<string, string>[]) {
      const res = await post('/events', body, headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        error: { code: 'serve/unauthorized', message: 'missing or wrong bearer token' },
      });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await post('/statements', 'select 1 from T')).status).toBe(401);
    const del = await fetch(`${running.url}/statements/big`, { method: 'DELETE' });
    expect(del.status).toBe(401);
    expect((await post('/events', body, { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await fetch(`${running.url}/statements`)).status).toBe(200);
    expect(running.engine.stats().eventsIn).toBe(1);
  });

  it('deploys and undeploys over HTTP only with allowDeploy, answering like weir check on errors', async () => {
    running = await serveForTest(EPL);
    const refused = await post('/statements', "@name('n') select k from T", { 'content-type': 'text/plain' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('serve/deploy-disabled');
    expect((await fetch(`${running.url}/statements/big`, { method: 'DELETE' })).status).toBe(403);
    await running.stop();

    running = await serveForTest(EPL, { http: { allowDeploy: true } });
    const ok = await post('/statements', JSON.stringify({ epl: "@name('n') select k from T(v = 9)" }), {
      'content-type': 'application/json',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject([{ name: 'n', columns: ['k'], isPattern: false }]);
    const sse = await openSse(`${running.url}/statements/n/updates`);
    await post('/events', ndjson([ev(1000, 'x', 9), ev(2000, 'y', 8)]));
    expect(await sse.take(1)).toEqual([{ stmt: 'n', time: 1000, new: [{ k: 'x' }], old: null }]);
    sse.close();

    const bad = await post('/statements', 'select k\nform T', { 'content-type': 'text/plain' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('parse/unexpected-token');
    expect(bad.body.errors[0]).toMatchObject({ code: 'parse/unexpected-token', line: 2, column: 1 });

    expect((await fetch(`${running.url}/statements/n`, { method: 'DELETE' })).status).toBe(204);
    const gone = await fetch(`${running.url}/statements/n`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({
      error: { code: 'runtime/unknown-statement', message: "no statement named 'n'" },
    });
    expect((await fetch(`${running.url}/statements/n`, { method: 'DELETE' })).status).toBe(404);
  });

  it('limits the body size, checks the media type, and answers unknown routes with JSON', async () => {
    running = await serveForTest(EPL, { http: { bodyLimit: 1024 } });
    const big = await post('/events', ndjson(Array.from({ length: 50 }, (_, i) => ev(i, 'a', i))));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('serve/payload-too-large');
    const xml = await post('/events', '<e/>', { 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
    expect(xml.body.error.code).toBe('serve/unsupported-media-type');
    const missing = await fetch(`${running.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'serve/not-found', message: 'no route GET /nope' },
    });
    const sse = await fetch(`${running.url}/statements/nope/updates`);
    expect(sse.status).toBe(404);
    expect(((await sse.json()) as { error: { code: string } }).error.code).toBe('runtime/unknown-statement');
  });

  it('lists statements with their stats and exposes Prometheus metrics', async () => {
    running = await serveForTest(EPL);
    await post('/events', `${ndjson([ev(1000, 'a', 1), ev(2000, 'b', 2)])}\nbad`);
    const list = (await (await fetch(`${running.url}/statements`)).json()) as {
      name: string;
      stats: object;
    }[];
    expect(list.map((s) => s.name)).toEqual(['big', 'last']);
    expect(list[1]?.stats).toMatchObject({ rowsOut: 3, updates: 2, windowSize: 1 });
    const before = Date.now();
    const res = await fetch(`${running.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const sample = (line: string) => expect(text.split('\n')).toContain(line);
    sample('weir_events_received_total 3');
    sample('weir_events_accepted_total 2');
    sample('weir_events_malformed_total 1');
    sample('weir_events_late_total 0');
    sample('weir_statement_rows_out_total{statement="big"} 1');
    sample('weir_statement_rows_out_total{statement="last"} 3');
    sample('weir_statement_updates_total{statement="last"} 2');
    sample('weir_statement_state_size{statement="last"} 1');
    sample('weir_event_time_ms 2000');
    // Wall clock minus event time, read while the request was answered.
    const lag = Number(/^weir_event_time_lag_ms (\d+)$/m.exec(text)?.[1]);
    expect(lag).toBeGreaterThanOrEqual(before - 2000);
    expect(lag).toBeLessThanOrEqual(Date.now() - 2000);
    expect(text).toContain('# TYPE weir_sse_dropped_total counter');
  });
});
