/**
 * Webhook and exec sinks, and `weir run --alert-webhook/--alert-exec`, against a real local
 * HTTP receiver and real commands.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SinkUpdate } from '../../src/connectors/connector.js';
import { ExecSink } from '../../src/connectors/exec-sink.js';
import { WebhookSink } from '../../src/connectors/webhook-sink.js';
import { runCli } from '../support/run-cli.js';

interface Received {
  readonly id: string | undefined;
  readonly body: unknown;
}

/** A receiver answering each request with the next status of `statuses` (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      if (status === 200)
        got.push({ id: req.headers['weir-update-id'] as string | undefined, body: JSON.parse(body) });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server };
}

const update = (seq: number, v: number): SinkUpdate => ({
  statement: 's',
  time: seq * 1000,
  seq,
  newEvents: [{ v }],
  oldEvents: null,
});

let servers: Server[] = [];
afterEach(() => {
  for (const s of servers) s.close();
  servers = [];
});

describe('webhook sink', () => {
  it('POSTs each update in order, retrying a failed answer, with its update id', async () => {
    const r = await receiver([500, 503]);
    servers.push(r.server);
    const reports: string[] = [];
    const sink = new WebhookSink('s', r.url, { report: (m) => reports.push(m), backoffMs: 10 });
    for (let i = 1; i <= 3; i++) sink.send(update(i, i * 10));
    await sink.flush();
    expect(r.got).toEqual([
      { id: 's:1000:1', body: { stmt: 's', time: 1000, new: [{ v: 10 }], old: null } },
      { id: 's:2000:2', body: { stmt: 's', time: 2000, new: [{ v: 20 }], old: null } },
      { id: 's:3000:3', body: { stmt: 's', time: 3000, new: [{ v: 30 }], old: null } },
    ]);
    expect(sink.counters()).toEqual({ ok: 3, failed: 0 });
    expect(reports).toEqual([]);
  });

  it('counts and reports what it cannot deliver: after its retries, and beyond its queue', async () => {
    const reports: string[] = [];
    const sink = new WebhookSink('s', 'http://127.0.0.1:1/nowhere', {
      report: (m) => reports.push(m),
      retries: 1,
      backoffMs: 5,
      maxQueued: 2,
    });
    for (let i = 1; i <= 4; i++) sink.send(update(i, i));
    await sink.flush();
    // One in flight, two queued, the fourth did not fit.
    expect(sink.counters()).toEqual({ ok: 0, failed: 4 });
    expect(reports.filter((m) => m.includes('queue full'))).toHaveLength(1);
    expect(reports.filter((m) => m.includes('after 2 attempts'))).toHaveLength(3);
    expect(reports[0]).toMatch(/^webhook:http:\/\/127\.0\.0\.1:1\/nowhere: /);
  });
});

describe('exec sink', () => {
  it('runs the command per update with the update on stdin and its id in the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-exec-'));
    const out = join(dir, 'alerts.ndjson');
    const sink = new ExecSink('s', `(printf '%s ' "$WEIR_UPDATE_ID"; cat) >> '${out}'`, { report: () => {} });
    sink.send(update(1, 5));
    sink.send(update(2, 6));
    await sink.flush();
    expect(readFileSync(out, 'utf8')).toBe(
      's:1000:1 {"stmt":"s","time":1000,"new":[{"v":5}],"old":null}\ns:2000:2 {"stmt":"s","time":2000,"new":[{"v":6}],"old":null}\n',
    );
    expect(sink.counters()).toEqual({ ok: 2, failed: 0 });
  });

  it('reports a failing command with its exit code and stderr', async () => {
    const reports: string[] = [];
    const sink = new ExecSink('s', 'echo disk full >&2; exit 3', { report: (m) => reports.push(m) });
    sink.send(update(1, 5));
    await sink.flush();
    expect(sink.counters()).toEqual({ ok: 0, failed: 1 });
    expect(reports).toEqual([
      "exec:echo disk full >&2; exit 3: 'echo disk full >&2; exit 3' exited with 3: disk full (after 1 attempt)",
    ]);
  });
});

describe('weir run --alert-webhook / --alert-exec', () => {
  it('delivers every alert of the example to the webhook and the command', async () => {
    const r = await receiver();
    servers.push(r.server);
    const dir = mkdtempSync(join(tmpdir(), 'weir-alert-'));
    const out = join(dir, 'alerts.ndjson');
    const res = await runCli([
      'run',
      'queries/login-bruteforce/query.epl',
      '--events',
      'queries/login-bruteforce/events.ndjson',
      '--alert-webhook',
      r.url,
      '--alert-exec',
      `cat >> '${out}'`,
      '--quiet',
    ]);
    expect(res.code).toBe(0);
    // The example's README derives these alerts by hand.
    const expected = [
      {
        stmt: 'suspicious-login',
        time: 4000,
        new: [{ user: 'alice', failedFrom: 'US', loggedInFrom: 'FR' }],
        old: null,
      },
      {
        stmt: 'suspicious-login',
        time: 403000,
        new: [
          { user: 'dave', failedFrom: 'UK', loggedInFrom: 'JP' },
          { user: 'dave', failedFrom: 'UK', loggedInFrom: 'JP' },
        ],
        old: null,
      },
    ];
    expect(r.got.map((g) => g.body)).toEqual(expected);
    expect(r.got.map((g) => g.id)).toEqual(['suspicious-login:4000:1', 'suspicious-login:403000:2']);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(expected);
  });

  it('reports undelivered alerts on stderr', async () => {
    const res = await runCli([
      'run',
      'queries/login-bruteforce/query.epl',
      '--events',
      'queries/login-bruteforce/events.ndjson',
      '--alert-exec',
      'exit 1',
      '--quiet',
    ]);
    expect(res.stderr).toContain("weir: alert not delivered: exec:exit 1: 'exit 1' exited with 1");
    expect(res.stderr).toContain('weir: 2 alert(s) not delivered');
  });
});
