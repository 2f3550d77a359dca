/**
 * Baseline for `select symbol, median(price) from StockTick#time(30 sec) group by symbol`:
 * per group a sorted array with binary-search insert and remove (a few hundred values per
 * group here, where splice beats a tree); the median of an even count is the mean of the
 * two middle values, as Esper's median.
 */
import type { Checksum, StatementChecksum } from '../checksum.js';
import type { Baseline } from './baseline.js';
import {
  type GroupAggregates,
  type TimeWindowOptions,
  createTimeWindowGroupBaseline,
} from './time-window-groups.js';

function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class MedianGroups implements GroupAggregates {
  private readonly sorted: number[][] = [];

  addGroup(): void {
    this.sorted.push([]);
  }

  add(g: number, price: number): void {
    const a = this.sorted[g] as number[];
    a.splice(lowerBound(a, price), 0, price);
  }

  removeOldest(g: number, price: number): void {
    const a = this.sorted[g] as number[];
    a.splice(lowerBound(a, price), 1);
  }

  write(s: StatementChecksum, g: number): void {
    const a = this.sorted[g] as number[];
    const n = a.length;
    if (n === 0) s.value(null);
    else if (n % 2 === 1) s.num(a[(n - 1) >>> 1] as number);
    else s.num(((a[n / 2 - 1] as number) + (a[n / 2] as number)) / 2);
  }
}

export function createSlidingMedianBaseline(out: Checksum, options: TimeWindowOptions = {}): Baseline {
  return createTimeWindowGroupBaseline(out, new MedianGroups(), options);
}
