/**
 * Baseline for `select symbol, count(*) from StockTick#time_batch(1 sec) group by symbol`,
 * with Esper's semantics: flushes on a grid anchored at the first arrival (an event at a
 * flush instant belongs to the next batch: the timer fires first); each flush is one call
 * with one row per group present in this batch or the previous one, carrying its count in
 * this batch (0 for a group only in the previous batch); a flush with both batches empty
 * posts nothing and stops the timer until the next arrival, which resumes the same grid.
 */
import type { Checksum } from '../checksum.js';
import type { StockTick } from '../generate-data.js';
import type { Baseline } from './baseline.js';

export interface TumblingCountOptions {
  readonly periodMs?: number;
  readonly statement?: string;
}

export function createTumblingCountBaseline(out: Checksum, options: TumblingCountOptions = {}): Baseline {
  const periodMs = options.periodMs ?? 1000;
  const s = out.statement(options.statement ?? 'q');
  const groupOf = new Map<string, number>();
  const names: string[] = [];
  let counts: number[] = [];
  let previousCounts: number[] = [];
  let present: number[] = [];
  let previousPresent: number[] = [];
  let reference: number | undefined;
  let nextFlush = 0;
  let scheduled = false;

  const flush = (at: number) => {
    if (present.length > 0 || previousPresent.length > 0) {
      s.begin(at);
      for (const g of present) {
        s.str(names[g] as string);
        s.num(counts[g] as number);
        s.endRow();
      }
      for (const g of previousPresent) {
        if (counts[g] !== 0) continue;
        s.str(names[g] as string);
        s.num(0);
        s.endRow();
      }
      s.end();
    }
    const again = present.length > 0 || previousPresent.length > 0;
    for (const g of previousPresent) previousCounts[g] = 0;
    [counts, previousCounts] = [previousCounts, counts];
    previousPresent.length = 0;
    [present, previousPresent] = [previousPresent, present];
    if (again) nextFlush = at + periodMs;
    else scheduled = false;
  };

  const advance = (now: number) => {
    while (scheduled && nextFlush <= now) flush(nextFlush);
  };

  return {
    event(_type, data, ts) {
      advance(ts);
      const e = data as unknown as StockTick;
      let g = groupOf.get(e.symbol);
      if (g === undefined) {
        g = names.length;
        groupOf.set(e.symbol, g);
        names.push(e.symbol);
        counts.push(0);
        previousCounts.push(0);
      }
      if (!scheduled) {
        reference ??= ts;
        // The first grid point strictly after now (Esper's computeWaitMSecForRef).
        const offset = (((ts - reference) % periodMs) + periodMs) % periodMs;
        nextFlush = ts + periodMs - offset;
        scheduled = true;
      }
      const n = counts[g] as number;
      if (n === 0) present.push(g);
      counts[g] = n + 1;
    },
    finish(endTime) {
      if (endTime !== undefined) advance(endTime);
    },
  };
}
