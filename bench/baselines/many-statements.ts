/**
 * Baseline for 1,000 statements `@name('s<i>') select avg(price) from
 * StockTick(symbol='S<i>')#length(100)`: an event whose symbol has a statement is one call
 * of one row on that statement with the average of its symbol's last 100 prices (a length
 * window evicts only on arrival, so there are no timer calls). One map lookup finds the
 * symbol's ring of prices and running sum (Esper's arithmetic: the arrival enters, then the
 * evicted price leaves); other symbols cost only the lookup.
 */
import type { Checksum, StatementChecksum } from '../checksum.js';
import type { StockTick } from '../generate-data.js';
import type { Baseline } from './baseline.js';

export const MANY_STATEMENTS = 1000;
export const MANY_STATEMENTS_LENGTH = 100;

interface Ring {
  readonly out: StatementChecksum;
  readonly prices: Float64Array;
  next: number;
  size: number;
  sum: number;
}

export interface ManyStatementsOptions {
  readonly statements?: number;
  readonly length?: number;
}

export function createManyStatementsBaseline(out: Checksum, options: ManyStatementsOptions = {}): Baseline {
  const statements = options.statements ?? MANY_STATEMENTS;
  const length = options.length ?? MANY_STATEMENTS_LENGTH;
  const rings = new Map<string, Ring>();
  for (let i = 0; i < statements; i++)
    rings.set(`S${i}`, {
      out: out.statement(`s${i}`),
      prices: new Float64Array(length),
      next: 0,
      size: 0,
      sum: 0,
    });
  return {
    event(_type, data, ts) {
      const e = data as unknown as StockTick;
      const r = rings.get(e.symbol);
      if (r === undefined) return;
      r.sum += e.price;
      if (r.size === length) r.sum -= r.prices[r.next] as number;
      else r.size++;
      r.prices[r.next] = e.price;
      r.next = r.next + 1 === length ? 0 : r.next + 1;
      r.out.begin(ts);
      r.out.num(r.sum / r.size);
      r.out.endRow();
      r.out.end();
    },
    finish() {},
  };
}
