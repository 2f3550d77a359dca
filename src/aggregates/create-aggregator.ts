/**
 * An aggregator as a statement uses it: for `distinct`, a reference count per value so a
 * value enters the function when its count goes 0→1 and leaves when it goes 1→0.
 */
import type { AggregateDef, Aggregator } from './aggregate-def.js';

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
      // Esper's RefCountedSet ignores the removal of an unknown value but reports it as the
      // last one, so the function still sees it leave (its count then stays at zero).
      if (n === undefined) {
        inner.remove(v, row);
        return;
      }
      if (n > 1) counts.set(v, n - 1);
      else {
        counts.delete(v);
        inner.remove(v, row);
      }
    },
    value: () => inner.value(),
  };
}

/**
 * The aggregator for one call. Null skipping is not wrapped here: the caller checks
 * `def.seesNulls` inline (see GroupState), which saves a call per value on the hot path.
 */
export function createAggregator(def: AggregateDef, options: { readonly distinct: boolean }): Aggregator {
  const agg = def.create();
  return options.distinct ? distinctValues(agg) : agg;
}
