import type { WeirError } from '../common/errors.js';
/**
 * The public shape of the engine: what `src/index.ts` exports and what the CLI, benchmarks
 * and users program against. Implementation: engine.ts.
 */
import type { Row } from '../common/row.js';

export interface EngineOptions {
  /**
   * How far behind the newest timestamp seen an event may arrive and still be processed in
   * order (ms). Default 0: any event older than the newest is late.
   */
  readonly allowedLateness?: number;
  /** Clock start (ms). Default: the first event's timestamp. */
  readonly startTime?: number;
  /**
   * How far (ms) one event or one `advanceTime` may move event time past the engine's
   * latest time. Default 7 days; `Infinity` for no limit. An event beyond it is refused with
   * a WeirError (`runtime/time-jump-too-large`) and counted in `stats().rejectedEvents`:
   * periodic timers fire once per interval crossed, so an unbounded jump is unbounded work.
   */
  readonly maxTimeJump?: number;
}

/** Extra information passed with every listener call. */
export interface UpdateContext {
  /** The engine time of this causal step (the event's time, or the timer's due time). */
  readonly time: number;
  /** The statement name (`@name('x')`, or `stmt-N`). */
  readonly statement: string;
}

/** Receives the insert stream and the remove stream of one causal step, as Esper's UpdateListener. */
export type UpdateListener = (
  newEvents: Row[] | null,
  oldEvents: Row[] | null,
  context: UpdateContext,
) => void;

/** One listener call, as yielded by a statement's async iterator. */
export interface StatementUpdate {
  readonly statement: string;
  readonly time: number;
  readonly newEvents: Row[] | null;
  readonly oldEvents: Row[] | null;
}

export interface StatementStats {
  /** Events that reached the statement (after its stream filter). */
  readonly eventsIn: number;
  /** Rows delivered to listeners, new and old. */
  readonly rowsOut: number;
  /** Listener calls made. */
  readonly updates: number;
  /** Events currently held by the statement's data window (0 without a window), or its live partial matches. */
  readonly windowSize: number;
  /** Partial matches a pattern or match_recognize statement could not keep at the live cap. */
  readonly droppedPartialMatches: number;
}

export interface StatementHandle {
  readonly name: string;
  /** The statement's EPL text. */
  readonly text: string;
  /** Output column names, in select-list order. */
  readonly columns: readonly string[];
  /** Whether this is a pattern statement (its listener is an alert callback). */
  readonly isPattern: boolean;
  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: UpdateListener): () => void;
  /**
   * Every listener call from now on, for `for await` consumers; ends when the statement is
   * undeployed or the engine closed (after yielding the calls it holds).
   */
  updates(): AsyncIterableIterator<StatementUpdate>;
  /** Stops the statement; other statements keep running. */
  undeploy(): void;
  stats(): StatementStats;
}

/** An event that arrived older than the watermark: reported, never processed silently. */
export interface LateEvent {
  readonly type: string;
  readonly event: Row;
  readonly timestamp: number;
  /** The watermark when it arrived. */
  readonly watermark: number;
}

export interface EngineStats {
  readonly eventsIn: number;
  readonly eventsProcessed: number;
  readonly lateEvents: number;
  /**
   * Events `send` refused with a WeirError: a property of the wrong type, no valid timestamp,
   * a timestamp beyond `maxTimeJump`.
   */
  readonly rejectedEvents: number;
  /**
   * Evaluations of `x regexp p` where `p`, read from the data, is not a valid regular
   * expression: the result is null for that row (a constant pattern is checked at deploy).
   */
  readonly invalidRegexps: number;
  /**
   * Pattern timers (`timer:interval`, `timer:within[max]`) whose period, computed from the
   * tags, was null or not a number: that interval never fires, that guard never expires.
   */
  readonly invalidPeriods: number;
  /** Events waiting in the event-time buffer for the watermark. */
  readonly buffered: number;
  /** Timers pending (window expiries, batch flushes, pattern timers). */
  readonly pendingTimers: number;
  /** The engine clock (ms), or undefined before the first event. */
  readonly currentTime: number | undefined;
}

export interface EventSchemaInfo {
  readonly name: string;
  readonly properties: readonly {
    readonly name: string;
    readonly type: 'string' | 'int' | 'long' | 'double' | 'boolean' | 'any';
  }[];
  /** The property holding the event time, when the schema declares one. */
  readonly timestampProperty: string | undefined;
  /** Whether events may carry undeclared properties. */
  readonly open: boolean;
}

export interface Engine {
  /**
   * Compiles and starts the schemas and statements in `epl`. Statements start at the
   * current engine time (or at the first event's time). Throws WeirErrors listing every
   * problem found, each with a code, message and source span.
   */
  deploy(epl: string, options?: { readonly file?: string }): StatementHandle[];
  /** A variable's current value (`create variable`); throws a WeirError for an unknown variable. */
  getVariable(name: string): unknown;
  /**
   * Sets a variable, as `on … set` does: statements see the new value from now on, and the
   * create-variable statement posts the new and old value. Throws for an unknown variable, a
   * constant, or a value of the wrong type.
   */
  setVariable(name: string, value: unknown): void;
  statement(name: string): StatementHandle | undefined;
  statements(): StatementHandle[];
  /**
   * Sends one event of a declared type. The event time is `timestamp` if given, else the
   * schema's `timestamp` property. Throws a WeirError for an unknown type, a missing time,
   * or a property value of the wrong type.
   */
  send(type: string, event: Row, timestamp?: number): void;
  /**
   * `send` for a reader that has already checked its values (the CLI's read worker), with
   * the same results, errors and counts: `row` holds exactly the type's declared properties
   * in declaration order, each null or of its declared type (what `send` would keep of it),
   * and is lent for this call only — the caller may refill it for the next event. The
   * engine copies it only where the event is kept (a statement taking it, the event-time
   * buffer), so an event that every statement's filter refuses costs no object. An open
   * type's row is read as by `send`. A row breaking the contract is not detected: use `send`.
   */
  sendTransient(type: string, row: Row, timestamp?: number): void;
  /** Sends many events of one type (each with its own timestamp from the schema or the array). */
  sendMany(type: string, events: readonly Row[], timestamps?: readonly number[]): void;
  /**
   * Moves event time forward to `time`: releases buffered events up to it and fires every
   * timer due at or before it, each at its own due time.
   */
  advanceTime(time: number): void;
  /** End of input: releases every buffered event in order (the clock stays at the last event). */
  flush(): void;
  /**
   * Ends the engine: flushes (buffered events are processed), then stops every statement:
   * listeners get nothing more and every `updates()` iterator finishes after yielding what
   * it holds. Later `send`, `sendMany`, `advanceTime` and `deploy` throw a WeirError
   * (`runtime/engine-closed`); stats and schemas stay readable. Calling it twice is harmless.
   */
  close(): void;
  /** Subscribes to late events; returns an unsubscribe function. */
  onLate(listener: (late: LateEvent) => void): () => void;
  /** Alert sugar: a listener on every pattern statement (or the one named). */
  onAlert(listenerOrName: UpdateListener | string, listener?: UpdateListener): () => void;
  stats(): EngineStats;
  /**
   * The engine's whole state as bytes: deployed statements, clock, buffered events, timers,
   * windows, aggregates, partial matches, counters. `createEngine({ restore: bytes })`
   * rebuilds it (in this or another process), and the rebuilt engine then makes exactly the
   * listener calls this one would. Call it between `send` calls, not from a listener
   * (`snapshot/busy`). A statement with a part that cannot be snapshotted yet fails with
   * `snapshot/unsupported` naming the part.
   */
  snapshot(): Uint8Array;
  /** Declared event types. */
  schemaNames(): string[];
  /** A declared event type's properties (for typing CSV values), or undefined. */
  schema(name: string): EventSchemaInfo | undefined;
}

export type { Row, WeirError };
