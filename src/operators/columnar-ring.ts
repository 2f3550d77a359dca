/**
 * The events of a data window that feeds only an aggregation, kept as columns instead of
 * objects: per entry its arrival stamp, its group, and the value of each aggregate argument
 * (evaluated once, on arrival). No event object is retained, so the scavenger has nothing
 * per event to copy and promote: with row objects in a 30-second window that copying was
 * the largest single cost of the sliding workloads. Numeric arguments live in a
 * Float64Array (with null flags, allocated at the first null); others in a plain array.
 *
 * A FIFO over power-of-two arrays that double when full. Positions are counted from the
 * oldest entry (0). `shift` only moves the head: a shifted entry's values stay readable
 * until the next `push`, so an operator may drop entries first and read them after.
 */
import type { Aggregator } from '../aggregates/aggregate-def.js';
import type { Row } from '../common/row.js';
import type { CompiledExpr, EvalContext } from '../plan/expr.js';
import type { GroupState } from './aggregation-state.js';

const INITIAL_CAPACITY = 16;
/** Passed as the event to aggregators that only read values (the columnar path never feeds one that reads the event). */
const NO_EVENT: Row = Object.freeze({}) as Row;

/** How one aggregate argument is stored. */
export type ArgumentKind = 'number' | 'any' | 'star';

/** One aggregate's argument: its compiled expression (undefined for `count(*)`) and storage. */
export interface ColumnarArgument {
  readonly fn: CompiledExpr | undefined;
  readonly kind: ArgumentKind;
}

interface Lane {
  /** Stores the argument's value for `row` as entry `slot`. */
  write(slot: number, row: Row, ctx: EvalContext): void;
  /** Whether entry `slot` holds null (skipped by every columnar aggregate). */
  isNull(slot: number): boolean;
  get(slot: number): unknown;
  resized(capacity: number, from: Lane, head: number, count: number, mask: number): Lane;
}

class NumberLane implements Lane {
  readonly values: Float64Array;
  /** Allocated at the first null: most streams have none, and each array is another cache line to touch. */
  private nulls: Uint8Array | undefined;
  constructor(
    private readonly fn: CompiledExpr,
    capacity: number,
  ) {
    this.values = new Float64Array(capacity);
  }
  write(slot: number, row: Row, ctx: EvalContext): void {
    const value = this.fn(row, ctx);
    if (typeof value === 'number') {
      this.values[slot] = value;
      if (this.nulls !== undefined) this.nulls[slot] = 0;
    } else {
      this.nulls ??= new Uint8Array(this.values.length);
      this.nulls[slot] = 1;
    }
  }
  isNull(slot: number): boolean {
    return this.nulls !== undefined && this.nulls[slot] === 1;
  }
  get(slot: number): unknown {
    return this.values[slot];
  }
  resized(capacity: number, from: NumberLane, head: number, count: number, mask: number): Lane {
    const lane = new NumberLane(this.fn, capacity);
    const nulls = from.nulls;
    if (nulls !== undefined) lane.nulls = new Uint8Array(capacity);
    for (let i = 0; i < count; i++) {
      const at = (head + i) & mask;
      lane.values[i] = from.values[at] as number;
      if (nulls !== undefined) (lane.nulls as Uint8Array)[i] = nulls[at] as number;
    }
    return lane;
  }
}

class AnyLane implements Lane {
  readonly values: unknown[];
  constructor(
    private readonly fn: CompiledExpr,
    capacity: number,
  ) {
    this.values = new Array(capacity).fill(null);
  }
  write(slot: number, row: Row, ctx: EvalContext): void {
    const value = this.fn(row, ctx);
    this.values[slot] = value === undefined ? null : value;
  }
  isNull(slot: number): boolean {
    return this.values[slot] === null;
  }
  get(slot: number): unknown {
    return this.values[slot];
  }
  resized(capacity: number, from: AnyLane, head: number, count: number, mask: number): Lane {
    const lane = new AnyLane(this.fn, capacity);
    for (let i = 0; i < count; i++) lane.values[i] = from.values[(head + i) & mask];
    return lane;
  }
}

/** `count(*)`: nothing to store; every entry counts. */
class StarLane implements Lane {
  write(): void {}
  isNull(): boolean {
    return false;
  }
  get(): unknown {
    return true;
  }
  resized(): Lane {
    return this;
  }
}

function newLane({ fn, kind }: ColumnarArgument, capacity: number): Lane {
  if (fn === undefined || kind === 'star') return new StarLane();
  return kind === 'number' ? new NumberLane(fn, capacity) : new AnyLane(fn, capacity);
}

export class ColumnarRing {
  /** Arrival stamps, for windows that expire by time (undefined for the others). */
  private stamps: Float64Array | undefined;
  /** Each entry's group; undefined without group by (one state for all). */
  private groups: (GroupState | null)[] | undefined;
  private lanes: Lane[];
  private mask = INITIAL_CAPACITY - 1;
  private head = 0;
  private count = 0;

  constructor(args: readonly ColumnarArgument[], grouped: boolean, stamped: boolean) {
    if (stamped) this.stamps = new Float64Array(INITIAL_CAPACITY);
    this.lanes = args.map((a) => newLane(a, INITIAL_CAPACITY));
    this.groups = grouped ? new Array(INITIAL_CAPACITY).fill(null) : undefined;
  }

  get size(): number {
    return this.count;
  }

  /** Appends an entry: its stamp (ignored when unstamped), its group, and its arguments evaluated on `row`. */
  push(stamp: number, group: GroupState | null, row: Row, ctx: EvalContext): void {
    if (this.count > this.mask) this.grow();
    const slot = (this.head + this.count) & this.mask;
    if (this.stamps !== undefined) this.stamps[slot] = stamp;
    if (this.groups !== undefined) this.groups[slot] = group;
    const lanes = this.lanes;
    for (let i = 0; i < lanes.length; i++) (lanes[i] as Lane).write(slot, row, ctx);
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

  /** Feeds entry `position`'s values to `state`'s aggregators. */
  enter(position: number, state: GroupState): void {
    const slot = (this.head + position) & this.mask;
    const lanes = this.lanes;
    const aggregators = state.aggregators;
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i] as Lane;
      if (!lane.isNull(slot)) (aggregators[i] as Aggregator).add(lane.get(slot), NO_EVENT);
    }
    state.rows++;
  }

  /** Takes entry `position`'s values out of `state`'s aggregators. */
  leave(position: number, state: GroupState): void {
    const slot = (this.head + position) & this.mask;
    const lanes = this.lanes;
    const aggregators = state.aggregators;
    for (let i = 0; i < lanes.length; i++) {
      const lane = lanes[i] as Lane;
      if (!lane.isNull(slot)) (aggregators[i] as Aggregator).remove(lane.get(slot), NO_EVENT);
    }
    state.rows--;
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const { head, count, mask } = this;
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
    this.lanes = this.lanes.map((lane) => lane.resized(capacity, lane, head, count, mask));
    this.mask = capacity - 1;
    this.head = 0;
  }
}
