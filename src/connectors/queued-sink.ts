/**
 * The part every sink shares: updates go into a DeliveryQueue (order, retries, counting) and
 * a subclass says only how to open its destination, deliver one update, and close.
 */
import type { ConnectorCounters, Sink, SinkUpdate } from './connector.js';
import { type DeliveryOptions, DeliveryQueue } from './delivery-queue.js';

export abstract class QueuedSink implements Sink {
  private readonly delivery: DeliveryQueue<SinkUpdate>;

  constructor(
    readonly name: string,
    readonly statement: string,
    options: Omit<DeliveryOptions, 'onFailure'>,
    protected readonly report: (message: string) => void,
  ) {
    this.delivery = new DeliveryQueue((u) => this.deliver(u), {
      ...options,
      onFailure: (reason) => report(`${this.name}: ${reason}`),
    });
  }

  /** Sends one update; throws (or rejects) to have it retried. */
  protected abstract deliver(update: SinkUpdate): Promise<void>;

  async start(): Promise<void> {}

  /** Releases the destination once everything queued is delivered. */
  protected async close(): Promise<void> {}

  send(update: SinkUpdate): void {
    this.delivery.push(update);
  }

  flush(): Promise<void> {
    return this.delivery.flush();
  }

  async stop(): Promise<void> {
    await this.delivery.flush();
    await this.close();
  }

  counters(): ConnectorCounters {
    return this.delivery.counters();
  }

  pending(): number {
    return this.delivery.pending();
  }
}
