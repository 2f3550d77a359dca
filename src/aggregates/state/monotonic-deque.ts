/**
 * Min or max of a sliding window whose events leave in arrival order: a deque of candidates
 * kept monotonic (for max, decreasing), so add and remove are amortised O(1). Only valid when
 * removals come oldest first — the planner picks it for FIFO windows (length, time, batches)
 * and the ordered multiset otherwise.
 */
import type { Comparable } from './order-statistic-tree.js';

export class MonotonicDeque {
  private items: Comparable[] = [];
  private head = 0;
  private count = 0;

  constructor(private readonly kind: 'min' | 'max') {}

  add(value: Comparable): void {
    const items = this.items;
    if (this.kind === 'max')
      while (items.length > this.head && (items[items.length - 1] as Comparable) < value) items.pop();
    else while (items.length > this.head && (items[items.length - 1] as Comparable) > value) items.pop();
    items.push(value);
    this.count++;
  }

  /** Removes the oldest value still aggregated (which must be `value`). */
  removeOldest(value: Comparable): void {
    if (this.items[this.head] === value) this.head++;
    this.count--;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** The live candidates and the count of values aggregated. */
  snapshot(): { readonly items: Comparable[]; readonly count: number } {
    return { items: this.items.slice(this.head), count: this.count };
  }

  restore(state: unknown): void {
    const s = state as { items: Comparable[]; count: number };
    this.items = [...s.items];
    this.head = 0;
    this.count = s.count;
  }

  value(): Comparable | null {
    return this.count === 0 ? null : (this.items[this.head] ?? null);
  }
}
