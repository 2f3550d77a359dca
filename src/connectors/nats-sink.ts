import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
/**
 * NATS JetStream sink: `nats://host:port/<subject>` publishes each update of its statement as
 * one JSON message (`{"stmt","time","new","old"}`) to the subject, which a JetStream stream
 * must capture. Each message carries the id `statement:time:sequence` (`Nats-Msg-Id`): after a
 * crash and a restore from a checkpoint, the engine produces the same updates with the same
 * ids, and JetStream's duplicate window drops those already stored, so the subject receives
 * every update exactly once (provided the restart comes within the stream's duplicate window,
 * 2 minutes by default).
 *
 * Publishes are pipelined on one connection (order is kept) and each waits for the server's
 * acknowledgement; `flush()` resolves when all are stored, which a checkpoint awaits before it
 * is committed.
 */
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { WeirError } from '../common/errors.js';
import type { ConnectorCounters, Sink, SinkUpdate } from './connector.js';
import { DeliveryQueue } from './delivery-queue.js';
import { intParam, parseNatsUrl } from './nats-url.js';
import { updateId, updateJson } from './update-json.js';

export class NatsSink implements Sink {
  readonly name: string;
  private readonly address: ReturnType<typeof parseNatsUrl>;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private readonly delivery: DeliveryQueue<SinkUpdate>;
  duplicates = 0;

  constructor(
    readonly statement: string,
    url: string,
    report: (message: string) => void,
  ) {
    const what = `sink ${url}`;
    this.address = parseNatsUrl(url, what);
    this.name = `nats:${this.address.path}`;
    this.delivery = new DeliveryQueue((u) => this.publish(u), {
      concurrency: intParam(this.address.params, 'inflight', 256, what),
      maxQueued: Number.POSITIVE_INFINITY, // bounded by the service, which refuses ingest while a sink is behind
      retries: 5,
      backoffMs: 200,
      onFailure: (reason) => report(`${this.name}: ${reason}`),
    });
  }

  async start(): Promise<void> {
    try {
      this.nc = await connect({
        servers: this.address.server,
        ...(this.address.user === undefined ? {} : { user: this.address.user, pass: this.address.pass }),
      });
    } catch (e) {
      throw new WeirError(
        'connector/failed',
        `${this.name}: cannot connect to ${this.address.server}: ${(e as Error).message}`,
      );
    }
    this.js = jetstream(this.nc);
  }

  send(update: SinkUpdate): void {
    this.delivery.push(update);
  }

  flush(): Promise<void> {
    return this.delivery.flush();
  }

  async stop(): Promise<void> {
    await this.delivery.flush();
    await this.nc?.drain().catch(() => {});
  }

  counters(): ConnectorCounters {
    return this.delivery.counters();
  }

  pending(): number {
    return this.delivery.pending();
  }

  private async publish(u: SinkUpdate): Promise<void> {
    const js = this.js;
    if (js === undefined) throw new Error('not started');
    const ack = await js.publish(this.address.path, updateJson(u), { msgID: updateId(u) });
    if (ack.duplicate) this.duplicates++;
  }
}
