/**
 * The boundary between the engine and a running statement: what the statement needs from the
 * engine (PhysicalEnv) and what the engine gets back (PhysicalStatement, its entries).
 */
import type { Row } from '../common/row.js';
import type { Stateful } from '../common/state.js';
import type { TimerService } from '../common/timers.js';
import type { InfraRuntime } from '../infra/infra-runtime.js';
import type { Operator } from '../operators/operator.js';
import type { IndexedEquality } from '../plan/logical-plan.js';
import type { DataWindow } from '../windows/window-def.js';

/** What a running statement needs from the engine. */
export interface PhysicalEnv {
  now(): number;
  /** Timers addressed by owner and tag (common/timers.ts): what stateful parts use. */
  readonly timers: TimerService;
  /** Rows a statement inserts into a stream, each routed as its own event. */
  insert(stream: string, rows: Row[]): void;
  /** Windows shared by statements of one deployment, by share key. */
  readonly sharedWindows: Map<string, SharedWindow>;
  readonly startTime: number;
  /** Engine-wide cap on live partial matches per pattern statement. */
  readonly maxPartialMatches: number;
  /** Whether window → aggregation statements may run fused and columnar (columnar-plan.ts). */
  readonly columnarAggregation: boolean;
  onPatternCapReached(statement: string): void;
  /**
   * Runs `callback` when the current step ends: after the event being routed reached every
   * statement, or after every timer due at this instant fired. A join collects its windows'
   * posts and joins once per step (Esper dispatches a join once per event or time instant).
   */
  atStepEnd(callback: () => void): void;
  /** The engine's variables, named windows and tables (absent: statements may not use them). */
  readonly infra?: InfraRuntime;
  /** The context partition's properties (`context.name`, `context.key1`, …) of an instance in a context. */
  readonly context?: Record<string, unknown>;
}

export interface SharedWindow {
  readonly window: DataWindow;
  /** Names it in snapshot errors: `window #length`. */
  readonly label: string;
  /** Statements reading it; the last one to stop stops it. */
  users: number;
  readonly outputs: Operator[];
  /** The entries feeding it; every sharer holds them, so undeploying one keeps the others fed. */
  readonly entries: StatementEntry[];
}

/** Where routed events enter a statement. */
export interface StatementEntry {
  readonly stream: string;
  /** Equalities the engine's filter index answers before calling `accept`. */
  readonly indexed: readonly IndexedEquality[];
  /** Whether the entry tests a filter (indexed or not): such entries are reached before unfiltered ones. */
  readonly filtered?: boolean;
  accept(row: Row): void;
  /**
   * True when `accept(row)` is exactly `if (test(row)) take(row)` and `test` reads the row
   * only during the call (keeps nothing of it): the router may then test a row lent for one
   * call (Engine.sendTransient) and copy it only for an entry that takes it.
   */
  readonly transient?: boolean;
  test?(row: Row): boolean;
  take?(row: Row): void;
  /** With `transient`: `take` too keeps nothing of the row (it copies what it keeps), so it may take the lent row. */
  readonly copies?: boolean;
}

/**
 * A stateful part of a running statement, in the order the statement was built (the same
 * order in a restored engine). `label` names it in errors: `window #time`, `aggregation`.
 * Parts lacking the state contract's methods make a snapshot fail with `snapshot/unsupported`.
 */
export interface StatePart {
  readonly label: string;
  readonly part: Partial<Stateful>;
}

/**
 * A part a statement instance starts (a window arming START_EAGER timers, a pattern, a
 * preload). The parts themselves rather than closures: a closure made while building keeps
 * its call's whole context alive, once per instance (a context multiplies it by partitions).
 */
export interface Startable {
  start?(): void;
}

export interface PhysicalStatement {
  readonly entries: readonly StatementEntry[];
  /** The statement's stateful parts (common/state.ts), in build order. */
  readonly parts: readonly StatePart[];
  /** Counters a snapshot carries (events in, per entry). */
  counters(): number[];
  restoreCounters(counters: readonly number[]): void;
  /** Events currently held by the statement's data window or partial matches. */
  windowSize(): number;
  /** Partial matches dropped at the live-instance cap (pattern and match_recognize statements). */
  droppedPartialMatches(): number;
  /** Counts events entering (after the stream filter). */
  eventsIn(): number;
  /** Called once when a fresh statement starts (arms pattern timers); not after a restore. */
  start(): void;
  /**
   * Stops the statement for good: every part stops (timers cancelled, state released), and
   * it stops listening to shared windows (which stop with their last reader).
   */
  stop(): void;
  /** The statement's context partition ends (`output … when terminated` posts); `stop` follows. */
  terminate?(): void;
}
