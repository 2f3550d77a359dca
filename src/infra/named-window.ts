/**
 * A named window at runtime, laid out as Esper's: a root (where rows arrive: `insert into W`,
 * and the changes of `on` actions), the data window, and a tail (what the window posts:
 * indexes are updated, and the post is dispatched to the create statement's listeners and to
 * every consuming statement).
 * - Rows are copies holding exactly the window's columns (missing ones null).
 * - Indexes (explicit and planned) follow the window's posts: a posted new row enters them,
 *   a posted old row leaves them. A batch window posts its rows only when the batch is
 *   released, so its indexes take rows at the root instead — and a row deleted from a batch
 *   before its release is never posted, so it stays in the indexes: Esper's lookups on batch
 *   windows find such rows again, and so do these (nw-r047 shows it).
 * - Posts are dispatched at the end of the step, all of one step merged into one (new, old)
 *   call per listener (Esper's NamedWindowDispatchService and statement dispatch merge the
 *   deltas of one event): two `on merge` statements changing the window on one event reach
 *   a consumer as one update.
 * - State (common/state.ts): the data window's own snapshot, and each index's rows in arrival
 *   order (a batch window's indexes may hold rows its contents no longer do). Posts are
 *   dispatched within the step that made them, so none is pending between two sends.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { Operator } from '../operators/operator.js';
import type { IndexDef, NamedWindowDef } from '../plan/infra-defs.js';
import { createWindowChain } from '../windows/window-chain.js';
import type { DataWindow, WindowContext } from '../windows/window-def.js';
import { RowIndex } from './row-index.js';

/** What a named window needs from the statement that creates it. */
export interface NamedWindowContext extends Omit<WindowContext, 'emit'> {
  /** Runs `callback` when the current step ends (the dispatch of the step's posts). */
  atStepEnd(callback: () => void): void;
}

/** A named window's snapshot: its data window's, and each index's rows (ids, arrival order). */
export interface NamedWindowSnapshot {
  readonly window: unknown;
  readonly indexes: readonly {
    readonly name: string;
    readonly hash: readonly string[];
    readonly btree: readonly string[];
    readonly rows: readonly number[];
  }[];
}

export class NamedWindowRuntime implements Stateful<NamedWindowSnapshot> {
  private readonly window: DataWindow;
  private readonly indexes = new Map<string, RowIndex>();
  /** The create statement's output, then the consumers, in subscription order. */
  private readonly listeners: Operator[] = [];
  private pendingNew: Row[] = [];
  private pendingOld: Row[] = [];
  private dispatchQueued = false;
  private readonly columns: readonly string[];
  private readonly dispatch = () => this.flush();
  /** Run once after the current dispatch reached every listener (afterDispatch). */
  private afterFlush: (() => void)[] = [];

  constructor(
    readonly def: NamedWindowDef,
    private readonly ctx: NamedWindowContext,
  ) {
    this.columns = def.schema.map((c) => c.name);
    this.window = createWindowChain(
      def.windows.length === 0 ? [] : def.windows.map((w) => ({ def: w.def, params: w.params })),
      { ...ctx, emit: (ins, rem) => this.tail(ins ?? [], rem ?? []) },
    );
  }

  /** A copy holding exactly the window's columns, in order. */
  normalize(row: Row): Row {
    const copy: Row = {};
    for (const c of this.columns) copy[c] = row[c] ?? null;
    return copy;
  }

  /** `insert into W`: one row arrives at the root. */
  insert(row: Row): void {
    const copy = this.normalize(row);
    if (this.def.batching) for (const index of this.indexes.values()) index.add(copy);
    this.window.insert(copy);
  }

  /**
   * An `on` action's change: new rows (inserted, or updated copies) and old rows (deleted, or
   * the originals of the copies), applied as the data window's update(new, old): Esper's
   * remove-stream view variants, each kind posting what its view posts (window-def.ts).
   */
  change(newRows: readonly Row[], oldRows: readonly Row[]): void {
    if (newRows.length === 0 && oldRows.length === 0) return;
    if (this.def.batching)
      for (const index of this.indexes.values()) for (const row of newRows) index.add(row);
    this.window.update(newRows, oldRows);
  }

  /** Esper's tail view: indexes follow the post, and the post is queued for dispatch. */
  private tail(ins: readonly Row[], rem: readonly Row[]): void {
    if (this.indexes.size > 0) {
      for (const index of this.indexes.values()) {
        for (const row of rem) index.remove(row);
        if (!this.def.batching) for (const row of ins) index.add(row);
      }
    }
    for (const row of ins) this.pendingNew.push(row);
    for (const row of rem) this.pendingOld.push(row);
    if (!this.dispatchQueued) {
      this.dispatchQueued = true;
      this.ctx.atStepEnd(this.dispatch);
    }
  }

  private flush(): void {
    this.dispatchQueued = false;
    const ins = this.pendingNew.length > 0 ? this.pendingNew : null;
    const rem = this.pendingOld.length > 0 ? this.pendingOld : null;
    this.pendingNew = [];
    this.pendingOld = [];
    if (ins === null && rem === null) return;
    for (const listener of this.listeners) listener.onUpdate(ins, rem);
    const after = this.afterFlush;
    if (after.length === 0) return;
    this.afterFlush = [];
    for (const callback of after) callback();
  }

  /**
   * Runs `callback` when the dispatch under way has reached every listener: a join consuming
   * the window in several of its streams (a self-join) runs once for all of them, as Esper
   * dispatches a statement's consumers before the statement.
   */
  afterDispatch(callback: () => void): void {
    this.afterFlush.push(callback);
  }

  /** Receives every (new, old) post of the window from now on; returns the unsubscribe. */
  subscribe(listener: Operator): () => void {
    this.listeners.push(listener);
    return () => {
      const at = this.listeners.indexOf(listener);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  /** The index `def` describes, built from the current rows the first time it is asked for. */
  index(def: IndexDef): RowIndex {
    let index = this.indexes.get(def.name);
    if (index === undefined) {
      index = new RowIndex(def.hash, def.btree, def.name);
      for (const row of this.window.contents()) index.add(row);
      this.indexes.set(def.name, index);
    }
    return index;
  }

  /** What a scan sees: the data window's rows (a batch window: its current batch). */
  contents(): Row[] {
    return this.window.contents();
  }

  size(): number {
    return this.window.size();
  }

  snapshot(w: StateWriter): NamedWindowSnapshot {
    if (this.dispatchQueued) throw new Error(`named window ${this.def.name} has posts not yet dispatched`);
    return {
      window: this.window.snapshot(w),
      indexes: [...this.indexes.values()].map((index) => ({
        name: index.name,
        hash: index.hash,
        btree: index.btree,
        rows: w.events(index.rows()),
      })),
    };
  }

  restore(s: NamedWindowSnapshot, r: StateReader): void {
    this.window.restore(s.window, r);
    this.indexes.clear();
    for (const saved of s.indexes) {
      const index = new RowIndex(saved.hash, saved.btree, saved.name);
      for (const row of r.events(saved.rows)) index.add(row);
      this.indexes.set(saved.name, index);
    }
  }

  /** The create statement stops: the window's timers are cancelled and its rows let go. */
  stop(): void {
    this.window.stop();
    this.indexes.clear();
    this.listeners.length = 0;
    this.pendingNew = [];
    this.pendingOld = [];
  }
}
