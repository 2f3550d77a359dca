/** count(*) counts rows; count(x) counts non-null values. Invertible. */
import type { AggregateDef, Aggregator } from './aggregate-def.js';

export const count: AggregateDef = {
  name: 'count',
  syntax: 'count(*) | count([distinct] x)',
  doc: 'Number of events (with *), or of non-null values of x.',
  signature: { minArgs: 0, maxArgs: 1, star: true, distinct: true },
  invertible: true,
  seesNulls: false,
  resultType: () => 'long',
  create: () => new Count(),
};

class Count implements Aggregator {
  private n = 0;
  add(): void {
    this.n++;
  }
  /** Esper's AggregatorCount never goes below zero (an event posted as old twice). */
  remove(): void {
    if (this.n > 0) this.n--;
  }
  value(): unknown {
    return this.n;
  }
  snapshot(): number {
    return this.n;
  }
  restore(state: unknown): void {
    this.n = state as number;
  }
}
