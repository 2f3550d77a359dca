/**
 * The events of a data window that feeds only an aggregation, kept as columns instead of
 * objects: per entry its arrival stamp, its group, and the value of each aggregate argument
 * (evaluated once, on arrival). No event object is retained, so the scavenger has nothing
 * per event to copy and promote: with row objects in a 30-second window that copying was
 * the largest single cost of the sliding workloads. Numeric arguments live in one
 * Float64Array (with null flags, allocated at the first null); others in one plain array
 * (see ColumnarColumns).
 *
 * A FIFO over power-of-two arrays that double when full. Positions are counted from the
 * oldest entry (0). `shift` only moves the head: a shifted entry's values stay readable
 * until the next `push`, so an operator may drop entries first and read them after.
 */
import type { Aggregator } from '../aggregates/aggregate-def.js';
import type { Row } from '../common/row.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';
import type { GroupState } from './aggregation-state.js';

const INITIAL_CAPACITY = 16;
/** Passed as the event to aggregators that only read values (the columnar path never feeds one that reads the event). */
const NO_EVENT: Row = Object.freeze({}) as Row;
/** An argument the aggregates skip (null). */
const SKIP: unknown = Symbol('skip');

/** How one aggregate argument is stored. */
export type ArgumentKind = 'number' | 'any' | 'star';

/** One aggregate's argument: its compiled expression (undefined for `count(*)`) and storage. */
export interface ColumnarArgument {
  readonly fn: CompiledExpr | undefined;
  readonly kind: ArgumentKind;
}

const STAR = 0;
const NUMBER = 1;
const ANY = 2;

/**
 * Where each aggregate argument lives in a ring: numeric arguments side by side in one
 * Float64Array (entry-major, so an entry's numbers share a cache line), others in one plain
 * array, `count(*)` nowhere. Built once per argument list and shared by every statement with
 * the same aggregates (plan-operators caches it), so a ring's own state is its stores alone:
 * with a thousand statements, each cold object on the way to an entry's slot is a cache miss.
 */
export class ColumnarColumns {
  /** Per argument: STAR, NUMBER or ANY. */
  readonly kinds: readonly number[];
  readonly fns: readonly (CompiledExpr | undefined)[];
  /** Per argument: its column in the numbers or others store (unused for count(*)). */
  readonly columns: readonly number[];
  readonly numberCount: number;
  readonly otherCount: number;

  constructor(args: readonly ColumnarArgument[]) {
    let numbers = 0;
    let others = 0;
    const kinds: number[] = [];
    const columns: number[] = [];
    for (const { fn, kind } of args) {
      if (fn === undefined || kind === 'star') {
        kinds.push(STAR);
        columns.push(-1);
      } else if (kind === 'number') {
        kinds.push(NUMBER);
        columns.push(numbers++);
      } else {
        kinds.push(ANY);
        columns.push(others++);
      }
    }
    this.kinds = kinds;
    this.fns = args.map((a) => (a.kind === 'star' ? undefined : a.fn));
    this.columns = columns;
    this.numberCount = numbers;
    this.otherCount = others;
  }

  /**
   * Argument `i`'s value for `row` as the aggregates receive it: true for `count(*)`, and
   * undefined when the value is skipped (null, or not a number in a numeric column).
   */
  valueOf(i: number, row: Row, ctx: EvalFrame): unknown {
    const fn = this.fns[i];
    if (fn === undefined) return true;
    const value = fn(row, ctx);
    if (this.kinds[i] === NUMBER) return typeof value === 'number' ? value : undefined;
    return value === null ? undefined : value;
  }
}

/** A ring's entries from the oldest (common/state.ts): groups as indexes into the owner's group list. */
export interface ColumnarRingState {
  readonly count: number;
  readonly stamps: Float64Array | null;
  readonly groups: Int32Array | null;
  readonly numbers: Float64Array | null;
  readonly nulls: Uint8Array | null;
  readonly others: unknown[] | null;
}

export class ColumnarRing {
  /** Arrival stamps, for windows that expire by time (undefined for the others). */
  private stamps: Float64Array | undefined;
  /** Each entry's group; undefined without group by (one state for all). */
  private groups: (GroupState | null)[] | undefined;
  /** Numeric arguments, `numberCount` per entry. */
  private numbers: Float64Array | undefined;
  /** Null flags for the numeric arguments, allocated at the first null (most streams have none). */
  private nulls: Uint8Array | undefined;
  /** Other arguments, `otherCount` per entry (null for a null value). */
  private others: unknown[] | undefined;
  private mask = INITIAL_CAPACITY - 1;
  private head = 0;
  private count = 0;

  constructor(
    private readonly layout: ColumnarColumns,
    grouped: boolean,
    stamped: boolean,
  ) {
    if (stamped) this.stamps = new Float64Array(INITIAL_CAPACITY);
    if (layout.numberCount > 0) this.numbers = new Float64Array(INITIAL_CAPACITY * layout.numberCount);
    if (layout.otherCount > 0) this.others = new Array(INITIAL_CAPACITY * layout.otherCount).fill(null);
    this.groups = grouped ? new Array(INITIAL_CAPACITY).fill(null) : undefined;
  }

  get size(): number {
    return this.count;
  }

  /** Appends an entry: its stamp (ignored when unstamped), its group, and its arguments evaluated on `row`. */
  push(stamp: number, group: GroupState | null, row: Row, ctx: EvalFrame): void {
    if (this.count > this.mask) this.grow();
    const slot = (this.head + this.count) & this.mask;
    if (this.stamps !== undefined) this.stamps[slot] = stamp;
    if (this.groups !== undefined) this.groups[slot] = group;
    const layout = this.layout;
    const { kinds, columns, numberCount, otherCount } = layout;
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[i];
      if (kind === STAR) continue;
      const value = layout.valueOf(i, row, ctx);
      if (kind === NUMBER) {
        const at = slot * numberCount + (columns[i] as number);
        if (value !== undefined) {
          (this.numbers as Float64Array)[at] = value as number;
          if (this.nulls !== undefined) this.nulls[at] = 0;
        } else {
          this.nulls ??= new Uint8Array((this.mask + 1) * numberCount);
          this.nulls[at] = 1;
        }
      } else {
        (this.others as unknown[])[slot * otherCount + (columns[i] as number)] = value ?? null;
      }
    }
    this.count++;
  }

  /**
   * Drops the `n` oldest entries. Their values and groups stay readable at negative
   * positions until the next push (a dropped entry's group reference lingers until its
   * slot is reused: at most the ring's capacity of them).
   */
  shift(n: number): void {
    this.head = (this.head + n) & this.mask;
    this.count -= n;
  }

  /** Position relative to the current oldest entry; negative positions reach shifted entries. */
  stampAt(position: number): number {
    return (this.stamps as Float64Array)[(this.head + position) & this.mask] as number;
  }

  groupAt(position: number): GroupState {
    return (this.groups as GroupState[])[(this.head + position) & this.mask] as GroupState;
  }

  /**
   * Feeds entry `position`'s values to `state`'s aggregators. (`enter` and `leave` each have
   * their own loop, so each call site sees one aggregator method: V8 inlines the aggregator's
   * add or remove there, where one loop choosing between them per call inlined neither.)
   */
  enter(position: number, state: GroupState): void {
    const slot = (this.head + position) & this.mask;
    const aggregators = state.aggregators;
    const n = this.layout.kinds.length;
    for (let i = 0; i < n; i++) {
      const value = this.argumentAt(slot, i);
      if (value !== SKIP) (aggregators[i] as Aggregator).add(value, NO_EVENT);
    }
    state.rows++;
  }

  /** Takes entry `position`'s values out of `state`'s aggregators. */
  leave(position: number, state: GroupState): void {
    const slot = (this.head + position) & this.mask;
    const aggregators = state.aggregators;
    const n = this.layout.kinds.length;
    for (let i = 0; i < n; i++) {
      const value = this.argumentAt(slot, i);
      if (value !== SKIP) (aggregators[i] as Aggregator).remove(value, NO_EVENT);
    }
    state.rows--;
  }

  /** Entry `slot`'s argument `i` as its aggregate receives it, or SKIP for a null. */
  private argumentAt(slot: number, i: number): unknown {
    const layout = this.layout;
    const kind = layout.kinds[i];
    if (kind === NUMBER) {
      const at = slot * layout.numberCount + (layout.columns[i] as number);
      if (this.nulls !== undefined && this.nulls[at] === 1) return SKIP;
      return (this.numbers as Float64Array)[at];
    }
    if (kind === ANY) {
      const value = (this.others as unknown[])[slot * layout.otherCount + (layout.columns[i] as number)];
      return value === null ? SKIP : value;
    }
    return true;
  }

  /** The live entries, oldest first; `indexOf` numbers their groups (written by the owner). */
  snapshot(indexOf: (group: GroupState) => number): ColumnarRingState {
    const { head, count, mask } = this;
    const { numberCount, otherCount } = this.layout;
    const slots = (width: number, copy: (to: number, from: number) => void) => {
      for (let i = 0; i < count; i++) {
        const from = ((head + i) & mask) * width;
        for (let j = 0; j < width; j++) copy(i * width + j, from + j);
      }
    };
    let stamps: Float64Array | null = null;
    if (this.stamps !== undefined) {
      const src = this.stamps;
      const out = new Float64Array(count);
      slots(1, (to, from) => {
        out[to] = src[from] as number;
      });
      stamps = out;
    }
    let groups: Int32Array | null = null;
    if (this.groups !== undefined) {
      const src = this.groups;
      const out = new Int32Array(count);
      slots(1, (to, from) => {
        out[to] = indexOf(src[from] as GroupState);
      });
      groups = out;
    }
    let numbers: Float64Array | null = null;
    let nulls: Uint8Array | null = null;
    if (this.numbers !== undefined) {
      const src = this.numbers;
      const out = new Float64Array(count * numberCount);
      slots(numberCount, (to, from) => {
        out[to] = src[from] as number;
      });
      numbers = out;
      if (this.nulls !== undefined) {
        const srcNulls = this.nulls;
        const outNulls = new Uint8Array(count * numberCount);
        slots(numberCount, (to, from) => {
          outNulls[to] = srcNulls[from] as number;
        });
        nulls = outNulls;
      }
    }
    let others: unknown[] | null = null;
    if (this.others !== undefined) {
      const src = this.others;
      const out = new Array<unknown>(count * otherCount);
      slots(otherCount, (to, from) => {
        out[to] = src[from];
      });
      others = out;
    }
    return { count, stamps, groups, numbers, nulls, others };
  }

  /** Replaces the entries with a snapshot's (a fresh ring); `groupAt` resolves group indexes. */
  restore(state: ColumnarRingState, groupAt: (index: number) => GroupState): void {
    const { count } = state;
    const { numberCount, otherCount } = this.layout;
    let capacity = INITIAL_CAPACITY;
    while (capacity < count) capacity *= 2;
    this.mask = capacity - 1;
    this.head = 0;
    this.count = count;
    const fit = (width: number, what: string, length: number | undefined, expected: boolean) => {
      if ((length !== undefined) !== expected || (length !== undefined && length !== count * width)) {
        throw new Error(`the columnar window's ${what} do not match its ${count} entries`);
      }
    };
    fit(1, 'stamps', state.stamps?.length, this.stamps !== undefined);
    fit(1, 'groups', state.groups?.length, this.groups !== undefined);
    fit(numberCount, 'numbers', state.numbers?.length, this.numbers !== undefined);
    fit(otherCount, 'other values', state.others?.length, this.others !== undefined);
    if (state.stamps !== null) {
      this.stamps = new Float64Array(capacity);
      this.stamps.set(state.stamps);
    }
    if (state.groups !== null) {
      const groups = new Array<GroupState | null>(capacity).fill(null);
      for (let i = 0; i < count; i++) groups[i] = groupAt(state.groups[i] as number);
      this.groups = groups;
    }
    if (state.numbers !== null) {
      this.numbers = new Float64Array(capacity * numberCount);
      this.numbers.set(state.numbers);
      if (state.nulls !== null) {
        fit(numberCount, 'null flags', state.nulls.length, true);
        this.nulls = new Uint8Array(capacity * numberCount);
        this.nulls.set(state.nulls);
      }
    }
    if (state.others !== null) {
      const others = new Array<unknown>(capacity * otherCount).fill(null);
      for (let i = 0; i < state.others.length; i++) others[i] = state.others[i];
      this.others = others;
    }
  }

  /** Lets go of the entries (the statement stopped). */
  stop(): void {
    this.head = 0;
    this.count = 0;
    if (this.groups !== undefined) this.groups.fill(null);
    if (this.others !== undefined) this.others.fill(null);
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const { head, count, mask } = this;
    const { numberCount, otherCount } = this.layout;
    const old = this.stamps;
    if (old !== undefined) {
      const stamps = new Float64Array(capacity);
      for (let i = 0; i < count; i++) stamps[i] = old[(head + i) & mask] as number;
      this.stamps = stamps;
    }
    if (this.groups !== undefined) {
      const groups = new Array<GroupState | null>(capacity).fill(null);
      for (let i = 0; i < count; i++) groups[i] = this.groups[(head + i) & mask] as GroupState | null;
      this.groups = groups;
    }
    if (this.numbers !== undefined) {
      const from = this.numbers;
      const numbers = new Float64Array(capacity * numberCount);
      const fromNulls = this.nulls;
      const nulls = fromNulls === undefined ? undefined : new Uint8Array(capacity * numberCount);
      for (let i = 0; i < count; i++) {
        const at = ((head + i) & mask) * numberCount;
        for (let j = 0; j < numberCount; j++) {
          numbers[i * numberCount + j] = from[at + j] as number;
          if (nulls !== undefined) nulls[i * numberCount + j] = (fromNulls as Uint8Array)[at + j] as number;
        }
      }
      this.numbers = numbers;
      this.nulls = nulls;
    }
    if (this.others !== undefined) {
      const from = this.others;
      const others = new Array<unknown>(capacity * otherCount).fill(null);
      for (let i = 0; i < count; i++) {
        const at = ((head + i) & mask) * otherCount;
        for (let j = 0; j < otherCount; j++) others[i * otherCount + j] = from[at + j];
      }
      this.others = others;
    }
    this.mask = capacity - 1;
    this.head = 0;
  }
}
