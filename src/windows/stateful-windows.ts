/**
 * The state-contract plumbing shared by window kinds (common/state.ts): windows keeping their
 * events in a RowDeque (length, keepall, ext_timed, first-X; #time adds stamps), windows
 * keeping one event per key (unique, lastevent, firstunique) and batch windows (the batch
 * being collected and the batch last posted). Their state is the events, written as ids;
 * keys are recomputed from the restored events by the same compiled key function.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import { BatchState, removeFromBatch } from './batch-flusher.js';
import { RowDeque } from './row-deque.js';
import type { DataWindow, WindowContext } from './window-def.js';

/** A window's events as snapshot ids, in the window's order. */
export interface RowsState {
  readonly rows: number[];
}

/** Events in arrival order, with what reading and removing them takes. */
export abstract class RowDequeWindow<S> implements DataWindow, Stateful<S> {
  protected readonly rows = new RowDeque();

  constructor(protected readonly ctx: WindowContext) {}

  abstract insert(row: Row): void;
  abstract update(inserted: readonly Row[], removed: readonly Row[]): void;
  abstract snapshot(w: StateWriter): S;
  abstract restore(state: S, r: StateReader): void;
  abstract stop(): void;

  remove(row: Row): boolean {
    return this.rows.remove(row);
  }

  contents(): Row[] {
    return this.rows.toArray();
  }

  size(): number {
    return this.rows.size;
  }
}

/** Events in arrival order, which are its whole state; subclasses decide what an arrival does. */
export abstract class DequeWindow extends RowDequeWindow<RowsState> {
  snapshot(w: StateWriter): RowsState {
    return { rows: w.events(this.rows.toArray()) };
  }

  restore(state: RowsState, r: StateReader): void {
    this.rows.clear();
    for (const id of state.rows) this.rows.push(r.event(id));
  }

  stop(): void {
    this.rows.clear();
  }
}

/** One event per key, in the order the keys were (re)inserted. */
export abstract class KeyedWindow implements DataWindow, Stateful<RowsState> {
  protected readonly byKey = new Map<unknown, Row>();

  constructor(
    protected readonly keyOf: (row: Row) => unknown,
    protected readonly ctx: WindowContext,
  ) {}

  abstract insert(row: Row): void;
  abstract update(inserted: readonly Row[], removed: readonly Row[]): void;

  remove(row: Row): boolean {
    const key = this.keyOf(row);
    if (this.byKey.get(key) !== row) return false;
    this.byKey.delete(key);
    return true;
  }

  contents(): Row[] {
    return [...this.byKey.values()];
  }

  size(): number {
    return this.byKey.size;
  }

  snapshot(w: StateWriter): RowsState {
    return { rows: w.events([...this.byKey.values()]) };
  }

  restore(state: RowsState, r: StateReader): void {
    this.byKey.clear();
    for (const row of r.events(state.rows)) this.byKey.set(this.keyOf(row), row);
  }

  stop(): void {
    this.byKey.clear();
  }
}

/**
 * A batch window (length_batch, time_batch, time_length_batch): its contents are the batch
 * being collected, prev() reads the batch last posted, a partner's removal drops an event
 * from the batch being collected. Subclasses add what closes a batch (and its timer).
 */
export abstract class BatchWindow<S> implements DataWindow, Stateful<S> {
  protected readonly batch: BatchState;

  constructor(
    protected readonly ctx: WindowContext,
    forceUpdate: boolean,
  ) {
    this.batch = new BatchState(forceUpdate);
  }

  abstract insert(row: Row): void;
  abstract update(inserted: readonly Row[], removed: readonly Row[]): void;
  abstract snapshot(w: StateWriter): S;
  abstract restore(state: S, r: StateReader): void;
  abstract stop(): void;

  remove(row: Row): boolean {
    return removeFromBatch(this.batch.current, row);
  }

  prev(row: Row, n: number): Row | undefined {
    return this.batch.prev(row, n);
  }

  contents(): Row[] {
    return [...this.batch.contents()];
  }

  size(): number {
    return this.batch.current.length;
  }
}
