/**
 * stddev(x): sample standard deviation by Welford's method with removal, exactly as Esper computes it;
 * null for fewer than two values. Invertible.
 */
import type { AggregateDef, Aggregator } from './aggregate-def.js';
import { ONE_ARG, requireNumeric } from './numeric-args.js';

export const stddev: AggregateDef = {
  name: 'stddev',
  syntax: 'stddev([distinct] x)',
  doc: 'Sample standard deviation of the non-null values; null for fewer than two.',
  signature: ONE_ARG,
  invertible: true,
  seesNulls: false,
  resultType: (types) => {
    requireNumeric('stddev', types);
    return 'double';
  },
  create: () => new Stddev(),
};

/** Esper's AggregatorStddev, operation for operation, so results match it bit for bit. */
class Stddev implements Aggregator {
  private n = 0;
  private mean = 0;
  private qn = 0;

  add(v: unknown): void {
    const p = v as number;
    if (this.n === 0) {
      this.mean = p;
      this.qn = 0;
      this.n = 1;
      return;
    }
    this.n++;
    const oldMean = this.mean;
    this.mean += (p - this.mean) / this.n;
    this.qn += (p - oldMean) * (p - this.mean);
  }

  remove(v: unknown): void {
    const p = v as number;
    if (this.n <= 1) {
      this.n = 0;
      this.mean = 0;
      this.qn = 0;
      return;
    }
    this.n--;
    const oldMean = this.mean;
    this.mean -= (p - this.mean) / this.n;
    this.qn -= (p - oldMean) * (p - this.mean);
  }

  /** As Esper: a rounding residue below zero gives NaN, not a clamped 0. */
  value(): unknown {
    return this.n < 2 ? null : Math.sqrt(this.qn / (this.n - 1));
  }

  snapshot(): unknown {
    return [this.n, this.mean, this.qn];
  }

  restore(state: unknown): void {
    [this.n, this.mean, this.qn] = state as [number, number, number];
  }
}
