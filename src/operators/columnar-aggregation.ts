/**
 * A data window fused with the aggregation it feeds, for the most common statement shape:
 * `select <group keys>, <aggregates> from S#win(...) [group by ...] [having ...]` over a
 * length, time, length_batch or time_batch window (see physical/columnar-plan.ts for the
 * exact conditions). The window keeps its events as columns (`ColumnarRing`): each entry's
 * group and aggregate arguments, never the event, and a step is one call from window to
 * output with no intermediate arrays.
 *
 * Rows are posted exactly as the window followed by AggregateGroupedOperator (row per
 * group) or AggregateAllOperator (row for all) would post them: the window driver (the window
 * kind's columnar capability, windows/columnar.ts) names the entries entering and leaving in
 * a step, and `post` does what those operators do with them. Grouped rows are built from the group's first event,
 * which gives the same row as any event of the group since every plain column and the
 * having clause read only group keys.
 *
 * Batch windows whose statement posts no old rows run in a second mode that keeps no entries
 * at all (`accumulate` / `flushBatch`): an arriving event enters its group's aggregates at
 * once, and a flush posts the batch's rows and starts each group afresh. The rows are those
 * of the first mode (the batch's groups in first-arrival order, then the previous batch's
 * groups with empty aggregates), but each event is aggregated once instead of entering at
 * one flush and leaving at the next, memory is per group rather than per event, and sums are
 * taken over the batch alone rather than as previous + batch − previous (the same value up to
 * floating-point rounding; the first mode is still needed for the remove stream, which
 * carries the previous batch's values).
 */
import type { Aggregator } from '../aggregates/aggregate-def.js';
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import type { ColumnarTarget } from '../windows/columnar.js';
import { type AggregateLayout, GroupState, type GroupStateSnapshot } from './aggregation-state.js';
import { type ColumnarColumns, ColumnarRing, type ColumnarRingState } from './columnar-ring.js';
import type { GroupKeyFn } from './group-key.js';
import type { Operator } from './operator.js';
import type { RowBuilder } from './row-builder.js';

const NO_EVENT: Row = Object.freeze({}) as Row;

/**
 * A columnar aggregation's state (common/state.ts): its groups (the live ones first, in map
 * order, then any group only a batch list still names), each with the step that last touched
 * it; the lists of groups as indexes into that list; the ring's entries.
 */
export interface ColumnarAggregationState {
  readonly all: GroupStateSnapshot | null;
  readonly groups: readonly GroupStateSnapshot[];
  /** How many of `groups` are in the group map (the rest are only named by the lists). */
  readonly live: number;
  readonly touched: readonly number[];
  readonly changed: readonly number[];
  readonly previousBatch: readonly number[];
  readonly step: number;
  readonly batch: number;
  readonly ring: ColumnarRingState;
}

export class ColumnarAggregation implements ColumnarTarget, Stateful<ColumnarAggregationState> {
  readonly ring: ColumnarRing;
  private readonly groups = new Map<unknown, GroupState>();
  /** The single state without group by. */
  private all: GroupState | undefined;
  /** Groups touched in the current step (batch mode: batch), in first-touch order (marked by `mark`). */
  private readonly changed: GroupState[] = [];
  private step = 0;
  /** Batch mode: the current batch's number (marks its groups) and the previous batch's groups. */
  private batch = 1;
  private previousBatch: GroupState[] = [];

  constructor(
    private readonly layout: AggregateLayout,
    private readonly columns: ColumnarColumns,
    /** undefined without group by. */
    private readonly groupKey: GroupKeyFn | undefined,
    private readonly build: RowBuilder,
    private readonly having: ((row: Row, ctx: EvalFrame) => boolean) | undefined,
    private readonly ctx: EvalFrame,
    /** Whether the statement posts old rows (then batch windows keep their entries). */
    readonly needOld: boolean,
    private readonly next: Operator,
    /** Whether entries keep their arrival time (windows that expire by time). */
    stamped: boolean,
    /** Whether a batch may be aggregated afresh (ColumnarPlan.orderFree). */
    readonly orderFree = true,
  ) {
    this.ring = new ColumnarRing(columns, groupKey !== undefined, stamped);
    this.all = groupKey === undefined ? new GroupState(layout) : undefined;
  }

  snapshot(w: StateWriter): ColumnarAggregationState {
    const list: GroupState[] = [...this.groups.values()];
    const live = list.length;
    const index = new Map<GroupState, number>();
    list.forEach((g, i) => index.set(g, i));
    const indexOf = (g: GroupState): number => {
      let i = index.get(g);
      if (i === undefined) {
        i = list.length;
        list.push(g);
        index.set(g, i);
      }
      return i;
    };
    const changed = this.changed.map(indexOf);
    const previousBatch = this.previousBatch.map(indexOf);
    const ring = this.ring.snapshot(indexOf);
    return {
      all: this.all === undefined ? null : this.all.snapshot(w),
      groups: list.map((g) => g.snapshot(w)),
      live,
      touched: list.map((g) => g.touchedInStep),
      changed,
      previousBatch,
      step: this.step,
      batch: this.batch,
      ring,
    };
  }

  restore(state: ColumnarAggregationState, r: StateReader): void {
    if ((state.all === null) !== (this.all === undefined)) {
      throw new Error('the columnar aggregation was snapshotted with another grouping');
    }
    if (state.all !== null) this.all = GroupState.restore(this.layout, state.all, r, false);
    const list = state.groups.map((g, i) => {
      const group = GroupState.restore(this.layout, g, r, true);
      group.touchedInStep = state.touched[i] as number;
      if (i < state.live) this.groups.set(group.key, group);
      return group;
    });
    const groupAt = (i: number): GroupState => {
      const group = list[i];
      if (group === undefined) throw new Error(`the columnar aggregation has no group #${i}`);
      return group;
    };
    this.changed.length = 0;
    for (const i of state.changed) this.changed.push(groupAt(i));
    this.previousBatch = state.previousBatch.map(groupAt);
    this.step = state.step;
    this.batch = state.batch;
    this.ring.restore(state.ring, groupAt);
  }

  stop(): void {
    this.groups.clear();
    this.changed.length = 0;
    this.previousBatch = [];
    this.ring.stop();
  }

  /** Appends `row` to the window (its group found or created now); it enters the aggregates at `post`. */
  push(row: Row, stamp: number): void {
    this.ring.push(stamp, this.groupKey === undefined ? null : this.groupOf(row), row, this.ctx);
  }

  /**
   * One causal step: the entries at positions [enterAt, enterAt + entering) enter and those
   * at [leaveAt, leaveAt + leaving) leave (positions from the ring's oldest entry; leaving
   * entries are usually already shifted out, at negative positions).
   */
  post(enterAt: number, entering: number, leaveAt: number, leaving: number): void {
    if (this.all !== undefined) this.postAll(this.all, enterAt, entering, leaveAt, leaving);
    else if (entering + leaving === 1) {
      if (entering === 1) this.postOne(enterAt, true);
      else this.postOne(leaveAt, false);
    } else this.postGrouped(enterAt, entering, leaveAt, leaving);
  }

  /** Batch mode: `row` enters its group's aggregates now; nothing of it is kept. */
  accumulate(row: Row): void {
    const state = this.all ?? this.groupOf(row);
    const columns = this.columns;
    const aggregators = state.aggregators;
    for (let i = 0; i < aggregators.length; i++) {
      const value = columns.valueOf(i, row, this.ctx);
      if (value !== undefined) (aggregators[i] as Aggregator).add(value, NO_EVENT);
    }
    state.rows++;
    if (this.all === undefined) this.mark(state, this.batch);
  }

  /**
   * Batch mode: posts a row per group of this batch and of the previous one (with empty
   * aggregates), or the one row without group by, then starts the batch's groups afresh and
   * drops the previous batch's.
   */
  flushBatch(): void {
    const ctx = this.ctx;
    const all = this.all;
    if (all !== undefined) {
      ctx.aggValues = all.refresh();
      const row = this.rowFor(NO_EVENT);
      all.reset();
      if (row !== null) this.next.onUpdate([row], null);
      return;
    }
    const batch = this.batch++;
    for (const state of this.previousBatch) this.mark(state, batch);
    const current: GroupState[] = [];
    const newRows = this.changedRows(current);
    this.previousBatch = current;
    if (newRows.length > 0) this.next.onUpdate(newRows, null);
  }

  private groupOf(row: Row): GroupState {
    const key = (this.groupKey as GroupKeyFn)(row, this.ctx);
    let state = this.groups.get(key);
    if (state === undefined) {
      state = new GroupState(this.layout, key);
      state.firstEvent = row;
      this.groups.set(key, state);
    }
    return state;
  }

  /** Row for all: the values before and after the step, one row each. */
  private postAll(
    state: GroupState,
    enterAt: number,
    entering: number,
    leaveAt: number,
    leaving: number,
  ): void {
    const ring = this.ring;
    this.ctx.aggValues = state.values;
    const oldRow = this.needOld ? this.rowFor(NO_EVENT) : null;
    for (let i = 0; i < entering; i++) ring.enter(enterAt + i, state);
    for (let i = 0; i < leaving; i++) ring.leave(leaveAt + i, state);
    state.refresh();
    const newRow = this.rowFor(NO_EVENT);
    if (newRow !== null || oldRow !== null) {
      this.next.onUpdate(newRow === null ? null : [newRow], oldRow === null ? null : [oldRow]);
    }
  }

  /** The common sliding step: one entry in or out, one group. */
  private postOne(position: number, entering: boolean): void {
    const ring = this.ring;
    const state = ring.groupAt(position);
    const event = state.firstEvent as Row;
    let oldRow: Row | null = null;
    if (this.needOld) {
      this.ctx.aggValues = state.values;
      oldRow = this.rowFor(event);
    }
    if (entering) ring.enter(position, state);
    else ring.leave(position, state);
    this.ctx.aggValues = state.refresh();
    const newRow = this.rowFor(event);
    if (state.rows === 0) this.groups.delete(state.key);
    if (newRow !== null || oldRow !== null) {
      this.next.onUpdate(newRow === null ? null : [newRow], oldRow === null ? null : [oldRow]);
    }
  }

  /** Row per group: one row per group an entry entered or left, in first-touch order. */
  private postGrouped(enterAt: number, entering: number, leaveAt: number, leaving: number): void {
    const ring = this.ring;
    const changed = this.changed;
    const step = ++this.step;
    const ctx = this.ctx;
    let oldRows: Row[] | null = null;
    if (this.needOld) {
      // The remove stream needs every changed group's values from before the step.
      for (let i = 0; i < entering; i++) this.mark(ring.groupAt(enterAt + i), step);
      for (let i = 0; i < leaving; i++) this.mark(ring.groupAt(leaveAt + i), step);
      oldRows = [];
      for (const state of changed) {
        ctx.aggValues = state.values;
        const row = this.rowFor(state.firstEvent as Row);
        if (row !== null) oldRows.push(row);
      }
      for (let i = 0; i < entering; i++) ring.enter(enterAt + i, ring.groupAt(enterAt + i));
      for (let i = 0; i < leaving; i++) ring.leave(leaveAt + i, ring.groupAt(leaveAt + i));
    } else {
      // Without it, each entry marks its group and updates it in one pass.
      for (let i = 0; i < entering; i++) {
        const state = ring.groupAt(enterAt + i);
        this.mark(state, step);
        ring.enter(enterAt + i, state);
      }
      for (let i = 0; i < leaving; i++) {
        const state = ring.groupAt(leaveAt + i);
        this.mark(state, step);
        ring.leave(leaveAt + i, state);
      }
    }
    const newRows = this.changedRows(undefined);
    const ins = newRows.length > 0 ? newRows : null;
    const rem = oldRows !== null && oldRows.length > 0 ? oldRows : null;
    if (ins !== null || rem !== null) this.next.onUpdate(ins, rem);
  }

  /**
   * The changed groups' new rows, in first-touch order; a group left without events is
   * dropped. `kept` (batch mode) receives the others, each started afresh.
   */
  private changedRows(kept: GroupState[] | undefined): Row[] {
    const ctx = this.ctx;
    const rows: Row[] = [];
    for (const state of this.changed) {
      ctx.aggValues = state.refresh();
      const row = this.rowFor(state.firstEvent as Row);
      if (row !== null) rows.push(row);
      if (state.rows === 0) this.groups.delete(state.key);
      else if (kept !== undefined) {
        state.reset();
        kept.push(state);
      }
    }
    this.changed.length = 0;
    return rows;
  }

  private mark(state: GroupState, step: number): void {
    if (state.touchedInStep !== step) {
      state.touchedInStep = step;
      this.changed.push(state);
    }
  }

  /** The output row for the values in `ctx.aggValues`, or null when having rejects it. */
  private rowFor(event: Row): Row | null {
    if (this.having !== undefined && !this.having(event, this.ctx)) return null;
    return this.build(event, this.ctx);
  }
}
