/**
 * What every sink needs between the engine's listener (which must not wait) and a slow or
 * failing destination: a FIFO of items, sent in order by up to `concurrency` workers, each
 * retried with exponential backoff, counted when delivered and when finally failed. With a
 * finite `maxQueued`, an item that does not fit is counted as failed and reported, never
 * silently dropped; with an infinite one the caller bounds the backlog (the served engine
 * refuses ingest while a sink is behind).
 */
import type { ConnectorCounters } from './connector.js';

export interface DeliveryOptions {
  /** Items in flight at once (1 keeps the destination's order even across retries). */
  readonly concurrency: number;
  readonly maxQueued: number;
  /** Attempts after the first. */
  readonly retries: number;
  /** Wait before the first retry; doubled each time, at most 30 s. */
  readonly backoffMs: number;
  /** Told about each item that could not be delivered. */
  readonly onFailure: (reason: string) => void;
}

export class DeliveryQueue<T> {
  private readonly queue: T[] = [];
  private head = 0;
  private active = 0;
  private delivered = 0;
  private failures = 0;
  /** Items ever pushed (queued ones are numbered from `pushed - queued length`). */
  private pushed = 0;
  /** Numbers of the items in flight. */
  private readonly inFlight = new Set<number>();
  /** Each waits until every item numbered below `upTo` is settled. */
  private flushWaiters: { readonly upTo: number; readonly done: () => void }[] = [];

  constructor(
    private readonly deliver: (item: T) => Promise<void>,
    private readonly options: DeliveryOptions,
  ) {}

  counters(): ConnectorCounters {
    return { ok: this.delivered, failed: this.failures };
  }

  /** Queued plus in flight. */
  pending(): number {
    return this.queue.length - this.head + this.active;
  }

  push(item: T): void {
    if (this.queue.length - this.head >= this.options.maxQueued) {
      this.failures++;
      this.options.onFailure(`queue full (${this.options.maxQueued} waiting): update not delivered`);
      return;
    }
    this.queue.push(item);
    this.pushed++;
    this.pump();
  }

  /**
   * Resolves when every item pushed so far is delivered or counted as failed (items pushed
   * later do not hold it back, so it ends under a continuous flow too).
   */
  flush(): Promise<void> {
    const upTo = this.pushed;
    if (this.settledBelow() >= upTo) return Promise.resolve();
    return new Promise((done) => this.flushWaiters.push({ upTo, done }));
  }

  /** Every item numbered below this is settled. */
  private settledBelow(): number {
    let lowest = this.pushed - (this.queue.length - this.head);
    for (const n of this.inFlight) if (n < lowest) lowest = n;
    return lowest;
  }

  private pump(): void {
    while (this.active < this.options.concurrency && this.head < this.queue.length) {
      const item = this.queue[this.head] as T;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.active++;
      const number = this.pushed - (this.queue.length - this.head) - 1;
      this.inFlight.add(number);
      void this.attempt(item, number, 0);
    }
  }

  private async attempt(item: T, number: number, tries: number): Promise<void> {
    try {
      await this.deliver(item);
      this.delivered++;
    } catch (e) {
      if (tries < this.options.retries) {
        const wait = Math.min(30_000, this.options.backoffMs * 2 ** tries);
        await new Promise((r) => setTimeout(r, wait));
        return this.attempt(item, number, tries + 1);
      }
      this.failures++;
      this.options.onFailure(`${(e as Error).message} (after ${tries + 1} attempt${tries === 0 ? '' : 's'})`);
    }
    this.active--;
    this.inFlight.delete(number);
    this.pump();
    if (this.flushWaiters.length > 0) {
      const below = this.settledBelow();
      const ready = this.flushWaiters.filter((w) => w.upTo <= below);
      this.flushWaiters = this.flushWaiters.filter((w) => w.upTo > below);
      for (const w of ready) w.done();
    }
  }
}
