/** window(*) / window(x): the events (or values) aggregated, in arrival order. */
import type { AggregateDef } from './aggregate-def.js';
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
  create() {
    const list = new InsertionList<unknown>();
    return {
      add: (v, row) => list.append(row, v),
      remove: (_v, row) => list.remove(row),
      value: () => (list.size === 0 ? null : list.values()),
    };
  },
};
