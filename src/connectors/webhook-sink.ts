/**
 * Webhook sink: each update is POSTed as JSON (`{"stmt","time","new","old"}`, header
 * `Weir-Update-Id` = statement:time:sequence for the receiver's deduplication), one at a time
 * in order, retried with backoff on a network error or a non-2xx answer. The queue is bounded:
 * updates that do not fit, and updates still failing after the retries, are counted and
 * reported, never dropped silently.
 */
import type { SinkUpdate } from './connector.js';
import { QueuedSink } from './queued-sink.js';
import { updateId, updateJson } from './update-json.js';

export interface WebhookOptions {
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly maxQueued?: number;
  readonly timeoutMs?: number;
  readonly report: (message: string) => void;
}

export class WebhookSink extends QueuedSink {
  private readonly timeoutMs: number;

  constructor(
    statement: string,
    private readonly url: string,
    options: WebhookOptions,
  ) {
    super(
      `webhook:${url}`,
      statement,
      {
        concurrency: 1,
        maxQueued: options.maxQueued ?? 10_000,
        retries: options.retries ?? 3,
        backoffMs: options.backoffMs ?? 200,
      },
      options.report,
    );
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  protected async deliver(update: SinkUpdate): Promise<void> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'weir-update-id': updateId(update) },
      body: updateJson(update),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await res.arrayBuffer(); // frees the connection for the next request
    if (!res.ok) throw new Error(`POST ${this.url} answered ${res.status}`);
  }
}
