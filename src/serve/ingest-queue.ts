/**
 * The one door into a served engine: every producer (HTTP bodies, NATS and MQTT messages, the
 * wall clock, the example replay, checkpoints) enqueues work here, and the queue feeds the
 * engine in order, a slice at a time, yielding the event loop between slices so that SSE
 * writes, metrics and health checks are answered while a large body is processed.
 *
 * The queue is bounded by the number of events it holds: work that does not fit is refused
 * at once (the caller answers 503 with Retry-After) instead of growing without limit. Nothing
 * is dropped silently: a refused body was never accepted, and its sender is told to retry.
 */
import { WeirError } from '../common/errors.js';
import type { IngestOutcome } from '../connectors/connector.js';
import type { ReadItem } from '../io/event-record.js';
import type { Engine } from '../runtime/api.js';

export type { IngestOutcome };

type Work =
  | {
      readonly kind: 'events';
      readonly items: readonly ReadItem[];
      readonly done: (o: IngestOutcome) => void;
    }
  | { readonly kind: 'advance'; readonly time: number }
  | { readonly kind: 'barrier'; readonly run: () => void };

export interface IngestTotals {
  received: number;
  accepted: number;
  late: number;
  malformed: number;
  /** Payloads refused because the queue was full. */
  refused: number;
}

/** Events processed per macrotask before yielding to I/O. */
const SLICE = 4096;

export class IngestQueue {
  readonly totals: IngestTotals = { received: 0, accepted: 0, late: 0, malformed: 0, refused: 0 };
  private readonly work: Work[] = [];
  /** Index of the next item of the head `events` work. */
  private offset = 0;
  private queuedEvents = 0;
  private scheduled = false;
  private current: IngestOutcome | undefined;
  /** Events/s, smoothed, for Retry-After. */
  private rate = 50_000;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly engine: Engine,
    /** Most events the queue holds. */
    readonly capacity: number,
    /** Why results cannot be taken now (a sink far behind), or undefined: ingest is refused meanwhile. */
    private readonly downstreamBlocked: () => string | undefined = () => undefined,
  ) {
    engine.onLate(() => {
      this.totals.late++;
      if (this.current !== undefined) this.current.late++;
    });
  }

  get queued(): number {
    return this.queuedEvents;
  }

  /** Seconds a refused sender should wait: the time to work off the queue, at least 1. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.queuedEvents / Math.max(1, this.rate)));
  }

  /**
   * Enqueues a payload's events; resolves once all are processed. Refuses (a WeirError
   * `serve/overloaded`) when they do not fit, unless the queue is empty: a payload larger
   * than the capacity is still taken alone, so every payload under the body limit can pass.
   */
  offer(items: readonly ReadItem[], processed?: (o: IngestOutcome) => void): Promise<IngestOutcome> {
    const events = items.length;
    const full = this.queuedEvents > 0 && this.queuedEvents + events > this.capacity;
    const blocked = this.downstreamBlocked();
    if (full || blocked !== undefined) {
      this.totals.refused++;
      return Promise.reject(
        new WeirError(
          'serve/overloaded',
          blocked ??
            `the ingest queue is full (${this.queuedEvents} of ${this.capacity} events waiting); retry after ${this.retryAfterSeconds()} s`,
        ),
      );
    }
    this.totals.received += events;
    this.queuedEvents += events;
    return new Promise((resolve) =>
      this.push({
        kind: 'events',
        items,
        done: (o) => {
          // Synchronously, in processing order: a checkpoint barrier queued next sees it.
          processed?.(o);
          resolve(o);
        },
      }),
    );
  }

  /** Whether there is room for `events` more now (sources wait on `idle()` otherwise). */
  hasRoom(events: number): boolean {
    return (
      (this.queuedEvents === 0 || this.queuedEvents + events <= this.capacity) &&
      this.downstreamBlocked() === undefined
    );
  }

  /** Moves event time forward once the work queued before it is done (wall clock). */
  advance(time: number): void {
    this.push({ kind: 'advance', time });
  }

  /** Runs `run` after all work queued before it and before any work queued after it. */
  barrier<T>(run: () => T): Promise<T> {
    return new Promise((resolve, reject) =>
      this.push({
        kind: 'barrier',
        run: () => {
          try {
            resolve(run());
          } catch (e) {
            reject(e);
          }
        },
      }),
    );
  }

  /** Resolves when nothing is queued. */
  idle(): Promise<void> {
    if (this.work.length === 0) return Promise.resolve();
    return new Promise((done) => this.idleWaiters.push(done));
  }

  private push(work: Work): void {
    this.work.push(work);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    const started = performance.now();
    let budget = SLICE;
    let processed = 0;
    while (budget > 0 && this.work.length > 0) {
      const head = this.work[0] as Work;
      if (head.kind === 'advance') {
        this.engine.advanceTime(Math.max(head.time, this.engine.stats().currentTime ?? head.time));
        this.work.shift();
        continue;
      }
      if (head.kind === 'barrier') {
        this.work.shift();
        head.run();
        continue;
      }
      const n = Math.min(budget, head.items.length - this.offset);
      const outcome = this.outcomeOf(head);
      this.current = outcome;
      for (let i = this.offset; i < this.offset + n; i++) this.sendOne(head.items[i] as ReadItem, outcome);
      this.current = undefined;
      this.offset += n;
      budget -= n;
      processed += n;
      this.queuedEvents -= n;
      if (this.offset === head.items.length) {
        this.work.shift();
        this.offset = 0;
        this.outcomes.delete(head);
        head.done(outcome);
      }
    }
    const ms = performance.now() - started;
    if (processed >= 256 && ms > 0) this.rate = 0.8 * this.rate + 0.2 * ((processed * 1000) / ms);
    if (this.work.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    } else {
      for (const done of this.idleWaiters.splice(0)) done();
    }
  }

  private readonly outcomes = new Map<Work, IngestOutcome>();

  private outcomeOf(work: Work): IngestOutcome {
    let outcome = this.outcomes.get(work);
    if (outcome === undefined) {
      outcome = { accepted: 0, late: 0, malformed: [] };
      this.outcomes.set(work, outcome);
    }
    return outcome;
  }

  private sendOne(item: ReadItem, outcome: IngestOutcome): void {
    if (item instanceof WeirError) {
      this.reject(item, outcome);
      return;
    }
    const lateBefore = outcome.late;
    try {
      this.engine.send(item.type, item.event, item.timestamp);
      if (outcome.late === lateBefore) {
        outcome.accepted++;
        this.totals.accepted++;
      }
    } catch (e) {
      if (!(e instanceof WeirError)) throw e;
      this.reject(
        new WeirError(e.code, `${item.file}:${item.line}: ${e.message}`, { line: item.line }),
        outcome,
      );
    }
  }

  private reject(error: WeirError, outcome: IngestOutcome): void {
    this.totals.malformed++;
    outcome.malformed.push({ line: error.line, code: error.code, message: error.message });
  }
}
