/**
 * Webhook sink: each update is POSTed as JSON (`{"stmt","time","new","old"}`, header
 * `Weir-Update-Id` = statement:time:sequence for the receiver's deduplication), one at a time
 * in order, retried with backoff on a network error or a non-2xx answer. The queue is bounded:
 * updates that do not fit, and updates still failing after the retries, are counted and
 * reported, never dropped silently.
 */
import type { ConnectorCounters, Sink, SinkUpdate } from './connector.js';
import { DeliveryQueue } from './delivery-queue.js';
import { updateId, updateJson } from './update-json.js';

export interface WebhookOptions {
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly maxQueued?: number;
  readonly timeoutMs?: number;
  readonly report: (message: string) => void;
}

export class WebhookSink implements Sink {
  readonly name: string;
  private readonly delivery: DeliveryQueue<SinkUpdate>;

  constructor(
    readonly statement: string,
    private readonly url: string,
    options: WebhookOptions,
  ) {
    this.name = `webhook:${url}`;
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.delivery = new DeliveryQueue((u) => this.post(u, timeoutMs), {
      concurrency: 1,
      maxQueued: options.maxQueued ?? 10_000,
      retries: options.retries ?? 3,
      backoffMs: options.backoffMs ?? 200,
      onFailure: (reason) => options.report(`${this.name}: ${reason}`),
    });
  }

  async start(): Promise<void> {}

  send(update: SinkUpdate): void {
    this.delivery.push(update);
  }

  flush(): Promise<void> {
    return this.delivery.flush();
  }

  async stop(): Promise<void> {
    await this.delivery.flush();
  }

  counters(): ConnectorCounters {
    return this.delivery.counters();
  }

  pending(): number {
    return this.delivery.pending();
  }

  private async post(update: SinkUpdate, timeoutMs: number): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'weir-update-id': updateId(update) },
      body: updateJson(update),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer(); // frees the connection for the next request
    if (!res.ok) throw new Error(`POST ${this.url} answered ${res.status}`);
  }
}
