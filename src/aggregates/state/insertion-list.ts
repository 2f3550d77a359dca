/**
 * Rows in arrival order with O(1) removal of any row (unique and sort windows remove from
 * the middle): a doubly linked list indexed by row identity. Backs first(), last(), window().
 */
import type { Row } from '../../common/row.js';
import type { StateReader, StateWriter } from '../../common/state.js';

interface Link<T> {
  readonly row: object;
  readonly value: T;
  prev: Link<T> | undefined;
  next: Link<T> | undefined;
}

export class InsertionList<T> {
  private readonly links = new Map<object, Link<T>[]>();
  private head: Link<T> | undefined;
  private tail: Link<T> | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(row: object, value: T): void {
    const link: Link<T> = { row, value, prev: this.tail, next: undefined };
    if (this.tail === undefined) this.head = link;
    else this.tail.next = link;
    this.tail = link;
    const same = this.links.get(row);
    if (same === undefined) this.links.set(row, [link]);
    else same.push(link);
    this.count++;
  }

  /** Removes the oldest entry for `row`. */
  remove(row: object): void {
    const same = this.links.get(row);
    const link = same?.shift();
    if (link === undefined) return;
    if (same?.length === 0) this.links.delete(row);
    if (link.prev === undefined) this.head = link.next;
    else link.prev.next = link.next;
    if (link.next === undefined) this.tail = link.prev;
    else link.next.prev = link.prev;
    this.count--;
  }

  /** Entries oldest first: the row's id and the value. */
  snapshot(w: StateWriter): [number, T][] {
    const out: [number, T][] = [];
    for (let l = this.head; l !== undefined; l = l.next) out.push([w.event(l.row as Row), l.value]);
    return out;
  }

  restore(state: unknown, r: StateReader): void {
    for (const [id, value] of state as [number, T][]) this.append(r.event(id), value);
  }

  first(): T | undefined {
    return this.head?.value;
  }

  last(): T | undefined {
    return this.tail?.value;
  }

  values(): T[] {
    const out: T[] = [];
    for (let l = this.head; l !== undefined; l = l.next) out.push(l.value);
    return out;
  }
}
