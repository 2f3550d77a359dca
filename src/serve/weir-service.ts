/**
 * A served engine: the engine, its ingest queue, the SSE subscribers, the sources and sinks,
 * and the counters /metrics exposes. The HTTP server (http-server.ts), the connectors and
 * the checkpointer all work through this object; the engine knows none of them.
 */
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { IngestTarget, Sink, Source } from '../connectors/connector.js';
import type { ReadItem, ReaderOptions } from '../io/event-record.js';
import type { Engine, StatementHandle } from '../runtime/api.js';
import { assertCheckpointable } from './checkpoint-probe.js';
import { type IngestOutcome, IngestQueue } from './ingest-queue.js';
import type { MetricFamily } from './metrics.js';
import { parsePayload } from './parse-payload.js';
import { serviceMetrics } from './service-metrics.js';
import { SseHub } from './sse-hub.js';

export interface ServiceOptions {
  /** Most events waiting in the ingest queue. */
  readonly queueCapacity: number;
  /** Unsent bytes after which an SSE subscriber is disconnected. */
  readonly sseMaxBufferedBytes: number;
  /**
   * `event`: events carry their time. `wall`: events without a time are stamped with their
   * arrival time, and the wall clock advances event time (timers fire without new events).
   */
  readonly clock: 'event' | 'wall';
  /** Property holding the time in flat events (default `ts`). */
  readonly timeField: string;
  /** Wall-clock tick (ms) for `clock: 'wall'`. */
  readonly tickMs?: number;
}

type UpdateTap = (stmt: string, time: number, newEvents: Row[] | null, oldEvents: Row[] | null) => void;

export class WeirService implements IngestTarget {
  readonly queue: IngestQueue;
  readonly sse: SseHub;
  readonly sources: Source[] = [];
  readonly sinks: Sink[] = [];
  readonly startedAt = Date.now();
  /** Listener calls per statement since the engine started (restored with a checkpoint): sink message ids. */
  readonly updateSeq = new Map<string, number>();
  private readonly detach = new Map<string, () => void>();
  private readonly taps = new Set<UpdateTap>();
  private ticker: NodeJS.Timeout | undefined;
  /** With --checkpoint: EPL whose statements could not be checkpointed is refused at deploy. */
  requireCheckpointable = false;

  constructor(
    readonly engine: Engine,
    readonly options: ServiceOptions,
  ) {
    this.queue = new IngestQueue(engine, options.queueCapacity, () => this.sinkBacklog());
    this.sse = new SseHub(options.sseMaxBufferedBytes);
    for (const handle of engine.statements()) this.attach(handle);
    if (options.clock === 'wall') {
      this.ticker = setInterval(() => this.queue.advance(Date.now()), options.tickMs ?? 200);
    }
  }

  /**
   * Deploys EPL text (HTTP `POST /statements`); throws the engine's WeirErrors, and
   * `snapshot/unsupported` (nothing deployed) when checkpointing and a statement cannot be.
   */
  deploy(text: string, file: string): StatementHandle[] {
    if (this.requireCheckpointable) assertCheckpointable(this.engine, { text, file });
    const handles = this.engine.deploy(text, { file });
    for (const h of handles) this.attach(h);
    return handles;
  }

  undeploy(name: string): void {
    const handle = this.engine.statement(name);
    if (handle === undefined) {
      throw new WeirError('runtime/unknown-statement', `no statement named '${name}'`);
    }
    const sink = this.sinks.find((s) => s.statement === name);
    if (sink !== undefined) {
      throw new WeirError(
        'serve/bad-request',
        `statement '${name}' feeds the sink ${sink.name}; restart without that --sink to undeploy it`,
      );
    }
    this.detach.get(name)?.();
    this.detach.delete(name);
    handle.undeploy();
  }

  /** Adds a function called with every listener call of every statement. */
  tap(fn: UpdateTap): () => void {
    this.taps.add(fn);
    return () => this.taps.delete(fn);
  }

  addSink(sink: Sink): void {
    if (this.engine.statement(sink.statement) === undefined) {
      const names = this.engine.statements().map((s) => s.name);
      throw new WeirError(
        'connector/unknown-statement',
        `sink ${sink.name}: no statement named '${sink.statement}' (deployed: ${names.join(', ') || 'none'})`,
      );
    }
    this.sinks.push(sink);
  }

  addSource(source: Source): void {
    this.sources.push(source);
  }

  /** How payloads are read: declared types known, flat events typed by `type`. */
  readerOptions(type?: string, timeField?: string): ReaderOptions {
    return {
      timeField: timeField ?? this.options.timeField,
      schemaOf: (t) => this.engine.schema(t),
      typeNames: () => this.engine.schemaNames(),
      ...(type === undefined ? {} : { type }),
    };
  }

  /** Parses a payload and queues its events; rejects with `serve/overloaded` when the queue is full. */
  ingestText(
    text: string | Buffer,
    source: string,
    type?: string,
    timeField?: string,
    processed?: (o: IngestOutcome) => void,
  ): Promise<IngestOutcome> {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    return this.ingest(parsePayload(bytes, source, this.readerOptions(type, timeField)), processed);
  }

  /** `processed` is called synchronously once the events are processed (before a later checkpoint barrier). */
  ingest(items: ReadItem[], processed?: (o: IngestOutcome) => void): Promise<IngestOutcome> {
    if (this.options.clock === 'wall') this.stampArrival(items);
    return this.queue.offer(items, processed);
  }

  metrics(): MetricFamily[] {
    return serviceMetrics(this);
  }

  /** A sink holding more than the queue's capacity of undelivered updates stops ingest until it catches up. */
  private sinkBacklog(): string | undefined {
    for (const sink of this.sinks) {
      if (sink.pending() > this.options.queueCapacity) {
        return `sink ${sink.name} is behind (${sink.pending()} updates undelivered); retry later`;
      }
    }
    return undefined;
  }

  hasRoom(events: number): boolean {
    return this.queue.hasRoom(events);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Starts the connectors (sinks first, so no update finds its sink closed). */
  async startConnectors(resume: (source: Source) => unknown = () => undefined): Promise<void> {
    for (const sink of this.sinks) await sink.start();
    for (const source of this.sources) await source.start(resume(source));
  }

  /**
   * Stops sources, lets the queue finish, runs `beforeSinks` (the last checkpoint), flushes and
   * stops sinks, ends SSE streams.
   */
  async stop(beforeSinks?: () => Promise<void>): Promise<void> {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    for (const source of this.sources) await source.stop();
    await this.queue.idle();
    await beforeSinks?.();
    for (const sink of this.sinks) {
      await sink.flush();
      await sink.stop();
    }
    this.sse.close();
  }

  private attach(handle: StatementHandle): void {
    const name = handle.name;
    const unsubscribe = handle.subscribe((n, o, ctx) => {
      const seq = (this.updateSeq.get(name) ?? 0) + 1;
      this.updateSeq.set(name, seq);
      this.sse.publish(name, ctx.time, n, o);
      for (const tap of this.taps) tap(name, ctx.time, n, o);
      for (const sink of this.sinks) {
        if (sink.statement === name)
          sink.send({ statement: name, time: ctx.time, seq, newEvents: n, oldEvents: o });
      }
    });
    this.detach.set(name, unsubscribe);
  }

  /** `clock: 'wall'`: events that carry no time (and whose type declares none) get their arrival time. */
  private stampArrival(items: ReadItem[]): void {
    const now = Date.now();
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as ReadItem;
      if (item instanceof WeirError || item.timestamp !== undefined) continue;
      const ts = this.engine.schema(item.type)?.timestampProperty;
      if (ts !== undefined && typeof item.event[ts] === 'number') continue;
      items[i] = { ...item, timestamp: now };
    }
  }
}
