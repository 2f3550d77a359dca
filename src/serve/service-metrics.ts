/** What GET /metrics reports about a served engine: ingest, engine, statements, SSE, connectors. */
import type { ConnectorCounters, Sink, Source } from '../connectors/connector.js';
import type { Engine, StatementStats } from '../runtime/api.js';
import type { IngestQueue } from './ingest-queue.js';
import type { MetricFamily, MetricSample } from './metrics.js';
import type { SseHub } from './sse-hub.js';

/** The parts of a served engine the metrics read. */
export interface MeteredService {
  readonly engine: Engine;
  readonly queue: IngestQueue;
  readonly sse: SseHub;
  readonly sources: readonly Source[];
  readonly sinks: readonly Sink[];
}

const counter = (name: string, help: string, samples: readonly MetricSample[]): MetricFamily => ({
  name,
  help,
  type: 'counter',
  samples,
});
const gauge = (name: string, help: string, samples: readonly MetricSample[]): MetricFamily => ({
  name,
  help,
  type: 'gauge',
  samples,
});
const one = (value: number | undefined): MetricSample[] => (value === undefined ? [] : [{ value }]);

export function serviceMetrics(service: MeteredService): MetricFamily[] {
  const stats = service.engine.stats();
  const handles = service.engine.statements();
  const perStatement = (pick: (s: StatementStats) => number) =>
    handles.map((h) => ({ labels: { statement: h.name }, value: pick(h.stats()) }));
  const perConnector = (list: readonly { name: string; counters(): ConnectorCounters }[], ok: boolean) =>
    list.map((c) => ({ labels: { connector: c.name }, value: ok ? c.counters().ok : c.counters().failed }));
  const t = service.queue.totals;
  const now = stats.currentTime;
  return [
    counter('weir_events_received_total', 'Events received (HTTP and sources).', one(t.received)),
    counter(
      'weir_events_accepted_total',
      'Events taken by the engine (not late, not malformed).',
      one(t.accepted),
    ),
    counter(
      'weir_events_late_total',
      'Events older than the watermark (counted, not processed).',
      one(t.late),
    ),
    counter('weir_events_malformed_total', 'Lines or messages that are not valid events.', one(t.malformed)),
    counter(
      'weir_events_processed_total',
      'Events released by the event-time buffer and processed.',
      one(stats.eventsProcessed),
    ),
    counter(
      'weir_ingest_refused_total',
      'Payloads refused with 503 (queue full or a sink behind).',
      one(t.refused),
    ),
    gauge('weir_ingest_queue_events', 'Events waiting in the ingest queue.', one(service.queue.queued)),
    gauge(
      'weir_buffered_events',
      'Events waiting in the event-time buffer for the watermark.',
      one(stats.buffered),
    ),
    gauge(
      'weir_pending_timers',
      'Timers pending (expiries, batch flushes, pattern timers).',
      one(stats.pendingTimers),
    ),
    gauge('weir_event_time_ms', 'The engine clock (event time, ms since the epoch).', one(now)),
    gauge(
      'weir_event_time_lag_ms',
      'Wall clock minus event time.',
      one(now === undefined ? undefined : Date.now() - now),
    ),
    counter(
      'weir_statement_rows_out_total',
      'Rows delivered to listeners (new and old).',
      perStatement((s) => s.rowsOut),
    ),
    counter(
      'weir_statement_updates_total',
      'Listener calls.',
      perStatement((s) => s.updates),
    ),
    counter(
      'weir_statement_events_in_total',
      'Events that reached the statement.',
      perStatement((s) => s.eventsIn),
    ),
    gauge(
      'weir_statement_state_size',
      'Events held by the statement window, or its live partial matches.',
      perStatement((s) => s.windowSize),
    ),
    gauge('weir_sse_subscribers', 'Open SSE streams.', one(service.sse.count)),
    counter(
      'weir_sse_dropped_total',
      'SSE subscribers disconnected for reading too slowly.',
      one(service.sse.dropped),
    ),
    counter(
      'weir_source_messages_total',
      'Messages taken from a source.',
      perConnector(service.sources, true),
    ),
    counter(
      'weir_source_failures_total',
      'Source messages that failed (malformed, rejected).',
      perConnector(service.sources, false),
    ),
    counter('weir_sink_delivered_total', 'Updates a sink delivered.', perConnector(service.sinks, true)),
    counter(
      'weir_sink_failures_total',
      'Updates a sink could not deliver after its retries.',
      perConnector(service.sinks, false),
    ),
    gauge(
      'weir_sink_pending',
      'Updates waiting to be delivered by a sink.',
      service.sinks.map((s) => ({ labels: { connector: s.name }, value: s.pending() })),
    ),
  ];
}
