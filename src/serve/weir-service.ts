/**
 * A served engine: the engine, its ingest queue, the SSE subscribers, the sources and sinks,
 * and the counters /metrics exposes. The HTTP server (http-server.ts), the connectors and
 * the checkpointer all work through this object; the engine knows none of them.
 */
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { Sink, Source } from '../connectors/connector.js';
import type { ReadItem, ReaderOptions } from '../io/event-record.js';
import type { Engine, StatementHandle } from '../runtime/api.js';
import { type IngestOutcome, IngestQueue } from './ingest-queue.js';
import type { MetricFamily } from './metrics.js';
import { parsePayload } from './parse-payload.js';
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

export class WeirService {
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

  /** Deploys EPL text (HTTP `POST /statements`); throws the engine's WeirErrors. */
  deploy(text: string, file: string): StatementHandle[] {
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
      specialise: false,
      ...(type === undefined ? {} : { type }),
    };
  }

  /** Parses a payload and queues its events; rejects with `serve/overloaded` when the queue is full. */
  ingestText(
    text: string,
    source: string,
    type?: string,
    timeField?: string,
    processed?: (o: IngestOutcome) => void,
  ): Promise<IngestOutcome> {
    return this.ingest(parsePayload(text, source, this.readerOptions(type, timeField)), processed);
  }

  /** `processed` is called synchronously once the events are processed (before a later checkpoint barrier). */
  ingest(items: ReadItem[], processed?: (o: IngestOutcome) => void): Promise<IngestOutcome> {
    if (this.options.clock === 'wall') this.stampArrival(items);
    return this.queue.offer(items, processed);
  }

  metrics(): MetricFamily[] {
    const stats = this.engine.stats();
    const statements = this.engine.statements();
    const perStatement = (pick: (s: ReturnType<StatementHandle['stats']>) => number) =>
      statements.map((h) => ({ labels: { statement: h.name }, value: pick(h.stats()) }));
    const totals = this.queue.totals;
    const connector = (list: readonly (Source | Sink)[], pick: 'ok' | 'failed') =>
      list.map((c) => ({ labels: { connector: c.name }, value: c.counters()[pick] }));
    return [
      {
        name: 'weir_events_received_total',
        help: 'Events received (HTTP and sources).',
        type: 'counter',
        samples: [{ value: totals.received }],
      },
      {
        name: 'weir_events_accepted_total',
        help: 'Events taken by the engine (not late, not malformed).',
        type: 'counter',
        samples: [{ value: totals.accepted }],
      },
      {
        name: 'weir_events_late_total',
        help: 'Events older than the watermark (counted, not processed).',
        type: 'counter',
        samples: [{ value: totals.late }],
      },
      {
        name: 'weir_events_malformed_total',
        help: 'Lines or messages that are not valid events.',
        type: 'counter',
        samples: [{ value: totals.malformed }],
      },
      {
        name: 'weir_events_processed_total',
        help: 'Events released by the event-time buffer and processed.',
        type: 'counter',
        samples: [{ value: stats.eventsProcessed }],
      },
      {
        name: 'weir_ingest_refused_total',
        help: 'Payloads refused with 503 because the ingest queue was full.',
        type: 'counter',
        samples: [{ value: totals.refused }],
      },
      {
        name: 'weir_ingest_queue_events',
        help: 'Events waiting in the ingest queue.',
        type: 'gauge',
        samples: [{ value: this.queue.queued }],
      },
      {
        name: 'weir_buffered_events',
        help: 'Events waiting in the event-time buffer for the watermark.',
        type: 'gauge',
        samples: [{ value: stats.buffered }],
      },
      {
        name: 'weir_pending_timers',
        help: 'Timers pending (expiries, batch flushes, pattern timers).',
        type: 'gauge',
        samples: [{ value: stats.pendingTimers }],
      },
      {
        name: 'weir_event_time_ms',
        help: 'The engine clock (event time, ms since the epoch).',
        type: 'gauge',
        samples: stats.currentTime === undefined ? [] : [{ value: stats.currentTime }],
      },
      {
        name: 'weir_event_time_lag_ms',
        help: 'Wall clock minus event time.',
        type: 'gauge',
        samples: stats.currentTime === undefined ? [] : [{ value: Date.now() - stats.currentTime }],
      },
      {
        name: 'weir_statement_rows_out_total',
        help: 'Rows delivered to listeners (new and old).',
        type: 'counter',
        samples: perStatement((s) => s.rowsOut),
      },
      {
        name: 'weir_statement_updates_total',
        help: 'Listener calls.',
        type: 'counter',
        samples: perStatement((s) => s.updates),
      },
      {
        name: 'weir_statement_events_in_total',
        help: 'Events that reached the statement.',
        type: 'counter',
        samples: perStatement((s) => s.eventsIn),
      },
      {
        name: 'weir_statement_state_size',
        help: 'Events held by the statement window, or its live partial matches.',
        type: 'gauge',
        samples: perStatement((s) => s.windowSize),
      },
      {
        name: 'weir_sse_subscribers',
        help: 'Open SSE streams.',
        type: 'gauge',
        samples: [{ value: this.sse.count }],
      },
      {
        name: 'weir_sse_dropped_total',
        help: 'SSE subscribers disconnected for reading too slowly.',
        type: 'counter',
        samples: [{ value: this.sse.dropped }],
      },
      {
        name: 'weir_source_messages_total',
        help: 'Messages taken from a source.',
        type: 'counter',
        samples: connector(this.sources, 'ok'),
      },
      {
        name: 'weir_source_failures_total',
        help: 'Source messages that failed (malformed, rejected).',
        type: 'counter',
        samples: connector(this.sources, 'failed'),
      },
      {
        name: 'weir_sink_delivered_total',
        help: 'Updates a sink delivered.',
        type: 'counter',
        samples: connector(this.sinks, 'ok'),
      },
      {
        name: 'weir_sink_failures_total',
        help: 'Updates a sink could not deliver after its retries.',
        type: 'counter',
        samples: connector(this.sinks, 'failed'),
      },
      {
        name: 'weir_sink_pending',
        help: 'Updates waiting to be delivered by a sink.',
        type: 'gauge',
        samples: this.sinks.map((s) => ({ labels: { connector: s.name }, value: s.pending() })),
      },
    ];
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

  /** Starts the connectors (sinks first, so no update finds its sink closed). */
  async startConnectors(resume: (source: Source) => unknown = () => undefined): Promise<void> {
    for (const sink of this.sinks) await sink.start();
    for (const source of this.sources) await source.start(resume(source));
  }

  /** Stops sources, lets the queue finish, flushes and stops sinks, ends SSE streams. */
  async stop(): Promise<void> {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    for (const source of this.sources) await source.stop();
    await this.queue.idle();
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
