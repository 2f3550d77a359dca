/** Rows in arrival order: O(1) push and shift, removal from the middle by identity. */
import type { Row } from '../common/row.js';

export class RowDeque {
  private items: Row[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(row: Row): void {
    this.items.push(row);
  }

  peek(): Row | undefined {
    return this.items[this.head];
  }

  shift(): Row | undefined {
    const row = this.items[this.head];
    if (row === undefined) return undefined;
    this.items[this.head] = undefined as unknown as Row;
    this.head++;
    // Compact once the dead prefix dominates, keeping shifts amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return row;
  }

  /** Position of `row` counted from the oldest (0), searching from the newest end. */
  indexOf(row: Row): number {
    for (let i = this.items.length - 1; i >= this.head; i--) if (this.items[i] === row) return i - this.head;
    return -1;
  }

  at(index: number): Row | undefined {
    return index < 0 ? undefined : this.items[this.head + index];
  }

  remove(row: Row): boolean {
    const i = this.indexOf(row);
    if (i < 0) return false;
    this.items.splice(this.head + i, 1);
    return true;
  }

  toArray(): Row[] {
    return this.items.slice(this.head);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** prev(): the row n positions before `row` in a deque. */
export function relativeIn(deque: RowDeque, row: Row, n: number): Row | undefined {
  const i = deque.indexOf(row);
  return i < 0 ? undefined : deque.at(i - n);
}
