/**
 * The NATS JetStream source and sink against a real nats-server (-js): events published to a
 * stream reach the engine through a durable consumer with explicit acks, results land on a
 * subject captured by a stream, each with its message id, and a republished update (what a
 * restore does) is dropped by JetStream's duplicate window.
 */
import { jetstream } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { NatsSink } from '../../src/connectors/nats-sink.js';
import { NatsSource } from '../../src/connectors/nats-source.js';
import type { RunningServe } from '../../src/serve/start-serve.js';
import { storedMessages, useJetStream } from './real-servers.js';
import { serveForTest } from './start.js';

const EPL = `
create schema Purchase(id string, amount double);
@name('big') select id, amount from Purchase(amount >= 100);
@name('total') select count(*) as n, sum(amount) as total from Purchase#length(3);
`;

const f = useJetStream();

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const order = (ts: number, id: string, amount: number) =>
  JSON.stringify({ type: 'Purchase', ts, data: { id, amount } });

describe('NATS JetStream connectors (real nats-server)', () => {
  let running: RunningServe | undefined;

  it('reads a durable consumer with explicit acks and publishes results with message ids', async () => {
    await f.jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
    await f.jsm.streams.add({ name: 'RESULTS', subjects: ['results.>'] });
    const js = jetstream(f.nc);
    // One message holding two NDJSON lines, one with one event, one malformed, one flat event.
    await js.publish('orders.eu', `${order(1000, 'a', 50)}\n${order(2000, 'b', 150)}`);
    await js.publish('orders.us', order(3000, 'c', 100));
    await js.publish('orders.us', 'not json');
    await js.publish('orders.us', order(4000, 'd', 10));

    const reports: string[] = [];
    running = await serveForTest(EPL, {
      connectors: (service) => ({
        sources: [
          new NatsSource(`${f.nats.url}/ORDERS?consumer=weir`, service, false, (m) => reports.push(m)),
        ],
        sinks: [
          new NatsSink('big', `${f.nats.url}/results.big`, (m) => reports.push(m)),
          new NatsSink('total', `${f.nats.url}/results.total`, (m) => reports.push(m)),
        ],
      }),
    });
    await waitFor('6 results', async () => (await f.jsm.streams.info('RESULTS')).state.messages === 6);
    // Each sink keeps its statement's order; the two subjects interleave freely.
    const stored = (await storedMessages(f.jsm, 'RESULTS')).sort((x, y) =>
      (x.id ?? '').localeCompare(y.id ?? ''),
    );
    // Hand-derived: big passes b (150) and c (100); total posts each arrival over the last 3 orders.
    expect(stored).toEqual([
      {
        subject: 'results.big',
        id: 'big:2000:1',
        body: { stmt: 'big', time: 2000, new: [{ id: 'b', amount: 150 }], old: null },
      },
      {
        subject: 'results.big',
        id: 'big:3000:2',
        body: { stmt: 'big', time: 3000, new: [{ id: 'c', amount: 100 }], old: null },
      },
      {
        subject: 'results.total',
        id: 'total:1000:1',
        body: { stmt: 'total', time: 1000, new: [{ n: 1, total: 50 }], old: null },
      },
      {
        subject: 'results.total',
        id: 'total:2000:2',
        body: { stmt: 'total', time: 2000, new: [{ n: 2, total: 200 }], old: null },
      },
      {
        subject: 'results.total',
        id: 'total:3000:3',
        body: { stmt: 'total', time: 3000, new: [{ n: 3, total: 300 }], old: null },
      },
      {
        subject: 'results.total',
        id: 'total:4000:4',
        body: { stmt: 'total', time: 4000, new: [{ n: 3, total: 260 }], old: null },
      },
    ]);
    // Every message acknowledged once processed (no checkpoint): nothing pending, floor at the last.
    await waitFor('acks', async () => (await f.jsm.consumers.info('ORDERS', 'weir')).num_ack_pending === 0);
    const consumer = await f.jsm.consumers.info('ORDERS', 'weir');
    expect(consumer.ack_floor.stream_seq).toBe(4);
    expect(consumer.config.ack_policy).toBe('explicit');
    expect(reports).toEqual([expect.stringContaining('nats:ORDERS/weir#3:1: invalid JSON')]);
    expect(running.service.sources[0]?.counters()).toEqual({ ok: 4, failed: 1 });
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toContain('weir_sink_delivered_total{connector="nats:results.total"} 4');
    expect(metrics).toContain('weir_source_messages_total{connector="nats:ORDERS/weir"} 4');
    await running.stop();
    running = undefined;
  });

  it('resumes after the acknowledged floor, and the duplicate window drops a republished update', async () => {
    const js = jetstream(f.nc);
    await js.publish('orders.eu', order(5000, 'e', 500));
    running = await serveForTest(EPL, {
      connectors: (service) => ({
        sources: [new NatsSource(`${f.nats.url}/ORDERS?consumer=weir`, service, false, () => {})],
        sinks: [],
      }),
    });
    const big = running.engine.statement('big');
    await waitFor('order e', async () => big?.stats().rowsOut === 1);
    // Only e: the four earlier messages were acknowledged by the first run.
    expect(running.engine.stats().eventsIn).toBe(1);
    await running.stop();
    running = undefined;

    const sink = new NatsSink('big', `${f.nats.url}/results.big`, () => {});
    await sink.start();
    // The same update again (same statement, time and sequence → same id), as after a restore.
    sink.send({
      statement: 'big',
      time: 3000,
      seq: 2,
      newEvents: [{ id: 'c', amount: 100 }],
      oldEvents: null,
    });
    sink.send({
      statement: 'big',
      time: 5000,
      seq: 3,
      newEvents: [{ id: 'e', amount: 500 }],
      oldEvents: null,
    });
    await sink.flush();
    await sink.stop();
    expect(sink.duplicates).toBe(1);
    const ids = (await storedMessages(f.jsm, 'RESULTS')).map((m) => m.id).sort();
    expect(ids).toEqual([
      'big:2000:1',
      'big:3000:2',
      'big:5000:3',
      'total:1000:1',
      'total:2000:2',
      'total:3000:3',
      'total:4000:4',
    ]);
  });

  it('names a missing stream and an unreachable server', async () => {
    const source = new NatsSource(
      `${f.nats.url}/NOPE`,
      {
        ingestText: async () => ({ accepted: 0, late: 0, malformed: [] }),
        hasRoom: () => true,
        idle: async () => {},
      },
      true,
      () => {},
    );
    await expect(source.start(undefined)).rejects.toMatchObject({
      code: 'connector/failed',
      message: expect.stringContaining("no JetStream stream 'NOPE'"),
    });
    const sink = new NatsSink('big', 'nats://127.0.0.1:1/x', () => {});
    await expect(sink.start()).rejects.toMatchObject({
      code: 'connector/failed',
      message: expect.stringContaining('cannot connect to nats://127.0.0.1:1'),
    });
  });
});
