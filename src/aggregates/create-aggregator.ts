/**
 * An aggregator as a statement uses it: for `distinct`, a reference count per value so a
 * value enters the function when its count goes 0→1 and leaves when it goes 1→0.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { AggregateDef, Aggregator } from './aggregate-def.js';

/** Distinct values with their reference counts, in front of the function they feed. */
class DistinctValues implements Aggregator {
  private readonly counts = new Map<unknown, number>();

  constructor(private readonly inner: Aggregator) {}

  add(v: unknown, row: Row): void {
    const n = this.counts.get(v) ?? 0;
    this.counts.set(v, n + 1);
    if (n === 0) this.inner.add(v, row);
  }

  remove(v: unknown, row: Row): void {
    const n = this.counts.get(v);
    // Esper's RefCountedSet ignores the removal of an unknown value but reports it as the
    // last one, so the function still sees it leave (its count then stays at zero).
    if (n === undefined) {
      this.inner.remove(v, row);
      return;
    }
    if (n > 1) this.counts.set(v, n - 1);
    else {
      this.counts.delete(v);
      this.inner.remove(v, row);
    }
  }

  value(): unknown {
    return this.inner.value();
  }

  snapshot(w: StateWriter): unknown {
    return { counts: [...this.counts], inner: this.inner.snapshot(w) };
  }

  restore(state: unknown, r: StateReader): void {
    const s = state as { counts: [unknown, number][]; inner: unknown };
    for (const [v, n] of s.counts) this.counts.set(v, n);
    this.inner.restore(s.inner, r);
  }
}

/**
 * The aggregator for one call. Null skipping is not wrapped here: the caller checks
 * `def.seesNulls` inline (see GroupState), which saves a call per value on the hot path.
 */
export function createAggregator(def: AggregateDef, options: { readonly distinct: boolean }): Aggregator {
  const agg = def.create();
  return options.distinct ? new DistinctValues(agg) : agg;
}
