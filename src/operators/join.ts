/**
 * Esper's join of data windows (JoinSetComposerImpl), run once per step:
 * 1. the remove stream: each stream's posted old events joined with the other streams'
 *    contents as they were before the step (old events of other streams included);
 * 2. every stream's index takes the step's posts (add the new events, then remove the old);
 * 3. the insert stream: each stream's posted new events joined with the updated contents.
 * For a batch window the contents are what it last posted, so a flushing batch meets the
 * other stream's posted batch. When several streams post in one step (two batches flushing
 * at one instant, a self-join) a combination can be found from several of them: results
 * are sets, so it is posted once. Window posts are collected until the engine ends the step.
 * With a unidirectional stream, only its arrivals produce results (see `trigger`).
 * An outer join finds an event's rows over its lookup tree (outer-join-rows.ts) instead of
 * the inner join's lookup steps; its where clause is the residual, tested on each row.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { JoinIndex, JoinLookup, JoinProbe } from './join-index.js';
import { JoinResultSet } from './join-result-set.js';
import type { Operator } from './operator.js';
import { OuterJoinRows, type OuterPlanRuntime } from './outer-join-rows.js';

export interface JoinStreamRuntime {
  /** The where clause's conditions on this stream alone; undefined: every event takes part. */
  readonly accepts: ((event: Row) => boolean) | undefined;
  /** Indexes over the stream's current events, each keyed for one lookup step. */
  readonly indexes: readonly JoinIndex[];
  /** All of the stream's current events, kept when a lookup has no equality to use. */
  readonly all: Set<Row> | undefined;
  /**
   * Each post replaces the stream's whole contents (a batch window: new = the batch, old =
   * the previous batch), so the indexes are rebuilt from the new events instead of
   * removing the old ones one by one.
   */
  readonly replacedByPosts: boolean;
  /**
   * A table: read, never posted (its `indexes` stay empty; lookups go to the table through
   * the steps' JoinLookup); `current()` is every row it holds now that passes `accepts`.
   */
  readonly current?: () => Set<Row>;
}

export interface JoinStep {
  readonly stream: number;
  /** undefined: scan every event of the stream (no equality links it to the bound streams). */
  readonly index: JoinLookup | undefined;
  readonly probes: readonly JoinProbe[];
}

export interface JoinRuntime {
  readonly streams: readonly JoinStreamRuntime[];
  /** `plans[i]`: the lookup steps for events of stream i. */
  readonly plans: readonly (readonly JoinStep[])[];
  /** The rest of the where clause, on a candidate join row. */
  readonly residual: ((row: Row) => boolean) | undefined;
  /** Builds the join row (`{ a: …, b: … }`) from one event per stream. */
  readonly makeRow: (events: readonly (Row | undefined)[]) => Row;
  /**
   * The unidirectional stream, or -1. Its arrivals alone trigger the join: the other
   * streams' posts only update their indexes, and there is no remove stream (Esper's
   * JoinSetComposerStreamToWinImpl).
   */
  readonly trigger: number;
  /** Whether anything downstream reads the remove stream (irstream, rstream, aggregation). */
  readonly computeOld: boolean;
  /** Runs `flush` when the engine's current step ends (after every window posted). */
  readonly defer: (flush: () => void) => void;
  /**
   * An outer join: `outer[i]`, the lookup tree for events of stream i (outer-join-rows.ts),
   * used instead of `plans`; undefined for an inner join.
   */
  readonly outer: readonly (OuterPlanRuntime | undefined)[] | undefined;
}

const EMPTY: Row[] = [];

/** Per stream: each index's events (bucket by bucket) and the `all` set, as event ids. */
export type JoinState = readonly { readonly indexes: readonly number[][]; readonly all: number[] | null }[];

export class JoinOperator implements Stateful<JoinState> {
  private readonly pendingNew: Row[][];
  private readonly pendingOld: Row[][];
  private scheduled = false;
  private readonly slots: (Row | undefined)[];
  private readonly results = new JoinResultSet();
  private readonly flushStep = () => this.flush();
  private sharedScheduled = false;
  private readonly flushShared = () => {
    this.sharedScheduled = false;
    this.flush();
  };
  private readonly outerRows: OuterJoinRows | undefined;

  constructor(
    private readonly rt: JoinRuntime,
    private readonly next: Operator,
  ) {
    const n = rt.streams.length;
    this.pendingNew = Array.from({ length: n }, () => []);
    this.pendingOld = Array.from({ length: n }, () => []);
    this.slots = new Array<Row | undefined>(n).fill(undefined);
    this.outerRows =
      rt.outer === undefined ? undefined : new OuterJoinRows(n, (stream) => this.contents(stream));
  }

  /** Stream i's current events: its `all` set, or a table's rows read now. */
  private contents(i: number): Set<Row> | undefined {
    const s = this.rt.streams[i];
    return s?.current === undefined ? s?.all : s.current();
  }

  /**
   * The operator a named window's posts to stream `i` reach, at the window's dispatch (end of
   * step): as in Esper, the statement first runs the join for what its other streams posted
   * during the step (their dispatch came first), then once for the window's posts, after
   * every stream of this join consuming that window got them (`afterDispatch`).
   */
  sharedSide(i: number, afterDispatch: (flush: () => void) => void): Operator {
    return {
      onUpdate: (inserted, removed) => {
        if (this.scheduled) this.flush();
        if (inserted !== null) for (const r of inserted) (this.pendingNew[i] as Row[]).push(r);
        if (removed !== null) for (const r of removed) (this.pendingOld[i] as Row[]).push(r);
        if (!this.sharedScheduled) {
          this.sharedScheduled = true;
          afterDispatch(this.flushShared);
        }
      },
    };
  }

  /**
   * Rows stream `i` holds before the join starts (a named window's current rows): indexed
   * with no output, as Esper preloads a join over a named window (JoinPreloadMethodImpl).
   */
  preload(i: number, rows: readonly Row[]): void {
    for (const e of rows) (this.pendingNew[i] as Row[]).push(e);
    this.updateIndexes(i);
    (this.pendingNew[i] as Row[]).length = 0;
  }

  /** The operator stream `i`'s window posts to. */
  side(i: number): Operator {
    return {
      onUpdate: (inserted, removed) => {
        if (inserted !== null) for (const r of inserted) (this.pendingNew[i] as Row[]).push(r);
        if (removed !== null) for (const r of removed) (this.pendingOld[i] as Row[]).push(r);
        if (!this.scheduled) {
          this.scheduled = true;
          this.rt.defer(this.flushStep);
        }
      },
    };
  }

  private flush(): void {
    this.scheduled = false;
    if (this.rt.trigger >= 0) {
      this.flushUnidirectional(this.rt.trigger);
      return;
    }
    const { streams, computeOld } = this.rt;
    const oldOut: Row[] = [];
    if (computeOld) this.joinSide(this.pendingOld, oldOut);
    for (let i = 0; i < streams.length; i++) this.updateIndexes(i);
    const newOut: Row[] = [];
    this.joinSide(this.pendingNew, newOut);
    for (const p of this.pendingNew) p.length = 0;
    for (const p of this.pendingOld) p.length = 0;
    if (newOut.length > 0 || oldOut.length > 0) {
      this.next.onUpdate(newOut.length > 0 ? newOut : null, oldOut.length > 0 ? oldOut : null);
    }
  }

  private flushUnidirectional(trigger: number): void {
    const streams = this.rt.streams;
    for (let i = 0; i < streams.length; i++) {
      if (i !== trigger) this.updateIndexes(i);
    }
    const newOut: Row[] = [];
    // An outer join has lookup trees for its unidirectional streams only (all of them in a
    // full outer join whose every stream is unidirectional).
    const only: Row[][] =
      this.rt.outer !== undefined
        ? this.pendingNew
        : this.pendingNew.map((p, i) => (i === trigger ? p : EMPTY));
    this.joinSide(only, newOut);
    for (const p of this.pendingNew) p.length = 0;
    for (const p of this.pendingOld) p.length = 0;
    if (newOut.length > 0) this.next.onUpdate(newOut, null);
  }

  /**
   * Every join row of the streams' current contents (Esper's staticJoin, which `output
   * snapshot` iterates). Needs every stream's `all` set (createJoinOperator's keepAll).
   */
  currentRows(): Row[] {
    const out: Row[] = [];
    if (this.rt.trigger >= 0) return out;
    if (this.rt.outer !== undefined) {
      // Each stream's events with their rows (Esper's staticJoin), each combination once.
      const posted = this.rt.streams.map((s) => [...(s.all ?? [])]);
      this.joinSide(posted, out, true);
      return out;
    }
    const first = this.contents(0);
    if (first === undefined) return out;
    const steps = this.rt.plans[0] as JoinStep[];
    for (const e of first) {
      this.slots[0] = e;
      this.extend(steps, 0, out, undefined);
    }
    this.slots[0] = undefined;
    return out;
  }

  /**
   * Posts the join of the streams' current contents as one insert-stream update (an
   * aggregation over a join of named windows starts from them: Esper's preloadAggregation).
   */
  preloadResults(): void {
    const rows = this.currentRows();
    if (rows.length > 0) this.next.onUpdate(rows, null);
  }

  /** Stream i's index takes the step's posts: add the new events, then remove the old. */
  private updateIndexes(i: number): void {
    const s = this.rt.streams[i] as JoinStreamRuntime;
    const posted = (this.pendingNew[i] as Row[]).length > 0 || (this.pendingOld[i] as Row[]).length > 0;
    if (s.replacedByPosts && posted) {
      for (const index of s.indexes) index.clear();
      s.all?.clear();
      for (const e of this.pendingNew[i] as Row[]) if (s.accepts === undefined || s.accepts(e)) add(s, e);
      return;
    }
    for (const e of this.pendingNew[i] as Row[]) if (s.accepts === undefined || s.accepts(e)) add(s, e);
    for (const e of this.pendingOld[i] as Row[]) if (s.accepts === undefined || s.accepts(e)) remove(s, e);
  }

  /** Joins each stream's posted events with the other streams' current contents, into `out`. */
  private joinSide(posted: readonly Row[][], out: Row[], alwaysDedup = false): void {
    const { streams, plans } = this.rt;
    let posting = 0;
    for (const p of posted) if (p.length > 0) posting++;
    if (posting === 0) return;
    // Only combinations found from two streams can repeat.
    const dedup = posting > 1 || alwaysDedup ? this.results : undefined;
    for (let i = 0; i < posted.length; i++) {
      const events = posted[i] as Row[];
      if (events.length === 0) continue;
      const outer = this.rt.outer;
      if (outer !== undefined) {
        const plan = outer[i];
        if (plan !== undefined) for (const e of events) this.emitOuter(plan, e, out, dedup);
        continue;
      }
      const accepts = (streams[i] as JoinStreamRuntime).accepts;
      const steps = plans[i] as JoinStep[];
      for (const e of events) {
        if (accepts !== undefined && !accepts(e)) continue;
        this.slots[i] = e;
        this.extend(steps, 0, out, dedup);
      }
      this.slots[i] = undefined;
    }
    dedup?.clear();
  }

  /** The outer join rows of one event that pass the where clause. */
  private emitOuter(plan: OuterPlanRuntime, event: Row, out: Row[], dedup: JoinResultSet | undefined): void {
    const residual = this.rt.residual;
    for (const slots of (this.outerRows as OuterJoinRows).rowsOf(plan, event)) {
      const row = this.rt.makeRow(slots);
      if (residual !== undefined && !residual(row)) continue;
      if (dedup !== undefined && !dedup.add(slots)) continue;
      out.push(row);
    }
  }

  /** Binds the stream of `steps[k]` to each candidate, then the following steps. */
  private extend(steps: readonly JoinStep[], k: number, out: Row[], dedup: JoinResultSet | undefined): void {
    const slots = this.slots;
    if (k === steps.length) {
      const row = this.rt.makeRow(slots);
      const residual = this.rt.residual;
      if (residual !== undefined && !residual(row)) return;
      if (dedup !== undefined && !dedup.add(slots)) return;
      out.push(row);
      return;
    }
    const step = steps[k] as JoinStep;
    const candidates = step.index === undefined ? this.contents(step.stream) : probe(step, slots);
    if (candidates === undefined) return;
    for (const c of candidates) {
      slots[step.stream] = c;
      this.extend(steps, k + 1, out, dedup);
    }
    slots[step.stream] = undefined;
  }

  /**
   * The streams' indexed contents (common/state.ts). Between steps nothing is pending: a
   * step's window posts are joined when the step ends.
   */
  snapshot(w: StateWriter): JoinState {
    if (this.scheduled || this.sharedScheduled)
      throw new Error('a join cannot be snapshotted in the middle of a step');
    return this.rt.streams.map((s) => ({
      indexes: s.indexes.map((index) => w.events(index.events())),
      all: s.all === undefined ? null : w.events([...s.all]),
    }));
  }

  restore(state: JoinState, r: StateReader): void {
    const streams = this.rt.streams;
    if (state.length !== streams.length)
      throw new Error(`the join has ${streams.length} streams, its snapshot ${state.length}`);
    streams.forEach((s, i) => {
      const saved = state[i] as JoinState[number];
      if (saved.indexes.length !== s.indexes.length || (saved.all === null) !== (s.all === undefined)) {
        throw new Error(`the join's stream ${i} has other indexes than its snapshot`);
      }
      s.indexes.forEach((index, j) => {
        index.clear();
        for (const e of r.events(saved.indexes[j] as number[])) index.add(e);
      });
      if (s.all !== undefined) {
        s.all.clear();
        for (const e of r.events(saved.all as number[])) s.all.add(e);
      }
    });
  }

  stop(): void {
    for (const s of this.rt.streams) {
      for (const index of s.indexes) index.clear();
      s.all?.clear();
    }
    for (const p of this.pendingNew) p.length = 0;
    for (const p of this.pendingOld) p.length = 0;
  }
}

function probe(step: JoinStep, slots: readonly (Row | undefined)[]): Set<Row> | undefined {
  const index = step.index as JoinLookup;
  const probes = step.probes;
  if (probes.length === 1) {
    const p = probes[0] as JoinProbe;
    return index.lookup1(p.key(slots[p.stream] as Row));
  }
  return index.lookup(probes.map((p) => p.key(slots[p.stream] as Row)));
}

function add(s: JoinStreamRuntime, e: Row): void {
  for (const index of s.indexes) index.add(e);
  s.all?.add(e);
}

function remove(s: JoinStreamRuntime, e: Row): void {
  for (const index of s.indexes) index.remove(e);
  s.all?.delete(e);
}
