/**
 * Fully aggregated select with group by (Esper's "row per group"): each step posts one row
 * per group that had an event enter or leave, with the group's new values; the remove
 * stream carries each such group's row from before the step (for a new group: count 0,
 * other aggregates null). A group with no events left is dropped after posting.
 */
import type { Row } from '../common/row.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import { type AggregateLayout, GroupState } from './aggregation-state.js';
import type { GroupKeyFn } from './group-key.js';
import type { Operator } from './operator.js';
import type { RowBuilder } from './row-builder.js';
import type { RowSink } from './row-sink.js';

export class AggregateGroupedOperator implements Operator {
  private readonly groups = new Map<unknown, GroupState>();
  /** Groups touched in the current step, in first-touch order (marked by `step`). */
  private readonly changed: GroupState[] = [];
  private step = 0;
  /** The state of each row of the current step, inserted rows first (reused across steps). */
  private readonly rowStates: GroupState[] = [];
  /**
   * The last batch step's inserted rows and their groups. A batch window posts the array it
   * posted as new one step later as old, so those rows' groups are known without computing
   * their keys again (checked row by row: a row that differs is looked up as usual).
   */
  private readonly lastRows: Row[] = [];
  private readonly lastStates: GroupState[] = [];

  constructor(
    private readonly layout: AggregateLayout,
    private readonly groupKey: GroupKeyFn,
    private readonly build: RowBuilder,
    private readonly having: ((row: Row, ctx: EvalFrame) => boolean) | undefined,
    private readonly ctx: EvalFrame,
    private readonly newSink: RowSink,
    private readonly oldSink: RowSink,
    private readonly needOld: boolean,
    private readonly next: Operator,
  ) {}

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    // The common step of a sliding window: one event in or one event out.
    if (removed === null && inserted !== null && inserted.length === 1) {
      this.single(inserted[0] as Row, true);
      return;
    }
    if (inserted === null && removed !== null && removed.length === 1) {
      this.single(removed[0] as Row, false);
      return;
    }
    const changed = this.changed;
    const rowStates = this.rowStates;
    this.step++;
    let n = 0;
    if (inserted !== null) for (const row of inserted) rowStates[n++] = this.touch(row);
    if (removed !== null) {
      const lastRows = this.lastRows;
      const lastStates = this.lastStates;
      const known = removed.length === lastRows.length;
      for (let j = 0; j < removed.length; j++) {
        const row = removed[j] as Row;
        const last = lastStates[j] as GroupState;
        // A remembered group that emptied meanwhile was dropped (rows ≤ 0): look the key up again.
        rowStates[n++] =
          known && lastRows[j] === row && last.rows > 0 ? this.mark(last, row) : this.touch(row);
      }
    }
    this.remember(inserted, rowStates);
    if (this.needOld) {
      for (const state of changed) this.emitRow(state.values, state.stepEvent as Row, this.oldSink);
    }
    const ctx = this.ctx;
    let i = 0;
    if (inserted !== null) for (const row of inserted) (rowStates[i++] as GroupState).enter(row, ctx);
    if (removed !== null) for (const row of removed) (rowStates[i++] as GroupState).leave(row, ctx);
    rowStates.length = 0;
    for (const state of changed) {
      this.emitRow(state.refresh(), state.stepEvent as Row, this.newSink);
      state.stepEvent = null;
      // Esper drops a group whose reference count is ≤ 0 (an event posted as old twice).
      if (state.rows <= 0) this.groups.delete(state.key);
    }
    changed.length = 0;
    const ins = this.newSink.take();
    const rem = this.needOld ? this.oldSink.take() : null;
    if (ins !== null || rem !== null) this.next.onUpdate(ins, rem);
  }

  /** One event entering or leaving: same rows as the general path, without its bookkeeping. */
  private single(row: Row, entering: boolean): void {
    if (this.lastRows.length > 0) this.remember(null, this.rowStates);
    const ctx = this.ctx;
    const key = this.groupKey(row, ctx);
    let state = this.groups.get(key);
    if (state === undefined) {
      state = new GroupState(this.layout, key);
      this.groups.set(key, state);
    }
    const old = this.needOld ? this.rowFor(state.values, row) : null;
    if (entering) state.enter(row, ctx);
    else state.leave(row, ctx);
    const current = this.rowFor(state.refresh(), row);
    if (state.rows <= 0) this.groups.delete(key);
    if (current !== null || old !== null)
      this.next.onUpdate(current === null ? null : [current], old === null ? null : [old]);
  }

  private rowFor(values: unknown[], event: Row): Row | null {
    const ctx = this.ctx;
    ctx.aggValues = values;
    if (this.having !== undefined && !this.having(event, ctx)) return null;
    return this.build(event, ctx);
  }

  /** The row's group (created if new), marked as changed in this step. */
  private touch(row: Row): GroupState {
    const key = this.groupKey(row, this.ctx);
    let state = this.groups.get(key);
    if (state === undefined) {
      state = new GroupState(this.layout, key);
      this.groups.set(key, state);
    }
    return this.mark(state, row);
  }

  private mark(state: GroupState, row: Row): GroupState {
    if (state.touchedInStep !== this.step) {
      state.touchedInStep = this.step;
      state.stepEvent = row;
      this.changed.push(state);
    }
    return state;
  }

  /** Keeps this step's inserted rows with their groups for the next step (see lastRows). */
  private remember(inserted: Row[] | null, rowStates: readonly GroupState[]): void {
    const count = inserted === null ? 0 : inserted.length;
    const rows = this.lastRows;
    const states = this.lastStates;
    for (let i = 0; i < count; i++) {
      rows[i] = (inserted as Row[])[i] as Row;
      states[i] = rowStates[i] as GroupState;
    }
    rows.length = count;
    states.length = count;
  }

  private emitRow(values: unknown[], event: Row, sink: RowSink): void {
    const ctx = this.ctx;
    ctx.aggValues = values;
    if (this.having !== undefined && !this.having(event, ctx)) return;
    sink.push(this.build(event, ctx), event, ctx);
  }
}
