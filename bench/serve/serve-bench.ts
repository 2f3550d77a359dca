/**
 * `npm run bench:serve`: `weir serve` as users run it (node dist/cli/main.js, a separate
 * process; run `npm run build` first) on one sliding aggregate,
 *
 *   select symbol, avg(price) as avgPrice from StockTick#time(30 sec) group by symbol
 *
 * 100 symbols, one event per millisecond of event time. Three figures:
 *
 * 1. HTTP ingest: POST /events with batches of 1,000 NDJSON lines from 4 concurrent clients
 *    (each answer comes once its events are processed; --lateness 10s, since concurrent batches
 *    arrive out of event-time order), events/s over all batches.
 * 2. Latency: one event per POST, sequentially; time from sending the POST to receiving its
 *    update on the SSE stream (GET /statements/avg/updates); p50 and p99.
 * 3. NATS → engine → NATS: events preloaded in a JetStream stream (100 per message), served
 *    with a JetStream source and sink (one result message per update), events/s from the
 *    moment the server listens until the last result is stored.
 *
 * The client runs in this process, on the same 2 cores as the server.
 *
 *   npm run bench:serve                     defaults below
 *   npm run bench:serve -- --batches 300 --latency 2000 --nats-events 200000
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNats } from '../../test/serve/real-servers.js';

const EPL = `create schema StockTick(symbol string, price double, volume long);
@name('avg') select symbol, avg(price) as avgPrice from StockTick#time(30 sec) group by symbol;
`;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const BATCHES = arg('batches', 300);
const BATCH = 1000;
const CLIENTS = 4;
const LATENCY_EVENTS = arg('latency', 2000);
const NATS_EVENTS = arg('nats-events', 200_000);

function tick(i: number): string {
  const symbol = `S${i % 100}`;
  const price = 100 + ((i * 7919) % 1000) / 100;
  return `{"type":"StockTick","ts":${1_700_000_000_000 + i},"data":{"symbol":"${symbol}","price":${price},"volume":${(i % 50) * 100}}}`;
}

/** Starts `weir serve` and resolves with its URL once it listens. */
function serve(eplPath: string, extra: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli/main.js', 'serve', eplPath, '--port', '0', ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/[^ ]+) /.exec(err);
      if (m?.[1] !== undefined) resolve({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`weir serve exited with ${code}: ${err}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function httpIngest(eplPath: string): Promise<number> {
  // Concurrent clients deliver batches out of event-time order: 10 s of lateness reorders them.
  const { url, child } = await serve(eplPath, ['--lateness', '10 sec']);
  const bodies = Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => tick(b * BATCH + i)).join('\n'),
  );
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as string;
        for (;;) {
          const res = await fetch(`${url}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson' },
            body,
          });
          const answer = (await res.json()) as { accepted?: number };
          if (res.status === 200) {
            accepted += answer.accepted ?? 0;
            break;
          }
          // 429/503: wait as told and send the same batch again.
          await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await stop(child);
  if (accepted !== BATCHES * BATCH) throw new Error(`accepted ${accepted} of ${BATCHES * BATCH}`);
  return accepted / seconds;
}

async function latency(eplPath: string): Promise<{ p50: number; p99: number }> {
  const { url, child } = await serve(eplPath);
  const res = await fetch(`${url}/statements/avg/updates`);
  const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let waiting: ((t: number) => void) | undefined;
  let buffer = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith('data: ')) waiting?.(performance.now());
        end = buffer.indexOf('\n\n');
      }
    }
  })();
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_EVENTS; i++) {
    const got = new Promise<number>((r) => {
      waiting = r;
    });
    const sent = performance.now();
    await fetch(`${url}/events`, { method: 'POST', body: tick(i) }).then((r) => r.arrayBuffer());
    const received = await got;
    if (i >= LATENCY_EVENTS / 10) samples.push((received - sent) * 1000); // µs, after warm-up
  }
  await reader.cancel();
  await stop(child);
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function natsThroughput(eplPath: string): Promise<number> {
  const nats = await startNats();
  try {
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'IN', subjects: ['in.>'] });
    await jsm.streams.add({ name: 'OUT', subjects: ['out.>'] });
    const js = jetstream(nc);
    const perMessage = 100;
    for (let m = 0; m < NATS_EVENTS / perMessage; m++) {
      const lines = Array.from({ length: perMessage }, (_, i) => tick(m * perMessage + i)).join('\n');
      await js.publish('in.ticks', lines);
    }
    const { child } = await serve(eplPath, [
      '--source',
      `${nats.url}/IN?consumer=bench`,
      '--sink',
      `avg=${nats.url}/out.avg`,
    ]);
    const started = performance.now();
    // Every event changes its symbol's group: one update, one result message per event.
    for (;;) {
      const info = await jsm.streams.info('OUT');
      if (info.state.messages >= NATS_EVENTS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - started) / 1000;
    await stop(child);
    await nc.close();
    return NATS_EVENTS / seconds;
  } finally {
    await nats.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'weir-serve-bench-'));
const eplPath = join(dir, 'avg.epl');
writeFileSync(eplPath, EPL);
const rate = await httpIngest(eplPath);
console.log(
  `HTTP ingest (${BATCHES} × ${BATCH} NDJSON lines, ${CLIENTS} clients): ${Math.round(rate).toLocaleString('en')} events/s`,
);
const lat = await latency(eplPath);
console.log(
  `POST /events → SSE update (${LATENCY_EVENTS} sequential events): p50 ${lat.p50.toFixed(0)} µs, p99 ${lat.p99.toFixed(0)} µs`,
);
const nats = await natsThroughput(eplPath);
console.log(
  `NATS JetStream source → engine → JetStream sink (${NATS_EVENTS.toLocaleString('en')} events, 1 result per event): ${Math.round(nats).toLocaleString('en')} events/s`,
);
