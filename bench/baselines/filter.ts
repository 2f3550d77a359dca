/**
 * Baseline for `select * from StockTick(price > 50)`: no window, no aggregation, so every
 * passing event is one listener call of one row with the schema's columns in order.
 */
import type { Checksum } from '../checksum.js';
import type { StockTick } from '../generate-data.js';
import type { Baseline } from './baseline.js';

export function createFilterBaseline(out: Checksum, statement = 'q'): Baseline {
  const s = out.statement(statement);
  return {
    event(_type, data, ts) {
      const e = data as unknown as StockTick;
      if (!(e.price > 50)) return;
      s.begin(ts);
      s.str(e.symbol);
      s.num(e.price);
      s.num(e.volume);
      s.num(e.ts);
      s.endRow();
      s.end();
    },
    finish() {},
  };
}
