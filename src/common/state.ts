/**
 * The state contract: what every stateful part of a running statement implements, so that an
 * engine can be snapshotted, restored (in another process too) and stopped.
 *
 * Stateful parts are windows, aggregators and group tables, the prior buffer, join indexes,
 * pattern state and match_recognize runs, output limiters, named windows and tables. Rules:
 *
 * 1. State lives in fields. Nothing a part needs later is captured in a closure: a closure
 *    cannot be written into a snapshot. Functions a part holds are code built from the plan
 *    (compiled expressions, key functions), which a fresh instance rebuilds the same way.
 * 2. `snapshot(w)` returns the part's state as plain data: null, booleans, numbers, strings,
 *    arrays, plain objects, and typed arrays (Float64Array, Int32Array, Uint8Array…). No Map,
 *    Set, class instance, function or undefined (use null; a Map becomes an array of pairs).
 *    It must not change the part.
 * 3. Events are written as ids: `w.event(row)` (or `w.events(rows)`) returns the row's id in
 *    the snapshot's event table, and `r.event(id)` returns the restored row. A row held by
 *    several structures (a window and a prior buffer, two join indexes, a group's first event)
 *    is written once and restored as one object, so identity comparisons keep working.
 * 4. Timers are written by their owner: `w.timer(timer)` gives a TimerState (null when none is
 *    pending) and `r.timer(owner, state)` re-arms it with its original sequence number, so the
 *    firing order is exactly the snapshotted engine's. The engine checks that every pending
 *    timer was written by its owner (a timer nobody wrote fails the snapshot).
 * 5. `restore(state, r)` is called on a freshly built part that has not started (its
 *    constructor schedules no timer; anything armed at statement start is armed in a `start()`
 *    that a restored instance does not run) and replaces its whole state with the snapshot's.
 * 6. `stop()` ends the part for good: it cancels its timers and lets go of what it holds, so an
 *    undeployed statement neither fires nor stays reachable.
 * 7. A part with contents (a window, a named window, a table) also offers `contents()`: its
 *    events in its own order (`output snapshot` and named windows read it).
 *
 * A part's snapshot should be close to the size of what it holds: a window of n events writes
 * n event ids plus its few numbers, not a copy of each event per structure.
 */
import type { Row } from './row.js';
import type { Timer, TimerOwner, TimerState } from './timers.js';

export interface Stateful<S = unknown> {
  /** The part's state as plain data (rule 2); events as ids, timers as TimerStates. */
  snapshot(w: StateWriter): S;
  /** Replaces the state of a freshly built, not started part with `state`. */
  restore(state: S, r: StateReader): void;
  /** Stops for good: cancels timers, releases held state. */
  stop(): void;
}

export interface StateWriter {
  /** `row`'s id in the snapshot's event table (the same id for the same object). */
  event(row: Row): number;
  /** Ids of `rows`, in order. */
  events(rows: readonly Row[]): number[];
  /** A pending timer's state, or null when `timer` is undefined or no longer live. */
  timer(timer: Timer | undefined): TimerState | null;
}

export interface StateReader {
  /** The restored row with snapshot id `id` (the same object for the same id). */
  event(id: number): Row;
  /** Rows of `ids`, in order. */
  events(ids: readonly number[]): Row[];
  /** Re-arms a snapshotted timer for `owner` with its original order; undefined for null. */
  timer(owner: TimerOwner, state: TimerState | null): Timer | undefined;
}
