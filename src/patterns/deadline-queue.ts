/**
 * Deadlines that arrive in non-decreasing order, oldest first out: the expiry structure of
 * one `timer:within(p)` guard. A guard's instances start at the engine clock, which never
 * moves back, and all end p later, so their deadlines are already sorted and a FIFO replaces
 * the timer heap: push and pop are O(1), and one engine timer armed for the head suffices
 * instead of a timer (and its closure) per instance.
 *
 * Deadlines and items sit in two parallel arrays consumed from a head index; the consumed
 * prefix is dropped once it dominates, so memory follows the live length. Removing an item
 * early is the caller's business (mark it dead and skip it when it comes out).
 */
export class DeadlineQueue<T> {
  private deadlines: number[] = [];
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** Appends an item; its deadline may not be earlier than the last one still queued. */
  push(deadline: number, item: T): void {
    const last = this.deadlines[this.deadlines.length - 1];
    if (last !== undefined && deadline < last) {
      throw new Error(`DeadlineQueue: deadline ${deadline} is before the last one, ${last}`);
    }
    this.deadlines.push(deadline);
    this.items.push(item);
  }

  /** The earliest deadline, or undefined when empty. */
  headDeadline(): number | undefined {
    return this.head < this.items.length ? this.deadlines[this.head] : undefined;
  }

  /** The earliest item, or undefined when empty. */
  headItem(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Visits the queued items, earliest first. */
  forEach(visit: (deadline: number, item: T) => void): void {
    for (let i = this.head; i < this.items.length; i++)
      visit(this.deadlines[i] as number, this.items[i] as T);
  }

  /** Replaces the contents (a restore): `deadlines` non-decreasing, one item per deadline. */
  restore(deadlines: number[], items: T[]): void {
    if (deadlines.length !== items.length) throw new Error('DeadlineQueue: one item per deadline');
    for (let i = 1; i < deadlines.length; i++) {
      if ((deadlines[i] as number) < (deadlines[i - 1] as number))
        throw new Error(`DeadlineQueue: deadline ${deadlines[i]} is before the one queued ahead of it`);
    }
    this.deadlines = deadlines;
    this.items = items;
    this.head = 0;
  }

  clear(): void {
    this.deadlines = [];
    this.items = [];
    this.head = 0;
  }

  /** Removes and returns the earliest item. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    // Release the reference now: a consumed slot must not keep a finished instance alive.
    (this.items as (T | undefined)[])[this.head] = undefined;
    this.head++;
    this.compact();
    return item;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.deadlines = [];
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.deadlines = this.deadlines.slice(this.head);
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
