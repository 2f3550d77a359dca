import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
/**
 * NATS JetStream source: `nats://host:port/STREAM?consumer=weir[&subject=orders.>][&type=T]`.
 *
 * Reads a durable pull consumer with explicit acks. Each message holds NDJSON or a JSON array
 * of events (or one flat event with `type`). Delivery guarantee:
 * - with a checkpoint (`--checkpoint`): a message is acknowledged only once a checkpoint that
 *   holds its effects is on disk (`commit`). On start the consumer is (re)created at the
 *   stream sequence after the last one the restored checkpoint holds, so messages the crashed
 *   process had taken but not checkpointed are delivered again, in stream order, and none that
 *   the checkpoint holds is processed twice.
 * - without one: a message is acknowledged once the engine has processed it; on start the
 *   consumer resumes after its acknowledged floor.
 * Messages are taken only while the ingest queue has room, and with checkpoints while fewer
 * than `maxUncommitted` (default 1,000) wait for one (backpressure reaches the server through
 * the consumer's `max_ack_pending`).
 */
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { WeirError } from '../common/errors.js';
import type { ConnectorCounters, IngestOutcome, IngestTarget, Source, SourceMark } from './connector.js';
import { connectNats, intParam, parseNatsUrl } from './nats-url.js';

export interface NatsSourcePosition {
  /** The last stream sequence whose events a checkpoint holds. */
  readonly streamSeq: number;
}

export class NatsSource implements Source {
  readonly name: string;
  private readonly address: ReturnType<typeof parseNatsUrl>;
  private readonly consumer: string;
  private readonly subject: string | undefined;
  private readonly type: string | undefined;
  private readonly maxAckPending: number;
  /** With checkpoints: most messages taken and not yet acknowledged (bounds a checkpoint's work). */
  private readonly maxUncommitted: number;
  private acked = 0;
  private wakeOnCommit: (() => void) | undefined;
  private stopping = false;
  private nc: NatsConnection | undefined;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  /** Processed, not yet acknowledged (checkpoint mode), in stream order. */
  private unacked: JsMsg[] = [];
  /** The last stream sequence taken from the consumer, and the last one the engine processed. */
  private lastTaken = 0;
  private lastProcessed = 0;
  private taken = 0;
  private failed = 0;

  constructor(
    url: string,
    private readonly target: IngestTarget,
    /** Acknowledge at checkpoints (true) or as soon as processed. */
    private readonly ackOnCheckpoint: boolean,
    private readonly report: (message: string) => void,
  ) {
    const what = `source ${url}`;
    this.address = parseNatsUrl(url, what);
    this.consumer = this.address.params.get('consumer') ?? 'weir';
    this.subject = this.address.params.get('subject') ?? undefined;
    this.type = this.address.params.get('type') ?? undefined;
    this.maxAckPending = intParam(this.address.params, 'maxAckPending', 20_000, what);
    this.maxUncommitted = intParam(this.address.params, 'maxUncommitted', 1000, what);
    this.name = `nats:${this.address.path}/${this.consumer}`;
  }

  counters(): ConnectorCounters {
    return { ok: this.taken, failed: this.failed };
  }

  /** Messages processed and waiting for a checkpoint to be acknowledged. */
  unacknowledged(): number {
    return this.unacked.length;
  }

  async start(resumeFrom: unknown): Promise<void> {
    const stream = this.address.path;
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
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.streams.info(stream);
    } catch (e) {
      await this.nc.close();
      throw new WeirError(
        'connector/failed',
        `${this.name}: no JetStream stream '${stream}' (${(e as Error).message})`,
      );
    }
    const restored = (resumeFrom as NatsSourcePosition | undefined)?.streamSeq;
    let startSeq = restored === undefined ? undefined : restored + 1;
    try {
      const existing = await jsm.consumers.info(stream, this.consumer);
      startSeq ??= existing.ack_floor.stream_seq + 1;
      await jsm.consumers.delete(stream, this.consumer);
    } catch {
      // No such consumer yet: start at the stream's beginning (or at the checkpoint).
    }
    this.lastProcessed = (startSeq ?? 1) - 1;
    this.lastTaken = this.lastProcessed;
    await jsm.consumers.add(stream, {
      durable_name: this.consumer,
      ack_policy: AckPolicy.Explicit,
      max_ack_pending: this.maxAckPending,
      // Long enough that a message is not redelivered while it waits for the next checkpoint.
      ack_wait: 5 * 60 * 1e9,
      ...(this.subject === undefined ? {} : { filter_subject: this.subject }),
      ...(startSeq === undefined || startSeq <= 1
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }),
    });
    const consumer = await jetstream(this.nc).consumers.get(stream, this.consumer);
    this.messages = await consumer.consume({ max_messages: 1000 });
    // The consumer ending with an error (the stream deleted, the server gone for good) is told, not thrown.
    this.loop = this.run(this.messages).catch((e: Error) =>
      this.report(`${this.name}: stopped reading: ${e.message}`),
    );
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      // A redelivery of something already processed (it waits for a checkpoint's ack).
      if (m.seq <= this.lastTaken) continue;
      this.lastTaken = m.seq;
      while (!this.target.hasRoom(1)) await this.target.idle();
      // With checkpoints, take no more than a checkpoint can cover quickly: the next one then
      // commits soon, and a crash has little to redo.
      while (this.ackOnCheckpoint && !this.stopping && this.taken - this.acked >= this.maxUncommitted) {
        await new Promise<void>((wake) => {
          this.wakeOnCommit = wake;
        });
      }
      if (this.stopping) break;
      this.taken++;
      const processed = (o: IngestOutcome) => {
        // Called in processing order, so a checkpoint barrier queued later sees this message.
        this.lastProcessed = m.seq;
        if (o.malformed.length > 0) {
          this.failed++;
          const more = o.malformed.length > 1 ? ` (and ${o.malformed.length - 1} more)` : '';
          this.report(`${o.malformed[0]?.message}${more}`);
        }
        if (this.ackOnCheckpoint) this.unacked.push(m);
        else m.ack();
      };
      this.target
        .ingestText(
          Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength),
          `${this.name}#${m.seq}`,
          this.type,
          undefined,
          processed,
        )
        .catch((e: Error) => {
          this.failed++;
          this.report(`${this.name}: message ${m.seq} not processed: ${e.message}`);
        });
    }
  }

  position(): NatsSourcePosition {
    return { streamSeq: this.lastProcessed };
  }

  mark(): SourceMark {
    return this.unacked.length;
  }

  async commit(mark: SourceMark): Promise<void> {
    const n = mark as number;
    const done = this.unacked.splice(0, n);
    for (const m of done) m.ack();
    this.acked += done.length;
    this.wakeOnCommit?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeOnCommit?.();
    await this.messages?.close();
    await this.loop?.catch(() => {});
    await this.nc?.drain().catch(() => {});
  }
}
