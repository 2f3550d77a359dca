/**
 * Fully aggregated select without group by (Esper's "row for all"): every update posts one
 * row with the new aggregate values, and, for the remove stream, one row with the values
 * before the update, including on expiry-only steps.
 */
import type { Row } from '../common/row.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import { type AggregateLayout, GroupState } from './aggregation-state.js';
import type { Operator } from './operator.js';
import type { RowBuilder } from './row-builder.js';

const NO_EVENT: Row = Object.freeze({}) as Row;

export class AggregateAllOperator implements Operator {
  private readonly state: GroupState;

  constructor(
    layout: AggregateLayout,
    private readonly build: RowBuilder,
    private readonly having: ((row: Row, ctx: EvalFrame) => boolean) | undefined,
    private readonly ctx: EvalFrame,
    private readonly needOld: boolean,
    private readonly next: Operator,
  ) {
    this.state = new GroupState(layout);
  }

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    const ctx = this.ctx;
    const state = this.state;
    ctx.aggValues = state.values;
    const oldRow = this.needOld ? this.output() : null;
    if (inserted !== null) for (const row of inserted) state.enter(row, ctx);
    if (removed !== null) for (const row of removed) state.leave(row, ctx);
    state.refresh();
    const newRow = this.output();
    if (newRow !== null || oldRow !== null) {
      this.next.onUpdate(newRow === null ? null : [newRow], oldRow === null ? null : [oldRow]);
    }
  }

  private output(): Row | null {
    if (this.having !== undefined && !this.having(NO_EVENT, this.ctx)) return null;
    return this.build(NO_EVENT, this.ctx);
  }
}
