/**
 * MQTT sink: `mqtt://host:port/<topic>` publishes each update of its statement as one JSON
 * message with QoS 1 (the broker acknowledges each; unacknowledged publishes are retried).
 * At-least-once: after a restore from a checkpoint, updates the crashed process had already
 * published are published again (MQTT has no deduplication).
 */
import type { MqttClient } from 'mqtt';
import type { SinkUpdate } from './connector.js';
import { connectMqtt, parseMqttUrl } from './mqtt-url.js';
import { QueuedSink } from './queued-sink.js';
import { updateJson } from './update-json.js';

export class MqttSink extends QueuedSink {
  private readonly address: ReturnType<typeof parseMqttUrl>;
  private client: MqttClient | undefined;

  constructor(statement: string, url: string, report: (message: string) => void) {
    const address = parseMqttUrl(url, `sink ${url}`);
    super(
      `mqtt:${address.topic}`,
      statement,
      { concurrency: 64, maxQueued: Number.POSITIVE_INFINITY, retries: 3, backoffMs: 200 },
      report,
    );
    this.address = address;
  }

  override async start(): Promise<void> {
    this.client = await connectMqtt(this.address, this.name, {}, this.report);
  }

  protected override async close(): Promise<void> {
    await this.client?.endAsync().catch(() => {});
  }

  protected async deliver(u: SinkUpdate): Promise<void> {
    if (this.client === undefined) throw new Error('not started');
    await this.client.publishAsync(this.address.topic, updateJson(u), { qos: 1 });
  }
}
