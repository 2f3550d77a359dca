/**
 * Baseline for `select symbol, avg(price) from StockTick#time(30 sec) group by symbol`:
 * per group a running sum with Neumaier compensation (so a long run does not drift) and a
 * count; the sum restarts at exactly zero when the group empties.
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
  private readonly compensations: number[] = [];
  private readonly counts: number[] = [];

  addGroup(): void {
    this.sums.push(0);
    this.compensations.push(0);
    this.counts.push(0);
  }

  private addToSum(g: number, x: number): void {
    const sum = this.sums[g] as number;
    const t = sum + x;
    this.compensations[g] =
      (this.compensations[g] as number) + (Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum);
    this.sums[g] = t;
  }

  add(g: number, price: number): void {
    this.addToSum(g, price);
    this.counts[g] = (this.counts[g] as number) + 1;
  }

  removeOldest(g: number, price: number): void {
    const n = (this.counts[g] as number) - 1;
    this.counts[g] = n;
    if (n > 0) this.addToSum(g, -price);
    else {
      this.sums[g] = 0;
      this.compensations[g] = 0;
    }
  }

  write(s: StatementChecksum, g: number): void {
    const n = this.counts[g] as number;
    if (n === 0) s.value(null);
    else s.num(((this.sums[g] as number) + (this.compensations[g] as number)) / n);
  }
}

export function createSlidingAvgBaseline(out: Checksum, options: TimeWindowOptions = {}): Baseline {
  return createTimeWindowGroupBaseline(out, new AvgGroups(), options);
}
