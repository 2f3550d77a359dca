import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
/**
 * An aggregate function is one AggregateDef in one file plus one line in registry.ts.
 * Every aggregator is maintained incrementally: `add` when an event enters the window
 * (or the group), `remove` when it leaves. Invertible functions (count, sum, avg, stddev)
 * keep O(1) state; the others (min, max, median, first, last, window) keep an ordered
 * structure of their inputs, never a rescan. `value()` must not consume or mutate state.
 */
import type { EplType } from '../common/types.js';

export interface Aggregator {
  /** `value` is the argument's value for this event (the row itself for `count(*)` / `window(*)`). */
  add(value: unknown, row: Row): void;
  remove(value: unknown, row: Row): void;
  value(): unknown;
  /** The aggregator's state as plain data (common/state.ts); events as ids. */
  snapshot(w: StateWriter): unknown;
  /** Replaces a fresh aggregator's state with a snapshot's. */
  restore(state: unknown, r: StateReader): void;
}

export interface AggregateSignature {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Accepts `*` (count(*), window(*)). */
  readonly star: boolean;
  /** Accepts `distinct` (count(distinct x), sum(distinct x)…). */
  readonly distinct: boolean;
}

export interface AggregateDef {
  /** EPL name, lower case. */
  readonly name: string;
  readonly syntax: string;
  readonly doc: string;
  readonly signature: AggregateSignature;
  /** remove() exactly undoes add() with O(1) state. */
  readonly invertible: boolean;
  /**
   * Whether null argument values reach the aggregator. Esper's aggregates skip nulls,
   * except first/last/window which see every event.
   */
  readonly seesNulls: boolean;
  /**
   * The aggregator keeps the event itself (`first`, `last`, `window`: by identity), not only
   * the argument's value. Statements using one cannot keep their window as columns.
   */
  readonly readsEvent?: boolean;
  /** Result type from argument types; throws a WeirError('analyze/invalid-aggregate') for bad types. */
  resultType(argTypes: readonly EplType[]): EplType;
  create(): Aggregator;
}
