import type { Row } from '../common/row.js';
/**
 * A data window kind is one WindowDef in one file plus one line in registry.ts.
 * The grammar is generic (`#name(args)`), so adding a window touches neither parser nor planner.
 *
 * Runtime protocol (Esper's view semantics): a window receives arrivals through `insert`
 * and timer callbacks it asked for; it posts each causal step downstream as one
 * `ctx.emit(inserted, removed)` call: a length window posts the arrival and the evicted
 * event together; a batch window posts the new batch and the previous batch together.
 */
import type { Span } from '../common/span.js';
import type { Stateful } from '../common/state.js';
import type { TimerService } from '../common/timers.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { ColumnarCapability } from './columnar.js';

/** One analyzed window argument. */
export type WindowArgument =
  /** `5 sec`, `1 min 30 sec`: already in milliseconds. */
  | { readonly kind: 'time-period'; readonly ms: number; readonly span: Span }
  /** A constant (literal or constant-folded expression): `3`, `0L`, `'x'`. */
  | { readonly kind: 'constant'; readonly value: unknown; readonly type: EplType; readonly span: Span }
  /** An expression over the event's properties: `symbol`, `price desc`. */
  | {
      readonly kind: 'expression';
      readonly expr: BoundExpr;
      readonly type: EplType;
      /** Set when written with `asc`/`desc` (sort windows). */
      readonly descending: boolean | undefined;
      /** The argument as written, for explain output. */
      readonly text: string;
      readonly span: Span;
    };

/** Facts the optimizer and physical planner read about a window kind. */
export interface WindowTraits {
  /** What drives eviction. */
  readonly basis: 'count' | 'time' | 'key' | 'none';
  /** Posts whole batches (length_batch, time_batch…); at most one per intersection. */
  readonly batching: boolean;
  /** Offers `prev()` (Esper's DataWindowViewWithPrevious: length, time, sort, batches…). */
  readonly ordered: boolean;
  /**
   * A `where` filter may move below this window without changing results. True only
   * when every event is kept and nothing is evicted (keepall); a count-based window never commutes.
   */
  readonly commutesWithFilter: boolean;
  /** Whether it retains events at all (firstevent keeps one; none retain for `#keepall` false). */
  readonly retains: boolean;
}

/** What a running window may ask of the engine. */
export interface WindowContext {
  /** Current engine (event) time in ms. */
  now(): number;
  /**
   * The engine's timer queue: timers addressed by owner (the window) and tag, which a
   * snapshot can hold (common/timers.ts; windows/time.ts shows the use).
   */
  readonly timers: TimerService;
  /** Posts one causal step downstream; null for an absent side. Never call with both sides empty. */
  emit(inserted: Row[] | null, removed: Row[] | null): void;
  /** Compiles an argument expression to a row accessor (once, at creation). */
  compile(expr: BoundExpr): (row: Row) => unknown;
  /** The statement start time (deployment time): reference for time_batch without a reference point. */
  readonly startTime: number;
  /**
   * Whether a post with neither new nor old events reaches anything that reacts to it (a
   * row-for-all aggregation posts a row for it, as Esper does). When false, a FORCE_UPDATE
   * batch window skips its empty intervals (computing the next flush instead of posting
   * nothing once per interval across a clock jump). Absent: assume it does.
   */
  readonly seesEmptyPosts?: boolean;
}

/**
 * A running window. It implements the state contract (common/state.ts): `snapshot` writes its
 * events as ids and its pending timer, `restore` fills a freshly built, not started window,
 * `stop` cancels its timers and drops its events.
 */
export interface DataWindow extends Stateful {
  /**
   * The statement starts (not called on a restored window): windows with a timer from the
   * start (START_EAGER) arm it here, as constructors schedule nothing (common/state.ts).
   */
  start?(): void;
  /** An event arrives (after the stream filter): Esper's update([row], null). */
  insert(row: Row): void;
  /**
   * Esper's `view.update(newData, oldData)` with both sides, as a named window's data window
   * gets an `on` action's change (new rows: inserted or updated copies; old rows: deleted
   * events or the originals of the copies). Esper builds the remove-stream variants of its
   * views there (LengthWindowViewRStream, TimeBatchViewRStream…); each kind does what its
   * view's update() does, quirks included, and posts what that view posts: one step, except
   * `#groupwin` (one per group touched) and `#ext_timed_batch` (a released batch, then the
   * removed rows). Rows already held are not added twice where Esper holds a set.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void;
  /**
   * An intersection partner removed `row`: what Esper's view does on update(null, [row]) in
   * an intersection (where Esper makes its remove-stream variants, LengthWindowViewRStream,
   * TimeBatchViewRStream…, which all drop the event), without posting. Returns whether the
   * window held it.
   */
  remove(row: Row): boolean;
  /** Events in the window, in the window's order: oldest first, or sort order for `#sort`. */
  contents(): Row[];
  size(): number;
  /**
   * `prev(n, x)`'s event (absent on windows Esper allows no prev() on). Esper's two access
   * strategies: sliding windows (length, time, keepall, ext_timed, time_accum) count n back
   * from the NEWEST event in the window whatever `row` is (IStreamRandomAccess: prev(0) is
   * the newest event, also for rows of the remove stream); `#sort` counts n from the start
   * of the sort order (IStreamSortRankRandomAccess); batch windows count n back from `row`
   * within the batch they last posted (IStreamRelativeAccess: undefined for any other row).
   */
  prev?(row: Row, n: number): Row | undefined;
}

export interface WindowDef<P = unknown> {
  /** EPL name, lower case: `length`, `time_batch`. */
  readonly name: string;
  /** For the generated language reference: `#length(n)`. */
  readonly syntax: string;
  readonly doc: string;
  readonly traits: WindowTraits;
  /**
   * Compile-time validation, with Esper-like messages ("#length requires a positive integer"),
   * throwing a WeirError('analyze/invalid-window-parameter') carrying the argument's span.
   */
  validate(args: readonly WindowArgument[], span: Span): P;
  /** A fresh runtime instance. */
  create(params: P, ctx: WindowContext): DataWindow;
  /**
   * Declared by kinds that can run fused with the aggregation they feed, keeping their
   * entries as columns (windows/columnar.ts; the physical rule fused-columnar-aggregation).
   */
  readonly columnar?: ColumnarCapability<P>;
  /** Parameters as shown by explain: `length(3)`. */
  describe(params: P): string;
}
