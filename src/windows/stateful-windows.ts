/**
 * The state-contract plumbing shared by window kinds (common/state.ts): windows keeping their
 * events in a RowDeque (length, keepall, ext_timed, first-X) and windows keeping one event per
 * key (unique, lastevent, firstunique). Their state is the events, written as ids; keys are
 * recomputed from the restored events by the same compiled key function.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import { RowDeque } from './row-deque.js';
import type { DataWindow } from './window-def.js';

/** A window's events as snapshot ids, in the window's order. */
export interface RowsState {
  readonly rows: number[];
}

/** Events in arrival order; subclasses decide what an arrival does. */
export abstract class DequeWindow implements DataWindow, Stateful<RowsState> {
  protected readonly rows = new RowDeque();

  abstract insert(row: Row): void;
  abstract update(inserted: readonly Row[], removed: readonly Row[]): void;

  remove(row: Row): boolean {
    return this.rows.remove(row);
  }

  contents(): Row[] {
    return this.rows.toArray();
  }

  size(): number {
    return this.rows.size;
  }

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

  constructor(protected readonly keyOf: (row: Row) => unknown) {}

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
