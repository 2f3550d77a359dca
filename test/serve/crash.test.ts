/**
 * The crash test of issue 14: `weir serve` with a JetStream source, JetStream sinks and
 * --checkpoint, killed with SIGKILL at random moments while events keep arriving, restarted
 * each time; once everything is processed, each sink subject holds exactly the updates of an
 * uninterrupted run (the library engine fed the same events): no gap, no duplicate, same order.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { mulberry32 as random } from '../../bench/generate-data.js';
import { createEngine } from '../../src/runtime/engine.js';
import { storedMessages, useJetStream } from './real-servers.js';

const EPL = `create schema Tick(symbol string, price double, seq long);
@name('big') select symbol, price, seq from Tick(price > 105);
@name('all') select symbol, seq from Tick;
// State across the crashes: the window's contents and its expiry timers come back from the snapshot.
@name('recent') select irstream symbol, seq from Tick#time(500 msec);
// Aggregation groups and a batch window flushed by its timer; prev over grouped windows.
@name('perSymbol') select symbol, count(*) as n, avg(price) as avgPrice from Tick#time_batch(300 msec) group by symbol;
@name('spikes') select symbol, price, prev(1, price) as previous from Tick#groupwin(symbol)#length(2)
  where price > prev(1, price) * 1.03;
// Partial matches and their timer:within deadlines come back too.
@name('rise') select a.seq as first, b.seq as second from pattern [
  every a=Tick -> b=Tick(symbol = a.symbol and price > a.price + 5) where timer:within(200 msec)];
`;
const MESSAGES = 250;
const PER_MESSAGE = 20;
const KILLS = 5;

const f = useJetStream();

function events(): { ts: number; data: { symbol: string; price: number; seq: number } }[] {
  const rnd = random(7);
  return Array.from({ length: MESSAGES * PER_MESSAGE }, (_, i) => ({
    ts: 1_000_000 + i * 10,
    data: { symbol: `S${i % 5}`, price: Math.round(rnd() * 1000) / 100 + 100, seq: i },
  }));
}

/** The uninterrupted run: the library engine, every event in order, one line per listener call. */
function reference(): Map<string, unknown[]> {
  const engine = createEngine();
  engine.deploy(EPL);
  const out = new Map<string, unknown[]>();
  for (const h of engine.statements()) {
    out.set(h.name, []);
    h.subscribe((n, o, ctx) => out.get(h.name)?.push({ stmt: h.name, time: ctx.time, new: n, old: o }));
  }
  for (const e of events()) engine.send('Tick', e.data, e.ts);
  return out;
}

function startServe(eplPath: string, checkpointDir: string, log: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      eplPath,
      '--port',
      '0',
      '--source',
      `${f.nats.url}/IN?consumer=weir&maxUncommitted=60`,
      '--sink',
      `big=${f.nats.url}/out.big`,
      `all=${f.nats.url}/out.all`,
      `recent=${f.nats.url}/out.recent`,
      `rise=${f.nats.url}/out.rise`,
      `perSymbol=${f.nats.url}/out.perSymbol`,
      `spikes=${f.nats.url}/out.spikes`,
      '--checkpoint',
      checkpointDir,
      '--checkpoint-every',
      '50 msec',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString('utf8')));
  return child;
}

/** Resolves when the server says it listens (or has exited). */
function listening(child: ChildProcess, log: string[]): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (log.join('').split('listening on').length > listeningSeen + 1) {
        listeningSeen++;
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(check, 20);
    child.once('exit', () => {
      clearInterval(timer);
      resolve();
    });
  });
}
let listeningSeen = 0;

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else child.once('exit', () => r());
  });
}

describe('crash test: weir serve with JetStream source and sinks and --checkpoint', () => {
  it('ends with exactly the uninterrupted output on the sink subjects after SIGKILLs at random moments', async () => {
    await f.jsm.streams.add({ name: 'IN', subjects: ['in.>'] });
    await f.jsm.streams.add({ name: 'OUT', subjects: ['out.>'] });
    const dir = mkdtempSync(join(tmpdir(), 'weir-crash-'));
    const eplPath = join(dir, 'q.epl');
    writeFileSync(eplPath, EPL);
    const checkpointDir = join(dir, 'checkpoint');

    // Events keep arriving while the server is killed and restarted.
    const js = jetstream(f.nc);
    const all = events();
    const publishing = (async () => {
      for (let m = 0; m < MESSAGES; m++) {
        const lines = all
          .slice(m * PER_MESSAGE, (m + 1) * PER_MESSAGE)
          .map((e) => JSON.stringify({ type: 'Tick', ts: e.ts, data: e.data }));
        await js.publish('in.ticks', lines.join('\n'));
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    const rnd = random(42);
    const log: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const child = startServe(eplPath, checkpointDir, log);
      // The first kill lands while the process starts; the others while it serves.
      if (k > 0) await listening(child, log);
      await new Promise((r) => setTimeout(r, k === 0 ? rnd() * 1000 : 500 + rnd() * 3000));
      child.kill('SIGKILL');
      await exited(child);
    }
    await publishing;

    // The last run is left to finish: every message processed and covered by a checkpoint.
    const last = startServe(eplPath, checkpointDir, log);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const c = await f.jsm.consumers.info('IN', 'weir').catch(() => undefined);
      if (
        c !== undefined &&
        c.num_pending === 0 &&
        c.num_ack_pending === 0 &&
        c.delivered.stream_seq === MESSAGES
      )
        break;
      if (Date.now() > deadline) throw new Error(`the last run did not finish:\n${log.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    last.kill('SIGTERM');
    await exited(last);

    const expected = reference();
    const stored = await storedMessages(f.jsm, 'OUT');
    const subjectMessages = (subject: string) =>
      stored.filter((m) => m.subject === subject).map((m) => m.body);
    expect(subjectMessages('out.big')).toEqual(expected.get('big'));
    expect(subjectMessages('out.all')).toEqual(expected.get('all'));
    expect(subjectMessages('out.recent')).toEqual(expected.get('recent'));
    expect(subjectMessages('out.rise')).toEqual(expected.get('rise'));
    expect(expected.get('rise')?.length).toBeGreaterThan(100);
    expect(subjectMessages('out.perSymbol')).toEqual(expected.get('perSymbol'));
    expect(expected.get('perSymbol')?.length).toBeGreaterThan(100);
    expect(subjectMessages('out.spikes')).toEqual(expected.get('spikes'));
    expect(expected.get('spikes')?.length).toBeGreaterThan(100);
    expect(expected.get('all')).toHaveLength(MESSAGES * PER_MESSAGE);
    // Some restarts resumed from a checkpoint (the kills were not all before the first one).
    expect(
      log.join('').match(/resumed from the checkpoint/g)?.length ?? 0,
      log.join(''),
    ).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
