/**
 * Baseline for `select symbol, avg(price) from StockTick#time(30 sec) group by symbol`:
 * per group a running double sum and a count with Esper's arithmetic (plain addition and
 * subtraction; the sum restarts at exactly zero when the last value leaves).
 */
import type { Checksum, StatementChecksum } from '../checksum.js';
import type { Baseline } from './baseline.js';
import {
  type GroupAggregates,
  type TimeWindowOptions,
  createTimeWindowGroupBaseline,
} from './time-window-groups.js';

class AvgGroups implements GroupAggregates {
  private readonly sums: number[] = [];
  private readonly counts: number[] = [];

  addGroup(): void {
    this.sums.push(0);
    this.counts.push(0);
  }

  add(g: number, price: number): void {
    this.sums[g] = (this.sums[g] as number) + price;
    this.counts[g] = (this.counts[g] as number) + 1;
  }

  removeOldest(g: number, price: number): void {
    const n = (this.counts[g] as number) - 1;
    this.counts[g] = n;
    this.sums[g] = n > 0 ? (this.sums[g] as number) - price : 0;
  }

  write(s: StatementChecksum, g: number): void {
    const n = this.counts[g] as number;
    if (n === 0) s.value(null);
    else s.num((this.sums[g] as number) / n);
  }
}

export function createSlidingAvgBaseline(out: Checksum, options: TimeWindowOptions = {}): Baseline {
  return createTimeWindowGroupBaseline(out, new AvgGroups(), options);
}
