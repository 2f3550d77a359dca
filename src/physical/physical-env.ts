/**
 * The boundary between the engine and a running statement: what the statement needs from the
 * engine (PhysicalEnv) and what the engine gets back (PhysicalStatement, its entries).
 */
import type { Row } from '../common/row.js';
import type { Operator } from '../operators/operator.js';
import type { IndexedEquality } from '../plan/logical-plan.js';
import type { DataWindow, TimerId } from '../windows/window-def.js';

/** What a running statement needs from the engine. */
export interface PhysicalEnv {
  now(): number;
  /** `spent`: this owner's timer that has fired, reused when possible (no allocation per re-arm). */
  schedule(due: number, onDue: (due: number) => void, spent?: TimerId): TimerId;
  cancel(id: TimerId): void;
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
}

export interface SharedWindow {
  readonly window: DataWindow;
  readonly outputs: Operator[];
  /** The entries feeding it; every sharer holds them, so undeploying one keeps the others fed. */
  readonly entries: StatementEntry[];
}

/** Where routed events enter a statement. */
export interface StatementEntry {
  readonly stream: string;
  /** Equalities the engine's filter index answers before calling `accept`. */
  readonly indexed: readonly IndexedEquality[];
  accept(row: Row): void;
}

export interface PhysicalStatement {
  readonly entries: readonly StatementEntry[];
  /** Events currently held by the statement's data window or partial matches. */
  windowSize(): number;
  /** Partial matches dropped at the live-instance cap (pattern and match_recognize statements). */
  droppedPartialMatches(): number;
  /** Counts events entering (after the stream filter). */
  eventsIn(): number;
  /** Called once when the statement starts (arms pattern timers). */
  start(): void;
}
