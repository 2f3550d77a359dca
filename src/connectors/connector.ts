/**
 * What sources and sinks implement. A source feeds events into a served engine through its
 * ingest queue; a sink receives the listener calls of one statement. Both report counters
 * for /metrics. Checkpoint hooks: a source remembers which messages are processed, and
 * acknowledges them only when a checkpoint holding their effects is on disk (`commit`); a
 * sink can be asked to finish sending everything produced so far (`flush`) before a
 * checkpoint is committed, so a crash never loses output that the checkpoint claims.
 */
import type { ErrorCode } from '../common/errors.js';
import type { Row } from '../common/row.js';

/** What happened to the events of one payload. */
export interface IngestOutcome {
  /** Events the engine took (processed in order, or buffered for lateness); late ones excluded. */
  accepted: number;
  /** Events older than the watermark: counted and reported, not processed. */
  late: number;
  /** Lines that are not events, or events the engine rejected (wrong property type…). */
  readonly malformed: {
    readonly line: number | undefined;
    readonly code: ErrorCode;
    readonly message: string;
  }[];
}

/** Where a source puts what it receives: the served engine's ingest queue (src/serve). */
export interface IngestTarget {
  /**
   * Parses a payload (NDJSON or a JSON array of events) and queues its events. `processed` is
   * called synchronously once they are processed, before any checkpoint queued later.
   */
  ingestText(
    text: string | Buffer,
    source: string,
    type?: string,
    timeField?: string,
    processed?: (o: IngestOutcome) => void,
  ): Promise<IngestOutcome>;
  /** Whether `events` more fit now. */
  hasRoom(events: number): boolean;
  /** Resolves when the queue is empty. */
  idle(): Promise<void>;
}

export interface ConnectorCounters {
  /** Messages or updates handled successfully. */
  readonly ok: number;
  /** Failures (publish errors after retries, malformed messages, rejected updates). */
  readonly failed: number;
}

/** One listener call of a statement, numbered per statement from the engine's start. */
export interface SinkUpdate {
  readonly statement: string;
  readonly time: number;
  /** 1 for the statement's first listener call, and so on; restored with a checkpoint. */
  readonly seq: number;
  readonly newEvents: Row[] | null;
  readonly oldEvents: Row[] | null;
}

export interface Sink {
  /** For messages and metrics: `nats:results.avg`, `webhook:http://…`. */
  readonly name: string;
  /** The statement whose updates it receives. */
  readonly statement: string;
  start(): Promise<void>;
  /** Called in the engine's listener: must not block; queues the update for sending. */
  send(update: SinkUpdate): void;
  /** Resolves when everything sent so far is delivered (or counted as failed). */
  flush(): Promise<void>;
  stop(): Promise<void>;
  counters(): ConnectorCounters;
  /** Updates waiting to be delivered. */
  pending(): number;
}

/** A position the source can be asked to acknowledge up to (opaque to the caller). */
export type SourceMark = unknown;

export interface Source {
  readonly name: string;
  /**
   * Starts delivering. `resumeFrom` is what `position()` returned when the checkpoint being
   * restored was taken (undefined: no checkpoint).
   */
  start(resumeFrom: unknown): Promise<void>;
  stop(): Promise<void>;
  counters(): ConnectorCounters;
  /** Called in a checkpoint barrier: everything processed so far, as a position to store. */
  position(): unknown;
  /** Called in the same barrier: a mark for `commit`. */
  mark(): SourceMark;
  /** The checkpoint taken at `mark` is on disk: acknowledge what it covers. */
  commit(mark: SourceMark): Promise<void>;
}
