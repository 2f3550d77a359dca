/**
 * The MQTT source (QoS 1 subscription, flat events typed by `type=`) and sink (QoS 1 publish)
 * against a real mosquitto broker.
 */
import { type MqttClient, connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttSink } from '../../src/connectors/mqtt-sink.js';
import { MqttSource } from '../../src/connectors/mqtt-source.js';
import type { RunningServe } from '../../src/serve/start-serve.js';
import { type RealServer, startMosquitto } from './real-servers.js';
import { serveForTest } from './start.js';

const EPL = `
create schema Reading(sensor string, celsius double, ts long) timestamp ts;
@name('hot') select sensor, celsius from Reading(celsius > 30);
@name('avg') select sensor, avg(celsius) as mean from Reading#length(2) group by sensor;
`;

let broker: RealServer;
let client: MqttClient;

beforeAll(async () => {
  broker = await startMosquitto();
  client = await connectAsync(broker.url);
});
afterAll(async () => {
  await client?.endAsync();
  await broker?.stop();
});

describe('MQTT connectors (real mosquitto)', () => {
  let running: RunningServe | undefined;

  it('subscribes with QoS 1, processes flat events, and publishes results with QoS 1', async () => {
    const received: { topic: string; body: unknown }[] = [];
    client.on('message', (topic, payload) =>
      received.push({ topic, body: JSON.parse(payload.toString('utf8')) }),
    );
    await client.subscribeAsync('alerts/#', { qos: 1 });
    const reports: string[] = [];
    running = await serveForTest(EPL, {
      connectors: (service) => ({
        sources: [new MqttSource(`${broker.url}/sensors/+?type=Reading`, service, (m) => reports.push(m))],
        sinks: [
          new MqttSink('hot', `${broker.url}/alerts/hot`, (m) => reports.push(m)),
          new MqttSink('avg', `${broker.url}/alerts/avg`, (m) => reports.push(m)),
        ],
      }),
    });
    const publish = (topic: string, body: object | string) =>
      client.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });
    await publish('sensors/a', { sensor: 'a', celsius: 20, ts: 1000 });
    await publish('sensors/b', { sensor: 'b', celsius: 35, ts: 2000 });
    await publish('sensors/a', 'garbage');
    await publish('sensors/a', { sensor: 'a', celsius: 40, ts: 3000 });
    await publish('elsewhere/a', { sensor: 'a', celsius: 99, ts: 4000 }); // not subscribed

    const deadline = Date.now() + 10_000;
    while (received.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const byTopic = (t: string) => received.filter((m) => m.topic === t).map((m) => m.body);
    // Hand-derived: hot passes b (35) and a (40); avg is per sensor over the window of the last two
    // readings of any sensor (at 3000 it holds b35 and a40: a20 has left, so a's mean is 40).
    expect(byTopic('alerts/hot')).toEqual([
      { stmt: 'hot', time: 2000, new: [{ sensor: 'b', celsius: 35 }], old: null },
      { stmt: 'hot', time: 3000, new: [{ sensor: 'a', celsius: 40 }], old: null },
    ]);
    expect(byTopic('alerts/avg')).toEqual([
      { stmt: 'avg', time: 1000, new: [{ sensor: 'a', mean: 20 }], old: null },
      { stmt: 'avg', time: 2000, new: [{ sensor: 'b', mean: 35 }], old: null },
      { stmt: 'avg', time: 3000, new: [{ sensor: 'a', mean: 40 }], old: null },
    ]);
    expect(reports).toEqual([expect.stringContaining('mqtt:sensors/+:sensors/a:1: invalid JSON')]);
    expect(running.service.sources[0]?.counters()).toEqual({ ok: 4, failed: 1 });
    expect(running.service.sinks.map((s) => s.counters())).toEqual([
      { ok: 2, failed: 0 },
      { ok: 3, failed: 0 },
    ]);
    await running.stop();
    running = undefined;
  });

  it('names an unreachable broker and a URL without a topic', async () => {
    const sink = new MqttSink('hot', 'mqtt://127.0.0.1:1/x', () => {});
    const started = sink.start();
    await expect(started).rejects.toMatchObject({ code: 'connector/failed' });
    expect(() => new MqttSink('hot', 'mqtt://127.0.0.1:1883', () => {})).toThrow(/names no topic/);
  });
});
