/**
 * An aggregator as a statement uses it: Esper's null skipping (unless the function sees
 * nulls) and, for `distinct`, a reference count per value so a value enters the function
 * when its count goes 0→1 and leaves when it goes 1→0.
 */
import type { AggregateDef, Aggregator } from './aggregate-def.js';

function skippingNulls(inner: Aggregator): Aggregator {
  return {
    add: (v, row) => {
      if (v !== null && v !== undefined) inner.add(v, row);
    },
    remove: (v, row) => {
      if (v !== null && v !== undefined) inner.remove(v, row);
    },
    value: () => inner.value(),
  };
}

function distinctValues(inner: Aggregator): Aggregator {
  const counts = new Map<unknown, number>();
  return {
    add: (v, row) => {
      const n = counts.get(v) ?? 0;
      counts.set(v, n + 1);
      if (n === 0) inner.add(v, row);
    },
    remove: (v, row) => {
      const n = counts.get(v);
      if (n === undefined) return;
      if (n > 1) counts.set(v, n - 1);
      else {
        counts.delete(v);
        inner.remove(v, row);
      }
    },
    value: () => inner.value(),
  };
}

export function createAggregator(def: AggregateDef, options: { readonly distinct: boolean }): Aggregator {
  let agg = def.create();
  if (options.distinct) agg = distinctValues(agg);
  if (!def.seesNulls) agg = skippingNulls(agg);
  return agg;
}
