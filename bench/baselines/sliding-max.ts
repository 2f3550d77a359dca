/**
 * Baseline for `select symbol, max(price) from StockTick#time(30 sec) group by symbol`:
 * per group a monotonic deque (non-increasing; an arrival pops strictly smaller values), so
 * the head is the max, and evicting the group's oldest value pops the head only when the
 * head is that value (an oldest value not in the deque was popped by a larger, later one).
 */
import type { Checksum, StatementChecksum } from '../checksum.js';
import type { Baseline } from './baseline.js';
import {
  type GroupAggregates,
  type TimeWindowOptions,
  createTimeWindowGroupBaseline,
} from './time-window-groups.js';

interface Deque {
  values: number[];
  head: number;
  count: number;
}

class MaxGroups implements GroupAggregates {
  private readonly deques: Deque[] = [];

  addGroup(): void {
    this.deques.push({ values: [], head: 0, count: 0 });
  }

  add(g: number, price: number): void {
    const d = this.deques[g] as Deque;
    const v = d.values;
    while (v.length > d.head && (v[v.length - 1] as number) < price) v.pop();
    v.push(price);
    d.count++;
  }

  removeOldest(g: number, price: number): void {
    const d = this.deques[g] as Deque;
    if (d.values[d.head] === price) d.head++;
    d.count--;
    // Compact the consumed prefix now and then, keeping removal amortised O(1).
    if (d.head > 64 && d.head * 2 > d.values.length) {
      d.values.splice(0, d.head);
      d.head = 0;
    }
  }

  write(s: StatementChecksum, g: number): void {
    const d = this.deques[g] as Deque;
    if (d.count === 0) s.value(null);
    else s.num(d.values[d.head] as number);
  }
}

export function createSlidingMaxBaseline(out: Checksum, options: TimeWindowOptions = {}): Baseline {
  return createTimeWindowGroupBaseline(out, new MaxGroups(), options);
}
