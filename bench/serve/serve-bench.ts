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
 * Each figure is measured twice in the same run, with the same clients: against `weir serve`
 * and against bench/serve/hand-service.ts, the same query served by code written for it alone
 * (node:http, JSON.parse, the hand-written sliding-avg baseline, the same NATS client); the
 * ratio is Weir's over the baseline's (for latency, the baseline's over Weir's: above 1 is
 * Weir faster). The client runs in this process, on the same 2 cores as the server.
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

type Start = (extra: string[]) => Promise<{ url: string; child: ChildProcess }>;

/** Starts a server process and resolves with its URL once it prints that it listens. */
function startProcess(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/[^ ]+) /.exec(err);
      if (m?.[1] !== undefined) resolve({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${err}`)));
  });
}

/** `weir serve` as users run it (the built CLI). */
const weir =
  (eplPath: string): Start =>
  (extra) =>
    startProcess(['dist/cli/main.js', 'serve', eplPath, '--port', '0', ...extra]);

/** The hand-written service; Weir's options translated to its own. */
const hand: Start = (extra) => {
  const args = ['--import', 'tsx', 'bench/serve/hand-service.ts'];
  const lateness = extra.indexOf('--lateness');
  if (lateness >= 0)
    args.push('--lateness', String(Number.parseInt(extra[lateness + 1] as string, 10) * 1000));
  const source = extra.indexOf('--source');
  if (source >= 0) args.push('--nats', (extra[source + 1] as string).replace(/\/IN\?.*$/, ''));
  return startProcess(args);
};

async function stop(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function httpIngest(serve: Start): Promise<number> {
  // Concurrent clients deliver batches out of event-time order: 10 s of lateness reorders them.
  const { url, child } = await serve(['--lateness', '10 sec']);
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

async function latency(serve: Start): Promise<{ p50: number; p99: number }> {
  const { url, child } = await serve([]);
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

async function natsThroughput(serve: Start): Promise<number> {
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
    const { child } = await serve([
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
const fmt = (n: number) => Math.round(n).toLocaleString('en');

const rate = await httpIngest(weir(eplPath));
const handRate = await httpIngest(hand);
console.log(
  `HTTP ingest (${BATCHES} × ${BATCH} NDJSON lines, ${CLIENTS} clients): weir ${fmt(rate)} events/s, hand-written ${fmt(handRate)} events/s, ratio ${(rate / handRate).toFixed(2)}`,
);
const lat = await latency(weir(eplPath));
const handLat = await latency(hand);
console.log(
  `POST /events → SSE update (${LATENCY_EVENTS} sequential events): weir p50 ${lat.p50.toFixed(0)} µs, p99 ${lat.p99.toFixed(0)} µs; hand-written p50 ${handLat.p50.toFixed(0)} µs, p99 ${handLat.p99.toFixed(0)} µs; ratio (p50) ${(handLat.p50 / lat.p50).toFixed(2)}`,
);
const nats = await natsThroughput(weir(eplPath));
const handNats = await natsThroughput(hand);
console.log(
  `NATS JetStream source → engine → JetStream sink (${NATS_EVENTS.toLocaleString('en')} events, 1 result per event): weir ${fmt(nats)} events/s, hand-written ${fmt(handNats)} events/s, ratio ${(nats / handNats).toFixed(2)}`,
);
