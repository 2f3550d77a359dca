/**
 * Fully aggregated select without group by (Esper's "row for all",
 * ResultSetProcessorRowForAll): every update posts one row with the new aggregate values,
 * and, for the remove stream, one row with the values before the update, including on
 * expiry-only steps.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import { type AggregateLayout, GroupState, type GroupStateSnapshot } from './aggregation-state.js';
import type { Operator } from './operator.js';
import type { LimitHelper, LimitedProcessor } from './output-limit/limited-processor.js';
import type { RowBuilder } from './row-builder.js';
import type { RowSink } from './row-sink.js';

const NO_EVENT: Row = Object.freeze({}) as Row;

export class AggregateAllOperator implements LimitedProcessor {
  private state: GroupState;

  constructor(
    private readonly layout: AggregateLayout,
    private readonly build: RowBuilder,
    private readonly having: ((row: Row, ctx: EvalFrame) => boolean) | undefined,
    private readonly ctx: EvalFrame,
    private readonly needOld: boolean,
    private readonly next: Operator,
    /** Order-by keys are recorded here (output-limited statements sort batches of rows). */
    private readonly keys?: RowSink,
  ) {
    this.state = new GroupState(layout);
  }

  snapshot(w: StateWriter): GroupStateSnapshot {
    return this.state.snapshot(w);
  }

  restore(s: GroupStateSnapshot, r: StateReader): void {
    this.state = GroupState.restore(this.layout, s, r, false);
  }

  stop(): void {}

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    const oldRow = this.needOld ? this.output() : null;
    this.apply(inserted, removed);
    const newRow = this.output();
    if (newRow !== null || oldRow !== null) {
      this.next.onUpdate(newRow === null ? null : [newRow], oldRow === null ? null : [oldRow]);
    }
  }

  apply(inserted: Row[] | null, removed: Row[] | null): void {
    const ctx = this.ctx;
    const state = this.state;
    ctx.aggValues = state.values;
    if (inserted !== null) for (const row of inserted) state.enter(row, ctx);
    if (removed !== null) for (const row of removed) state.leave(row, ctx);
    state.refresh();
  }

  /** The row for the current values, or null when having rejects it. */
  output(): Row | null {
    this.ctx.aggValues = this.state.values;
    if (this.having !== undefined && !this.having(NO_EVENT, this.ctx)) return null;
    const row = this.build(NO_EVENT, this.ctx);
    this.keys?.record(row, NO_EVENT, this.ctx);
    return row;
  }

  // ── output limiting (Esper's ResultSetProcessorRowForAll output-limited methods) ──

  /** An interval without steps posts the current row (and, with old rows, the same values as old). */
  postEmptyInterval(): void {
    const newRow = this.output();
    const oldRow = this.needOld ? this.output() : null;
    if (newRow !== null || oldRow !== null) {
      this.next.onUpdate(newRow === null ? null : [newRow], oldRow === null ? null : [oldRow]);
    }
  }

  limitHelper(type: 'all' | 'last', sorted: boolean): LimitHelper | undefined {
    // With order by, Esper's `all` runs the default rules (processOutputLimitedView).
    if (type === 'all') return sorted ? undefined : new RowForAllAllHelper(this, this.needOld, this.next);
    return new RowForAllLastHelper(this, this.needOld, this.next);
  }

  postSnapshot(): void {
    const row = this.output();
    if (row !== null) this.next.onUpdate([row], null);
  }
}

/**
 * `all` (Esper's RowForAllOutputAllHelper): each step's old and new rows; at output, the
 * current row stands in for a side with no rows.
 */
class RowForAllAllHelper implements LimitHelper {
  private newRows: Row[] = [];
  private oldRows: Row[] = [];

  constructor(
    private readonly processor: AggregateAllOperator,
    private readonly needOld: boolean,
    private readonly next: Operator,
  ) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    const p = this.processor;
    if (this.needOld) {
      const old = p.output();
      if (old !== null) this.oldRows.push(old);
    }
    p.apply(inserted, removed);
    const row = p.output();
    if (row !== null) this.newRows.push(row);
  }

  output(): void {
    const p = this.processor;
    let ins: Row[] | null = this.newRows.length > 0 ? this.newRows : null;
    let rem: Row[] | null = this.oldRows.length > 0 ? this.oldRows : null;
    this.newRows = [];
    this.oldRows = [];
    if (ins === null) ins = nonNull(p.output());
    if (rem === null && this.needOld) rem = nonNull(p.output());
    if (ins !== null || rem !== null) this.next.onUpdate(ins, rem);
  }

  /** The interval's rows built so far. */
  snapshot(w: StateWriter): number[][] {
    return [w.events(this.newRows), w.events(this.oldRows)];
  }

  restore(s: unknown, r: StateReader): void {
    const [newRows, oldRows] = s as number[][];
    this.newRows = r.events(newRows as number[]);
    this.oldRows = r.events(oldRows as number[]);
  }
}

/**
 * `last` (Esper's RowForAllOutputLastHelper, and processOutputLimitedViewLast with order by,
 * which post the same): the current row, and as old row the row from before the interval's
 * first step (or the current row when nothing happened).
 */
class RowForAllLastHelper implements LimitHelper {
  private firstOld: Row | null | undefined;

  constructor(
    private readonly processor: AggregateAllOperator,
    private readonly needOld: boolean,
    private readonly next: Operator,
  ) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    const p = this.processor;
    // Esper keeps trying while having rejects the old row (lastEventRStreamForOutputLast == null).
    if (this.needOld && (this.firstOld === undefined || this.firstOld === null)) this.firstOld = p.output();
    p.apply(inserted, removed);
  }

  output(): void {
    const p = this.processor;
    const ins = nonNull(p.output());
    let rem: Row[] | null = null;
    if (this.needOld) rem = nonNull(this.firstOld ?? p.output());
    this.firstOld = undefined;
    if (ins !== null || rem !== null) this.next.onUpdate(ins, rem);
  }

  /** The interval's first old row: false before the first step, null when having rejected it. */
  snapshot(w: StateWriter): number | null | false {
    return this.firstOld === undefined ? false : this.firstOld === null ? null : w.event(this.firstOld);
  }

  restore(s: unknown, r: StateReader): void {
    this.firstOld = s === false ? undefined : s === null ? null : r.event(s as number);
  }
}

function nonNull(row: Row | null): Row[] | null {
  return row === null ? null : [row];
}
