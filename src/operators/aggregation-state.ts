/**
 * The aggregate values of one group (or of the whole statement without group by).
 * Each computed slot owns an incremental aggregator; derived slots (avg from a shared
 * sum and count) are computed from other slots when values are refreshed.
 */
import type { Aggregator } from '../aggregates/aggregate-def.js';
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';

export interface ComputedSlot {
  readonly slot: number;
  readonly create: () => Aggregator;
  /** undefined: the aggregator receives the row (`count(*)`, `window(*)`). */
  readonly arg: CompiledExpr | undefined;
  /** Esper skips null values unless the function counts them (`count(*)`, `first`, …). */
  readonly skipNulls: boolean;
  /**
   * What identifies the aggregated event to an aggregator that keeps events (`first`, `last`):
   * undefined, the row; over a join, the event of the stream the argument reads (Esper keeps
   * that stream's events; a join builds a new row object for a combination that leaves), or
   * undefined when an outer join padded that stream with null (the row then adds nothing).
   */
  readonly identity?: (row: Row) => Row | undefined;
}

export interface DerivedSlot {
  readonly slot: number;
  readonly formula: 'avg-from-sum-count';
  readonly sources: readonly number[];
}

export interface AggregateLayout {
  readonly slotCount: number;
  readonly computed: readonly ComputedSlot[];
  readonly derived: readonly DerivedSlot[];
}

export interface GroupStateSnapshot {
  readonly key: unknown;
  readonly rows: number;
  readonly first: number | null;
  readonly aggregators: readonly unknown[];
}

export class GroupState {
  readonly aggregators: Aggregator[];
  readonly values: unknown[];
  /** Events currently aggregated: a group with none left can be dropped. */
  rows = 0;
  /** Step bookkeeping for operators: the last step that touched the group, and its first event then. */
  touchedInStep = 0;
  stepEvent: Row | null = null;
  /**
   * The event that created the group, for operators that keep no events (columnar): in a
   * row-per-group statement every plain column reads only group keys, so any event of the
   * group builds the same row.
   */
  firstEvent: Row | null = null;

  constructor(
    private readonly layout: AggregateLayout,
    /** The group's key (undefined without group by). */
    readonly key: unknown = undefined,
    /** The aggregators of the computed slots when they live elsewhere (a table row's columns). */
    aggregators?: Aggregator[],
  ) {
    this.aggregators = aggregators ?? layout.computed.map((c) => c.create());
    this.values = new Array(layout.slotCount).fill(null);
    this.refresh();
  }

  /** The group's key, event count, first event and each aggregator's state (common/state.ts). */
  snapshot(w: StateWriter): GroupStateSnapshot {
    return {
      key: this.key === undefined ? null : this.key,
      rows: this.rows,
      first: this.firstEvent === null ? null : w.event(this.firstEvent),
      aggregators: this.aggregators.map((a) => a.snapshot(w)),
    };
  }

  /** A group rebuilt from its snapshot (values refreshed from the restored aggregators). */
  static restore(layout: AggregateLayout, s: GroupStateSnapshot, r: StateReader, keyed: boolean): GroupState {
    const state = new GroupState(layout, keyed ? s.key : undefined);
    state.rows = s.rows;
    state.firstEvent = s.first === null ? null : r.event(s.first);
    state.aggregators.forEach((a, i) => a.restore(s.aggregators[i], r));
    state.refresh();
    return state;
  }

  enter(row: Row, ctx: EvalFrame): void {
    const { computed } = this.layout;
    for (let i = 0; i < computed.length; i++) {
      const c = computed[i] as ComputedSlot;
      const v = c.arg === undefined ? row : c.arg(row, ctx);
      if (c.skipNulls && (v === null || v === undefined)) continue;
      const key = c.identity === undefined ? row : c.identity(row);
      if (key !== undefined) (this.aggregators[i] as Aggregator).add(v, key);
    }
    this.rows++;
  }

  leave(row: Row, ctx: EvalFrame): void {
    const { computed } = this.layout;
    for (let i = 0; i < computed.length; i++) {
      const c = computed[i] as ComputedSlot;
      const v = c.arg === undefined ? row : c.arg(row, ctx);
      if (c.skipNulls && (v === null || v === undefined)) continue;
      const key = c.identity === undefined ? row : c.identity(row);
      if (key !== undefined) (this.aggregators[i] as Aggregator).remove(v, key);
    }
    this.rows--;
  }

  /** Back to no events (a batch starting afresh): new aggregators, values refreshed from them. */
  reset(): void {
    const { computed } = this.layout;
    for (let i = 0; i < computed.length; i++) this.aggregators[i] = (computed[i] as ComputedSlot).create();
    this.rows = 0;
    this.refresh();
  }

  /** Recomputes `values` from the aggregators; call after a step's enters and leaves. */
  refresh(): unknown[] {
    const { computed, derived } = this.layout;
    for (let i = 0; i < computed.length; i++) {
      this.values[(computed[i] as ComputedSlot).slot] = (this.aggregators[i] as Aggregator).value();
    }
    for (const d of derived) this.values[d.slot] = deriveValue(d, this.values);
    return this.values;
  }
}

function deriveValue(d: DerivedSlot, values: readonly unknown[]): unknown {
  switch (d.formula) {
    case 'avg-from-sum-count': {
      const sum = values[d.sources[0] as number];
      const count = values[d.sources[1] as number];
      return typeof sum === 'number' && typeof count === 'number' && count > 0 ? sum / count : null;
    }
  }
}

/**
 * Where a grouped aggregation keeps its groups: a map of its own, or the rows of a table
 * (`into table`), which other statements read and change and which outlive their events.
 */
export interface GroupStore {
  get(key: unknown): GroupState | undefined;
  /** A new group for `key` (its first event `row`), stored. */
  create(key: unknown, row: Row): GroupState;
  /** `state` aggregates no event any more: a map drops it (Esper drops such groups), a table keeps its row. */
  emptied(state: GroupState): void;
  /** Every group held. */
  values(): Iterable<GroupState>;
  /**
   * The statement's groups as plain data (common/state.ts): a map writes each group whole; a
   * table writes only what the statement's groups add to its rows (the rows and their
   * aggregators are the table's own part).
   */
  snapshot(w: StateWriter): unknown;
  /** Puts back what `snapshot` wrote, into a fresh store (a table's rows restored already). */
  restore(state: unknown, r: StateReader): void;
  /** The statement stops: a map lets its groups go, a table keeps its rows. */
  release(): void;
}

export class MapGroupStore implements GroupStore {
  private readonly groups = new Map<unknown, GroupState>();

  constructor(private readonly layout: AggregateLayout) {}

  get(key: unknown): GroupState | undefined {
    return this.groups.get(key);
  }

  create(key: unknown): GroupState {
    const state = new GroupState(this.layout, key);
    this.groups.set(key, state);
    return state;
  }

  emptied(state: GroupState): void {
    this.groups.delete(state.key);
  }

  values(): Iterable<GroupState> {
    return this.groups.values();
  }

  /** The groups in creation order (the order rows of one step are posted in). */
  snapshot(w: StateWriter): GroupStateSnapshot[] {
    return [...this.groups.values()].map((g) => g.snapshot(w));
  }

  restore(groups: GroupStateSnapshot[], r: StateReader): void {
    for (const s of groups) {
      const state = GroupState.restore(this.layout, s, r, true);
      this.groups.set(state.key, state);
    }
  }

  release(): void {
    this.groups.clear();
  }
}
