/** window(*) / window(x): the events (or values) aggregated, in arrival order. */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { AggregateDef, Aggregator } from './aggregate-def.js';
import { InsertionList } from './state/insertion-list.js';

export const window: AggregateDef = {
  name: 'window',
  syntax: 'window(*) | window(x)',
  doc: 'Array of the events (or values of x) currently aggregated, oldest first; null when empty.',
  signature: { minArgs: 0, maxArgs: 1, star: true, distinct: false },
  invertible: false,
  seesNulls: true,
  readsEvent: true,
  resultType: () => 'any',
  create: () => new WindowAggregator(),
};

class WindowAggregator implements Aggregator {
  private readonly list = new InsertionList<unknown>();

  add(v: unknown, row: Row): void {
    this.list.append(row, v);
  }
  remove(_v: unknown, row: Row): void {
    this.list.remove(row);
  }
  value(): unknown {
    return this.list.size === 0 ? null : this.list.values();
  }
  snapshot(w: StateWriter): unknown {
    return this.list.snapshot(w);
  }
  restore(state: unknown, r: StateReader): void {
    this.list.restore(state, r);
  }
}
