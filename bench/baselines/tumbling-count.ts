/**
 * Baseline for `select symbol, count(*) from StockTick#time_batch(1 sec) group by symbol`:
 * flushes on a 1-second grid anchored at the first arrival; each flush posts one row per
 * symbol present in this batch or the previous one, with its count in this batch.
 */
import type { Checksum } from '../checksum.js';
import type { StockTick } from '../generate-data.js';

export function tumblingCountBaseline(
  events: readonly StockTick[],
  timestamps: readonly number[],
  out: Checksum,
): void {
  let current = new Map<string, number>();
  let previous = new Map<string, number>();
  let nextFlush: number | undefined;
  const flush = (at: number) => {
    for (const [s, n] of current) out.add(at, [s, n]);
    for (const s of previous.keys()) if (!current.has(s)) out.add(at, [s, 0]);
    const active = current.size > 0 || previous.size > 0;
    previous = current;
    current = new Map();
    return active;
  };
  for (let i = 0; i < events.length; i++) {
    const now = timestamps[i] as number;
    while (nextFlush !== undefined && nextFlush <= now) {
      const at = nextFlush;
      nextFlush = flush(at) ? at + 1000 : undefined;
    }
    if (nextFlush === undefined) nextFlush = now + 1000;
    const e = events[i] as StockTick;
    current.set(e.symbol, (current.get(e.symbol) ?? 0) + 1);
  }
}
