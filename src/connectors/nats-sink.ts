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
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { SinkUpdate } from './connector.js';
import { connectNats, intParam, parseNatsUrl } from './nats-url.js';
import { QueuedSink } from './queued-sink.js';
import { updateId, updateJson } from './update-json.js';

export class NatsSink extends QueuedSink {
  private readonly address: ReturnType<typeof parseNatsUrl>;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  /** Publishes JetStream reported as duplicates (re-sent after a restore). */
  duplicates = 0;

  constructor(statement: string, url: string, report: (message: string) => void) {
    const address = parseNatsUrl(url, `sink ${url}`);
    super(
      `nats:${address.path}`,
      statement,
      {
        concurrency: intParam(address.params, 'inflight', 256, `sink ${url}`),
        maxQueued: Number.POSITIVE_INFINITY, // bounded by the service, which refuses ingest while a sink is behind
        retries: 5,
        backoffMs: 200,
      },
      report,
    );
    this.address = address;
  }

  override async start(): Promise<void> {
    this.nc = await connectNats(this.address, this.name);
    this.js = jetstream(this.nc);
  }

  protected override async close(): Promise<void> {
    await this.nc?.drain().catch(() => {});
  }

  protected async deliver(u: SinkUpdate): Promise<void> {
    if (this.js === undefined) throw new Error('not started');
    const ack = await this.js.publish(this.address.path, updateJson(u), { msgID: updateId(u) });
    if (ack.duplicate) this.duplicates++;
  }
}
