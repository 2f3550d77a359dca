/**
 * Fully aggregated select with group by (Esper's "row per group"): each step posts one row
 * per group that had an event enter or leave, with the group's new values; the remove
 * stream carries each such group's row from before the step (for a new group: count 0,
 * other aggregates null). A group with no events left is dropped after posting (in a
 * table, `into table`, its row stays).
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import {
  type AggregateLayout,
  GroupState,
  type GroupStateSnapshot,
  type GroupStore,
  MapGroupStore,
} from './aggregation-state.js';
import type { GroupKeyFn } from './group-key.js';
import type { Operator } from './operator.js';
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
import type { RowBuilder } from './row-builder.js';
import type { RowSink } from './row-sink.js';

export class AggregateGroupedOperator implements LimitedProcessor {
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
    private readonly groups: GroupStore = new MapGroupStore(layout),
  ) {}

  /** The groups, as their store writes them (aggregation-state.ts). */
  snapshot(w: StateWriter): unknown {
    return this.groups.snapshot(w);
  }

  restore(groups: unknown, r: StateReader): void {
    this.groups.restore(groups, r);
  }

  stop(): void {
    this.groups.release();
    this.lastRows.length = 0;
    this.lastStates.length = 0;
  }

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
      if (state.rows <= 0) this.groups.emptied(state);
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
    const state = this.groups.get(key) ?? this.groups.create(key, row);
    const old = this.needOld ? this.rowFor(state.values, row) : null;
    if (entering) state.enter(row, ctx);
    else state.leave(row, ctx);
    const current = this.rowFor(state.refresh(), row);
    if (state.rows <= 0) this.groups.emptied(state);
    if (current !== null || old !== null)
      this.next.onUpdate(current === null ? null : [current], old === null ? null : [old]);
  }

  private rowFor(values: unknown[], event: Row, isNew = true): Row | null {
    const ctx = this.ctx;
    ctx.aggValues = values;
    if (this.having !== undefined && !this.having(event, ctx)) return null;
    const row = this.build(event, ctx);
    (isNew ? this.newSink : this.oldSink).record(row, event, ctx);
    return row;
  }

  /** The row's group (created if new), marked as changed in this step. */
  private touch(row: Row): GroupState {
    const key = this.groupKey(row, this.ctx);
    return this.mark(this.groups.get(key) ?? this.groups.create(key, row), row);
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

  // ── output limiting (Esper's RowPerGroup output-limited methods) ──

  /** The row of a group for its current values (a group without events has empty aggregates). */
  groupRow(key: unknown, event: Row, isNew: boolean): Row | null {
    const state = this.groups.get(key);
    this.emptyValues ??= new GroupState(this.layout).values;
    return this.rowFor(state === undefined ? this.emptyValues : state.values, event, isNew);
  }

  private emptyValues: unknown[] | undefined;

  keyOf(event: Row): unknown {
    return this.groupKey(event, this.ctx);
  }

  /** One event enters or leaves its group, without rows (its group is created or dropped as needed). */
  applyOne(event: Row, key: unknown, entering: boolean): void {
    const state = this.groups.get(key) ?? this.groups.create(key, event);
    if (entering) {
      state.enter(event, this.ctx);
      state.firstEvent ??= event;
    } else state.leave(event, this.ctx);
    state.refresh();
    if (state.rows === 0) this.groups.emptied(state);
  }

  apply(inserted: Row[] | null, removed: Row[] | null): void {
    this.walk(inserted, removed, undefined, true);
  }

  /**
   * Visits a step's events, new ones first, as Esper's helpers do: `visit` sees each event
   * before it is applied (when `applying`), so a group's values are still those before it.
   */
  walk(
    inserted: Row[] | null,
    removed: Row[] | null,
    visit: ((event: Row, key: unknown, entering: boolean) => void) | undefined,
    applying: boolean,
  ): void {
    for (const [events, entering] of [
      [inserted, true],
      [removed, false],
    ] as const) {
      if (events === null) continue;
      for (const e of events) {
        const key = this.keyOf(e);
        visit?.(e, key, entering);
        if (applying) this.applyOne(e, key, entering);
      }
    }
  }

  /** The current row of each group, built from its representative event. */
  groupRows(reps: ReadonlyMap<unknown, Row>): Row[] {
    const rows: Row[] = [];
    for (const [key, rep] of reps) {
      const row = this.groupRow(key, rep, true);
      if (row !== null) rows.push(row);
    }
    return rows;
  }

  postEmptyInterval(): void {}

  post(inserted: Row[], removed: Row[]): void {
    postRows(this.next, inserted, removed, this.needOld);
  }

  get postsOld(): boolean {
    return this.needOld;
  }

  get hasHaving(): boolean {
    return this.having !== undefined;
  }

  limitHelper(type: 'all' | 'last'): LimitHelper {
    // With or without order by, Esper's rules for a row per group post the same rows.
    return type === 'all' ? new RowPerGroupAllHelper(this) : new RowPerGroupLastHelper(this);
  }

  firstHelper(conditions: GroupConditions): LimitHelper {
    return new RowPerGroupFirstHelper(this, conditions);
  }

  /**
   * One row per group among the contents, in order of first appearance (Esper's
   * RowPerGroupIterator); without a data window, one row per group (Esper keeps each
   * group's last arrival for this).
   */
  postSnapshot(contents: readonly Row[] | undefined): void {
    const rows: Row[] = [];
    if (contents === undefined) {
      for (const state of this.groups.values()) {
        const row = this.rowFor(state.values, state.firstEvent as Row);
        if (row !== null) rows.push(row);
      }
    } else {
      const seen = new Set<unknown>();
      for (const event of contents) {
        const key = this.keyOf(event);
        const state = this.groups.get(key);
        if (state === undefined) continue;
        const row = this.rowFor(state.values, event);
        if (row === null || seen.has(key)) continue;
        seen.add(key);
        rows.push(row);
      }
    }
    this.post(rows, []);
  }
}

/**
 * Grouped `all` (Esper's RowPerGroupOutputAllHelper; with order by processOutputLimitedViewAll,
 * which posts the same rows): at output, a row for every group seen since the statement
 * started, with its current values. Old rows: every such group's row from the start of the
 * interval, and for a group new in the interval its row from before its first event.
 */
class RowPerGroupAllHelper implements LimitHelper {
  /** Each group's last event, for the statement's life (Esper never forgets them). */
  private readonly reps = new Map<unknown, Row>();
  private readonly oldRows = new Map<unknown, Row>();
  /** Esper generates the interval-start old rows at the first step after an output. */
  private startPending = false;

  constructor(private readonly p: AggregateGroupedOperator) {}

  private intervalStart(): void {
    if (!this.startPending) return;
    this.startPending = false;
    if (!this.p.postsOld) return;
    for (const [key, rep] of this.reps) {
      const row = this.p.groupRow(key, rep, false);
      if (row !== null) this.oldRows.set(key, row);
    }
  }

  step(inserted: Row[] | null, removed: Row[] | null): void {
    this.intervalStart();
    const p = this.p;
    p.walk(
      inserted,
      removed,
      (e, key, entering) => {
        if (entering) this.reps.set(key, e);
        if (p.postsOld && !this.oldRows.has(key)) {
          const row = p.groupRow(key, e, entering);
          if (row !== null) this.oldRows.set(key, row);
        }
      },
      true,
    );
  }

  output(): void {
    this.intervalStart();
    const rows = this.p.groupRows(this.reps);
    const old = [...this.oldRows.values()];
    this.oldRows.clear();
    this.startPending = true;
    this.p.post(rows, old);
  }

  snapshot(w: StateWriter, input: WriteInput): unknown {
    return [
      writeEntries(this.reps, input),
      writeEntries(this.oldRows, (row) => w.event(row)),
      this.startPending,
    ];
  }

  restore(s: unknown, r: StateReader, input: ReadInput): void {
    const [reps, oldRows, startPending] = s as [unknown, unknown, boolean];
    readEntries(this.reps, reps, input);
    readEntries(this.oldRows, oldRows, (id) => r.event(id as number));
    this.startPending = startPending;
  }
}

/**
 * Grouped `last` (Esper's RowPerGroupOutputLastHelper / processOutputLimitedViewLast): a row
 * with the current values for every group that had events in the interval; old rows: each
 * such group's row from before its first event of the interval.
 */
class RowPerGroupLastHelper implements LimitHelper {
  private readonly reps = new Map<unknown, Row>();
  private readonly oldRows = new Map<unknown, Row>();

  constructor(private readonly p: AggregateGroupedOperator) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    const p = this.p;
    p.walk(
      inserted,
      removed,
      (e, key, entering) => {
        const isFirst = !this.reps.has(key);
        this.reps.set(key, e);
        if (isFirst && p.postsOld) {
          const row = p.groupRow(key, e, entering);
          if (row !== null) this.oldRows.set(key, row);
        }
      },
      true,
    );
  }

  output(): void {
    const rows = this.p.groupRows(this.reps);
    const old = [...this.oldRows.values()];
    this.reps.clear();
    this.oldRows.clear();
    this.p.post(rows, old);
  }

  snapshot(w: StateWriter, input: WriteInput): unknown {
    return [writeEntries(this.reps, input), writeEntries(this.oldRows, (row) => w.event(row))];
  }

  restore(s: unknown, r: StateReader, input: ReadInput): void {
    const [reps, oldRows] = s as [unknown, unknown];
    readEntries(this.reps, reps, input);
    readEntries(this.oldRows, oldRows, (id) => r.event(id as number));
  }
}

/**
 * Grouped `first` (Esper's processOutputLimitedViewFirst for RowPerGroup): an event whose
 * group's own condition passes makes the group post its row with the values after the step
 * (and, with old rows, its row from before that event). With a having clause the step is
 * applied first and only events whose group row passes having count.
 */
class RowPerGroupFirstHelper implements LimitHelper {
  private readonly passed = new Map<unknown, Row>();
  private oldRows: Row[] = [];

  constructor(
    private readonly p: AggregateGroupedOperator,
    private readonly conditions: GroupConditions,
  ) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    const p = this.p;
    const having = p.hasHaving;
    if (having) p.apply(inserted, removed);
    p.walk(
      inserted,
      removed,
      (e, key, entering) => {
        if (having && p.groupRow(key, e, entering) === null) return;
        if (!this.conditions.passes(key, entering)) return;
        const isFirst = !this.passed.has(key);
        this.passed.set(key, e);
        if (isFirst && p.postsOld) {
          const row = p.groupRow(key, e, true);
          if (row !== null) this.oldRows.push(row);
        }
      },
      !having,
    );
  }

  output(): void {
    const rows = this.p.groupRows(this.passed);
    const old = this.oldRows;
    this.passed.clear();
    this.oldRows = [];
    this.p.post(rows, old);
  }

  snapshot(w: StateWriter, input: WriteInput): unknown {
    return writeFirstState(this.passed, this.oldRows, this.conditions, w, input);
  }

  restore(s: unknown, r: StateReader, input: ReadInput): void {
    this.oldRows = readFirstState(this.passed, this.conditions, s, r, input);
  }
}
