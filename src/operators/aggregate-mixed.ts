/**
 * Aggregates beside plain properties, without group by (Esper's "row per event",
 * ResultSetProcessorRowPerEvent): after applying the step, one row per event that arrived
 * (new) and per event that left (old), each with the current aggregate values. With
 * `group by` and ungrouped properties (grouped-mixed, Esper's
 * ResultSetProcessorAggregateGrouped) the same, with each event's own group's values.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import { type AggregateLayout, GroupState, type GroupStateSnapshot } from './aggregation-state.js';
import type { GroupKeyFn } from './group-key.js';
import type { Operator } from './operator.js';
import { ConcatHelper, LastRowHelper } from './output-limit/generic-helpers.js';
import {
  type LimitHelper,
  type LimitedProcessor,
  type ReadInput,
  type WriteInput,
  postRows,
  readEntries,
  readFirstState,
  writeEntries,
  writeFirstState,
} from './output-limit/limited-processor.js';
import type { GroupConditions } from './output-limit/polled-condition.js';
import type { RowCollector } from './output-limit/row-collector.js';
import type { RowBuilder } from './row-builder.js';
import type { RowSink } from './row-sink.js';

export class AggregateMixedOperator implements LimitedProcessor {
  private single: GroupState | undefined;
  private readonly groups = new Map<unknown, GroupState>();
  /** Values of a group with no events (rows of groups that emptied). */
  private emptyValues: unknown[] | undefined;
  /** The collector, for the `last` helper (set by the physical planner on output-limited statements). */
  collector: RowCollector | undefined;

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

  /** The single state, or each group with its key, in creation order. */
  snapshot(w: StateWriter): { single: GroupStateSnapshot | null; groups: [unknown, GroupStateSnapshot][] } {
    return {
      single: this.single === undefined ? null : this.single.snapshot(w),
      groups: [...this.groups].map(([key, g]) => [key, g.snapshot(w)]),
    };
  }

  restore(
    s: { single: GroupStateSnapshot | null; groups: [unknown, GroupStateSnapshot][] },
    r: StateReader,
  ): void {
    if (s.single !== null) this.single = GroupState.restore(this.layout, s.single, r, false);
    for (const [key, g] of s.groups) this.groups.set(key, GroupState.restore(this.layout, g, r, false));
  }

  stop(): void {
    this.groups.clear();
  }

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    this.enterLeave(inserted, removed);
    const ins = inserted === null ? null : this.rows(inserted, this.newSink);
    const rem = removed === null || !this.needOld ? null : this.rows(removed, this.oldSink);
    this.dropEmptyGroups();
    if (ins !== null || rem !== null) this.next.onUpdate(ins, rem);
  }

  private enterLeave(inserted: Row[] | null, removed: Row[] | null): void {
    const ctx = this.ctx;
    if (inserted !== null) for (const row of inserted) this.stateFor(row).enter(row, ctx);
    if (removed !== null) for (const row of removed) this.stateFor(row).leave(row, ctx);
    if (this.single !== undefined) this.single.refresh();
    else for (const state of this.touched) state.refresh();
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

  private rows(events: readonly Row[], sink: RowSink): Row[] | null {
    for (const event of events) this.pushRow(event, this.keyOf(event), sink);
    return sink.take();
  }

  private keyOf(event: Row): unknown {
    return this.groupKey === undefined ? undefined : this.groupKey(event, this.ctx);
  }

  /** The current values of a group (a group with no events left has empty aggregates). */
  private valuesOf(key: unknown): unknown[] {
    if (this.single !== undefined) return this.single.values;
    const state = this.groups.get(key);
    if (state !== undefined) return state.values;
    this.emptyValues ??= new GroupState(this.layout).values;
    return this.emptyValues;
  }

  /** Builds the row of `event` with its group's current values into `sink`, unless having rejects it. */
  private pushRow(event: Row, key: unknown, sink: RowSink): boolean {
    const ctx = this.ctx;
    ctx.aggValues = this.valuesOf(key);
    if (this.having !== undefined && !this.having(event, ctx)) return false;
    sink.push(this.build(event, ctx), event, ctx);
    return true;
  }

  /** A group with no events left has the same values as a fresh one: drop it to bound memory. */
  private dropEmptyGroups(): void {
    for (const key of this.touchedKeys) {
      if ((this.groups.get(key)?.rows ?? 1) <= 0) this.groups.delete(key);
    }
    this.touched.clear();
    this.touchedKeys.length = 0;
  }

  // ── output limiting (Esper's RowPerEvent and AggregateGrouped output-limited methods) ──

  apply(inserted: Row[] | null, removed: Row[] | null): void {
    this.enterLeave(inserted, removed);
    this.dropEmptyGroups();
  }

  postEmptyInterval(): void {}

  limitHelper(type: 'all' | 'last', sorted: boolean): LimitHelper | undefined {
    const collector = this.collector as RowCollector;
    if (type === 'last') {
      // Esper keeps the last row per group (grouped) or overall; the rows are the steps' rows.
      return this.groupKey === undefined ? new LastRowHelper(this, collector) : new LastPerGroupHelper(this);
    }
    if (this.groupKey === undefined) return sorted ? undefined : new ConcatHelper(this);
    return sorted ? new GroupedAllSortedHelper(this) : new GroupedAllHelper(this);
  }

  firstHelper(conditions: GroupConditions): LimitHelper {
    return new GroupedFirstHelper(this, conditions, this.having !== undefined);
  }

  postSnapshot(contents: readonly Row[] | undefined): void {
    if (contents === undefined) return;
    const rows = this.rows(contents, this.newSink);
    if (rows !== null) this.next.onUpdate(rows, null);
  }

  /** For the helpers below: the group of an event. */
  groupKeyOf(event: Row): unknown {
    return this.keyOf(event);
  }

  /** The row of `event` with its group's current values, its order-by keys recorded; undefined when having rejects it. */
  buildRow(event: Row, key: unknown, isNew: boolean): Row | undefined {
    const ctx = this.ctx;
    ctx.aggValues = this.valuesOf(key);
    if (this.having !== undefined && !this.having(event, ctx)) return undefined;
    const row = this.build(event, ctx);
    (isNew ? this.newSink : this.oldSink).record(row, event, ctx);
    return row;
  }

  post(inserted: Row[], removed: Row[]): void {
    postRows(this.next, inserted, removed, this.needOld);
  }

  get postsOld(): boolean {
    return this.needOld;
  }
}

/** Rows of `events` (each with its group's current values) appended to `out`. */
function rowsOf(p: AggregateMixedOperator, events: Row[] | null, isNew: boolean, out: Row[]): void {
  if (events === null) return;
  for (const e of events) {
    const row = p.buildRow(e, p.groupKeyOf(e), isNew);
    if (row !== undefined) out.push(row);
  }
}

/**
 * Grouped `last` (Esper's AggregateGroupedOutputLastHelper, and processOutputLimitedViewLast
 * with order by): per group, the last new row and the last old row of the interval's
 * per-event rows.
 */
class LastPerGroupHelper implements LimitHelper {
  private readonly lastNew = new Map<unknown, Row>();
  private readonly lastOld = new Map<unknown, Row>();

  constructor(private readonly p: AggregateMixedOperator) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    const p = this.p;
    p.apply(inserted, removed);
    if (removed !== null && p.postsOld) for (const e of removed) this.keep(e, false, this.lastOld);
    if (inserted !== null) for (const e of inserted) this.keep(e, true, this.lastNew);
  }

  private keep(event: Row, isNew: boolean, into: Map<unknown, Row>): void {
    const key = this.p.groupKeyOf(event);
    const row = this.p.buildRow(event, key, isNew);
    if (row !== undefined) into.set(key, row);
  }

  output(): void {
    const ins = [...this.lastNew.values()];
    const rem = [...this.lastOld.values()];
    this.lastNew.clear();
    this.lastOld.clear();
    this.p.post(ins, rem);
  }

  /** Each group's last built rows. */
  snapshot(w: StateWriter): unknown[] {
    const row = (r: Row) => w.event(r);
    return [writeEntries(this.lastNew, row), writeEntries(this.lastOld, row)];
  }

  restore(s: unknown, r: StateReader): void {
    const [lastNew, lastOld] = s as unknown[];
    const row = (id: unknown) => r.event(id as number);
    readEntries(this.lastNew, lastNew, row);
    readEntries(this.lastOld, lastOld, row);
  }
}

/**
 * Grouped `all` without order by (Esper's AggregateGroupedOutputAllHelper): each step's
 * per-event rows, a row for every group that lost events in the step (from its last
 * arrival), and at output a row for every group the interval did not touch.
 */
class GroupedAllHelper implements LimitHelper, GroupedAllState {
  newRows: Row[] = [];
  oldRows: Row[] = [];
  /** Each group's last arrival, kept for the statement's life as in Esper. */
  readonly reps = new Map<unknown, Row>();
  private readonly seen = new Set<unknown>();

  constructor(private readonly p: AggregateMixedOperator) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    const p = this.p;
    const removedKeys = new Set<unknown>();
    if (inserted !== null) {
      for (const e of inserted) {
        const key = p.groupKeyOf(e);
        this.reps.set(key, e);
        this.seen.add(key);
      }
    }
    if (removed !== null) {
      for (const e of removed) {
        const key = p.groupKeyOf(e);
        this.seen.add(key);
        removedKeys.add(key);
      }
    }
    p.apply(inserted, removed);
    if (p.postsOld) rowsOf(p, removed, false, this.oldRows);
    rowsOf(p, inserted, true, this.newRows);
    for (const key of removedKeys) {
      const rep = this.reps.get(key);
      const row = rep === undefined ? undefined : p.buildRow(rep, key, true);
      if (row !== undefined) this.newRows.push(row);
    }
  }

  output(): void {
    const p = this.p;
    for (const [key, rep] of this.reps) {
      if (this.seen.has(key)) continue;
      const row = p.buildRow(rep, key, true);
      if (row !== undefined) this.newRows.push(row);
    }
    this.seen.clear();
    const ins = this.newRows;
    const rem = this.oldRows;
    this.newRows = [];
    this.oldRows = [];
    p.post(ins, rem);
  }

  snapshot(w: StateWriter, input: WriteInput): unknown {
    return snapshotGroupedAll(this, this.seen, w, input);
  }

  restore(s: unknown, r: StateReader, input: ReadInput): void {
    restoreGroupedAll(this, this.seen, s, r, input);
  }
}

/**
 * Grouped `all` with order by (Esper's processOutputLimitedViewAll): each step's per-event
 * rows, then a row for every group that had no arrival in the interval (from its last one).
 */
class GroupedAllSortedHelper implements LimitHelper, GroupedAllState {
  newRows: Row[] = [];
  oldRows: Row[] = [];
  readonly reps = new Map<unknown, Row>();
  private readonly arrived = new Set<unknown>();

  constructor(private readonly p: AggregateMixedOperator) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    const p = this.p;
    if (inserted !== null) {
      for (const e of inserted) {
        const key = p.groupKeyOf(e);
        this.reps.set(key, e);
        this.arrived.add(key);
      }
    }
    p.apply(inserted, removed);
    if (p.postsOld) rowsOf(p, removed, false, this.oldRows);
    rowsOf(p, inserted, true, this.newRows);
  }

  output(): void {
    const p = this.p;
    for (const [key, rep] of this.reps) {
      if (this.arrived.has(key)) continue;
      const row = p.buildRow(rep, key, true);
      if (row !== undefined) this.newRows.push(row);
    }
    this.arrived.clear();
    const ins = this.newRows;
    const rem = this.oldRows;
    this.newRows = [];
    this.oldRows = [];
    p.post(ins, rem);
  }

  snapshot(w: StateWriter, input: WriteInput): unknown {
    return snapshotGroupedAll(this, this.arrived, w, input);
  }

  restore(s: unknown, r: StateReader, input: ReadInput): void {
    restoreGroupedAll(this, this.arrived, s, r, input);
  }
}

/** What the grouped `all` helpers keep: built rows, each group's last arrival, and the groups marked this interval. */
interface GroupedAllState {
  newRows: Row[];
  oldRows: Row[];
  readonly reps: Map<unknown, Row>;
}

function snapshotGroupedAll(
  h: GroupedAllState,
  marked: ReadonlySet<unknown>,
  w: StateWriter,
  input: WriteInput,
): unknown {
  return [w.events(h.newRows), w.events(h.oldRows), writeEntries(h.reps, input), [...marked]];
}

function restoreGroupedAll(
  h: GroupedAllState,
  marked: Set<unknown>,
  s: unknown,
  r: StateReader,
  input: ReadInput,
): void {
  const [newRows, oldRows, reps, keys] = s as [number[], number[], unknown, unknown[]];
  h.newRows = r.events(newRows);
  h.oldRows = r.events(oldRows);
  readEntries(h.reps, reps, input);
  for (const key of keys) marked.add(key);
}

/**
 * Grouped `first` (Esper's processOutputLimitedViewFirst for AggregateGrouped): an event
 * whose group's own condition passes makes that group post a row, built after the step from
 * the group's last such event. With a having clause, the step is applied first and only
 * events whose row passes having count. As in Esper, the groups that passed accumulate over
 * the steps processed for one output, and after each step every one of them posts its row
 * again (steps held back by the after clause reach the helper together). Only new rows.
 */
class GroupedFirstHelper implements LimitHelper {
  private readonly passed = new Map<unknown, Row>();
  private rows: Row[] = [];

  constructor(
    private readonly p: AggregateMixedOperator,
    private readonly conditions: GroupConditions,
    private readonly hasHaving: boolean,
  ) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    const p = this.p;
    if (this.hasHaving) p.apply(inserted, removed);
    const visit = (events: Row[] | null, isNew: boolean) => {
      if (events === null) return;
      for (const e of events) {
        const key = p.groupKeyOf(e);
        if (this.hasHaving && p.buildRow(e, key, isNew) === undefined) continue;
        if (this.conditions.passes(key, isNew)) this.passed.set(key, e);
      }
    };
    visit(inserted, true);
    visit(removed, false);
    if (!this.hasHaving) p.apply(inserted, removed);
    for (const [key, event] of this.passed) {
      const row = p.buildRow(event, key, true);
      if (row !== undefined) this.rows.push(row);
    }
  }

  output(): void {
    const rows = this.rows;
    this.rows = [];
    this.passed.clear();
    this.p.post(rows, []);
  }

  snapshot(w: StateWriter, input: WriteInput): unknown {
    return writeFirstState(this.passed, this.rows, this.conditions, w, input);
  }

  restore(s: unknown, r: StateReader, input: ReadInput): void {
    this.rows = readFirstState(this.passed, this.conditions, s, r, input);
  }
}
