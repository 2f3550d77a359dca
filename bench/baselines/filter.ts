/** Baseline for `select * from StockTick(price > 50)`: a loop and a comparison. */
import type { Checksum } from '../checksum.js';
import type { StockTick } from '../generate-data.js';

export function filterBaseline(
  events: readonly StockTick[],
  timestamps: readonly number[],
  out: Checksum,
): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as StockTick;
    if (e.price > 50) out.add(timestamps[i] as number, [e.symbol, e.price, e.volume]);
  }
}
