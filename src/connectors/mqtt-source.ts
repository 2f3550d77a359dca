/**
 * MQTT source: `mqtt://host:port/<topic filter>[?type=T&clientId=…]` subscribes with QoS 1.
 * A message's PUBACK is sent only after the engine has processed its events, so the broker
 * redelivers what a crashed process had not processed (with a persistent session,
 * `clean=false`). Acks are not tied to checkpoints: MQTT has no way to acknowledge later in
 * bulk, so a crash can lose what was processed after the last checkpoint (at-least-once into
 * the engine, not exactly-once across a restore; use the NATS source for that).
 */
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { ConnectorCounters, IngestOutcome, IngestTarget, Source } from './connector.js';
import { connectMqtt, parseMqttUrl } from './mqtt-url.js';

export class MqttSource implements Source {
  readonly name: string;
  private readonly address: ReturnType<typeof parseMqttUrl>;
  private readonly type: string | undefined;
  private client: MqttClient | undefined;
  private taken = 0;
  private failed = 0;

  constructor(
    url: string,
    private readonly target: IngestTarget,
    private readonly report: (message: string) => void,
  ) {
    this.address = parseMqttUrl(url, `source ${url}`);
    this.type = this.address.params.get('type') ?? undefined;
    this.name = `mqtt:${this.address.topic}`;
  }

  counters(): ConnectorCounters {
    return { ok: this.taken, failed: this.failed };
  }

  async start(): Promise<void> {
    const clean = this.address.params.get('clean') !== 'false';
    const clientId = this.address.params.get('clientId');
    const client = await connectMqtt(
      this.address,
      this.name,
      { clean, ...(clientId === null ? {} : { clientId }) },
      this.report,
    );
    this.client = client;
    // The PUBACK goes out when `done` is called: after the events are processed.
    client.handleMessage = (packet: IPublishPacket, done: (error?: Error) => void) => {
      void this.take(packet).then(() => done(), done);
    };
    await client.subscribeAsync(this.address.topic, { qos: 1 });
  }

  private async take(packet: IPublishPacket): Promise<void> {
    while (!this.target.hasRoom(1)) await this.target.idle();
    this.taken++;
    const text = packet.payload;
    try {
      const outcome = await this.target.ingestText(text, `${this.name}:${packet.topic}`, this.type);
      if (outcome.malformed.length > 0) {
        this.failed++;
        this.report(
          `${outcome.malformed[0]?.message}${outcome.malformed.length > 1 ? ` (and ${outcome.malformed.length - 1} more)` : ''}`,
        );
      }
    } catch (e) {
      this.failed++;
      this.report(`${this.name}: message on ${packet.topic} not processed: ${(e as Error).message}`);
    }
  }

  position(): unknown {
    return undefined;
  }

  mark(): unknown {
    return undefined;
  }

  async commit(): Promise<void> {}

  async stop(): Promise<void> {
    await this.client?.endAsync().catch(() => {});
  }
}
