/**
 * MQTT sink: `mqtt://host:port/<topic>` publishes each update of its statement as one JSON
 * message with QoS 1 (the broker acknowledges each; unacknowledged publishes are retried by
 * the client on reconnect). At-least-once: after a restore from a checkpoint, updates the
 * crashed process had already published are published again (MQTT has no deduplication).
 */
import { type MqttClient, connectAsync } from 'mqtt';
import { WeirError } from '../common/errors.js';
import type { ConnectorCounters, Sink, SinkUpdate } from './connector.js';
import { DeliveryQueue } from './delivery-queue.js';
import { parseMqttUrl } from './mqtt-url.js';
import { updateJson } from './update-json.js';

export class MqttSink implements Sink {
  readonly name: string;
  private readonly address: ReturnType<typeof parseMqttUrl>;
  private client: MqttClient | undefined;
  private readonly delivery: DeliveryQueue<SinkUpdate>;

  constructor(
    readonly statement: string,
    url: string,
    report: (message: string) => void,
  ) {
    this.address = parseMqttUrl(url, `sink ${url}`);
    this.name = `mqtt:${this.address.topic}`;
    this.delivery = new DeliveryQueue((u) => this.publish(u), {
      concurrency: 64,
      maxQueued: Number.POSITIVE_INFINITY, // bounded by the service, which refuses ingest while a sink is behind
      retries: 3,
      backoffMs: 200,
      onFailure: (reason) => report(`${this.name}: ${reason}`),
    });
  }

  async start(): Promise<void> {
    try {
      this.client = await connectAsync(this.address.server, {
        ...this.address.credentials,
        reconnectPeriod: 1000,
      });
    } catch (e) {
      throw new WeirError(
        'connector/failed',
        `${this.name}: cannot connect to ${this.address.server}: ${(e as Error).message}`,
      );
    }
  }

  send(update: SinkUpdate): void {
    this.delivery.push(update);
  }

  flush(): Promise<void> {
    return this.delivery.flush();
  }

  async stop(): Promise<void> {
    await this.delivery.flush();
    await this.client?.endAsync().catch(() => {});
  }

  counters(): ConnectorCounters {
    return this.delivery.counters();
  }

  pending(): number {
    return this.delivery.pending();
  }

  private async publish(u: SinkUpdate): Promise<void> {
    const client = this.client;
    if (client === undefined) throw new Error('not started');
    await client.publishAsync(this.address.topic, updateJson(u), { qos: 1 });
  }
}
