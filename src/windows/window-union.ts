/**
 * `#a(…)#b(…) retain-union`: Esper's UnionView. An event is in the union while any member
 * window holds it: an arrival enters every window and is posted as new; an event a window
 * evicts (on that arrival, or by its own expiry) leaves the union, posted as old, once no
 * window holds it any more (a reference count per event, one per window that took it).
 * Old rows given to the union (`update`) leave every window and the union at once.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';

interface UnionState {
  /** Each event of the union with its reference count, in arrival order. */
  readonly refs: [number, number][];
  readonly members: unknown[];
}

export class UnionWindows implements DataWindow {
  private readonly refs = new Map<Row, number>();
  private readonly windows: DataWindow[];
  /** While an arrival goes into the windows: the last old events each posted. */
  private capturing = false;
  /** While old rows given to the union leave the windows: their posts are ignored. */
  private discarding = false;
  private readonly captured: (Row[] | null)[];

  constructor(
    stages: readonly { readonly def: WindowDef; readonly params: unknown }[],
    private readonly ctx: WindowContext,
    member: (emit: WindowContext['emit']) => WindowContext,
  ) {
    this.captured = stages.map(() => null);
    this.windows = stages.map((stage, i) =>
      stage.def.create(
        stage.params,
        member((_ins, rem) => this.memberPosted(i, rem)),
      ),
    );
  }

  private memberPosted(i: number, removed: Row[] | null): void {
    if (removed === null || removed.length === 0 || this.discarding) return;
    if (this.capturing) {
      this.captured[i] = [...removed];
      return;
    }
    // A window's own expiry.
    const gone = removed.filter((r) => this.release(r));
    if (gone.length > 0) this.ctx.emit(null, gone);
  }

  /** Drops one reference; true when no window holds the event any more. */
  private release(row: Row): boolean {
    const n = this.refs.get(row);
    if (n === undefined) return false;
    if (n > 1) {
      this.refs.set(row, n - 1);
      return false;
    }
    this.refs.delete(row);
    return true;
  }

  start(): void {
    for (const w of this.windows) w.start?.();
  }

  insert(row: Row): void {
    this.update([row], []);
  }

  update(inserted: readonly Row[], removed: readonly Row[]): void {
    const old: Row[] = [];
    if (removed.length > 0) {
      this.discarding = true;
      try {
        for (const w of this.windows) w.update([], removed);
      } finally {
        this.discarding = false;
      }
      for (const r of removed) this.refs.delete(r);
      old.push(...removed);
    }
    if (inserted.length > 0) {
      for (const r of inserted) this.refs.set(r, (this.refs.get(r) ?? 0) + this.windows.length);
      this.capturing = true;
      try {
        const [single] = inserted;
        for (const w of this.windows) {
          if (inserted.length === 1 && single !== undefined) w.insert(single);
          else w.update(inserted, []);
        }
      } finally {
        this.capturing = false;
      }
      this.captured.forEach((evicted, i) => {
        if (evicted === null) return;
        this.captured[i] = null;
        for (const r of evicted) if (this.release(r)) old.push(r);
      });
    }
    if (inserted.length > 0 || old.length > 0) {
      this.ctx.emit(inserted.length > 0 ? [...inserted] : null, old.length > 0 ? old : null);
    }
  }

  remove(row: Row): boolean {
    this.discarding = true;
    try {
      for (const w of this.windows) w.remove(row);
    } finally {
      this.discarding = false;
    }
    return this.refs.delete(row);
  }

  contents(): Row[] {
    return [...this.refs.keys()];
  }

  size(): number {
    return this.refs.size;
  }

  snapshot(w: StateWriter): UnionState {
    return {
      refs: [...this.refs].map(([row, n]) => [w.event(row), n]),
      members: this.windows.map((m) => m.snapshot(w)),
    };
  }

  restore(state: unknown, r: StateReader): void {
    const saved = state as UnionState;
    for (const [id, n] of saved.refs) this.refs.set(r.event(id), n);
    this.windows.forEach((m, i) => m.restore(saved.members[i], r));
  }

  stop(): void {
    for (const w of this.windows) w.stop();
    this.refs.clear();
  }
}
