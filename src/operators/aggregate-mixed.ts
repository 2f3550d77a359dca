/**
 * Aggregates beside plain properties, without group by (Esper's "row per event"): after
 * applying the step, one row per event that arrived (new) and per event that left (old),
 * each with the current aggregate values. With `group by` and ungrouped properties
 * (grouped-mixed) the same, with each event's own group's values.
 */
import type { Row } from '../common/row.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import { type AggregateLayout, GroupState } from './aggregation-state.js';
import type { GroupKeyFn } from './group-key.js';
import type { Operator } from './operator.js';
import type { RowBuilder } from './row-builder.js';
import type { RowSink } from './row-sink.js';

export class AggregateMixedOperator implements Operator {
  private readonly single: GroupState | undefined;
  private readonly groups = new Map<unknown, GroupState>();

  constructor(
    private readonly layout: AggregateLayout,
    /** undefined: no group by, one state for the statement. */
    private readonly groupKey: GroupKeyFn | undefined,
    private readonly build: RowBuilder,
    private readonly having: ((row: Row, ctx: EvalFrame) => boolean) | undefined,
    private readonly ctx: EvalFrame,
    private readonly newSink: RowSink,
    private readonly oldSink: RowSink,
    private readonly needOld: boolean,
    private readonly next: Operator,
  ) {
    this.single = groupKey === undefined ? new GroupState(layout) : undefined;
  }

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    const ctx = this.ctx;
    if (inserted !== null) for (const row of inserted) this.stateFor(row).enter(row, ctx);
    if (removed !== null) for (const row of removed) this.stateFor(row).leave(row, ctx);
    if (this.single !== undefined) this.single.refresh();
    else for (const state of this.touched) state.refresh();
    const ins = inserted === null ? null : this.rows(inserted, this.newSink);
    const rem = removed === null || !this.needOld ? null : this.rows(removed, this.oldSink);
    this.dropEmptyGroups();
    if (ins !== null || rem !== null) this.next.onUpdate(ins, rem);
  }

  private readonly touched = new Set<GroupState>();
  private readonly touchedKeys: unknown[] = [];

  private stateFor(row: Row): GroupState {
    if (this.single !== undefined) return this.single;
    const key = (this.groupKey as GroupKeyFn)(row, this.ctx);
    let state = this.groups.get(key);
    if (state === undefined) {
      state = new GroupState(this.layout);
      this.groups.set(key, state);
    }
    if (!this.touched.has(state)) {
      this.touched.add(state);
      this.touchedKeys.push(key);
    }
    return state;
  }

  private rows(events: Row[], sink: RowSink): Row[] | null {
    const ctx = this.ctx;
    for (const event of events) {
      const state = this.single ?? (this.groups.get((this.groupKey as GroupKeyFn)(event, ctx)) as GroupState);
      ctx.aggValues = state.values;
      if (this.having !== undefined && !this.having(event, ctx)) continue;
      sink.push(this.build(event, ctx), event, ctx);
    }
    return sink.take();
  }

  /** A group with no events left has the same values as a fresh one: drop it to bound memory. */
  private dropEmptyGroups(): void {
    for (const key of this.touchedKeys) {
      if ((this.groups.get(key)?.rows ?? 1) <= 0) this.groups.delete(key);
    }
    this.touched.clear();
    this.touchedKeys.length = 0;
  }
}
