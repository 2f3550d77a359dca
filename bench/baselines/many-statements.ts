/**
 * Baseline for 1,000 statements `select avg(price) from StockTick(symbol='S<i>')#length(100)`:
 * one map lookup to the symbol's ring buffer of its last 100 prices and a running sum.
 */
import type { Checksum } from '../checksum.js';
import type { StockTick } from '../generate-data.js';
import { NeumaierSum } from './sliding-window.js';

export function manyStatementsBaseline(
  statements: number,
  events: readonly StockTick[],
  timestamps: readonly number[],
  out: Checksum,
): void {
  const rings = new Map<string, { prices: Float64Array; next: number; size: number; sum: NeumaierSum }>();
  for (let i = 0; i < statements; i++)
    rings.set(`S${i}`, { prices: new Float64Array(100), next: 0, size: 0, sum: new NeumaierSum() });
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as StockTick;
    const r = rings.get(e.symbol);
    if (r === undefined) continue;
    if (r.size === 100) r.sum.add(-(r.prices[r.next] as number));
    else r.size++;
    r.prices[r.next] = e.price;
    r.sum.add(e.price);
    r.next = (r.next + 1) % 100;
    out.add(timestamps[i] as number, [r.sum.value / r.size]);
  }
}
