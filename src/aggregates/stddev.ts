/**
 * stddev(x): sample standard deviation by Welford's method with removal, exactly as Esper computes it;
 * null for fewer than two values. Invertible.
 */
import type { AggregateDef } from './aggregate-def.js';
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
  create() {
    // Esper's AggregatorStddev, operation for operation, so results match it bit for bit.
    let n = 0;
    let mean = 0;
    let qn = 0;
    return {
      add(v) {
        const p = v as number;
        if (n === 0) {
          mean = p;
          qn = 0;
          n = 1;
          return;
        }
        n++;
        const oldMean = mean;
        mean += (p - mean) / n;
        qn += (p - oldMean) * (p - mean);
      },
      remove(v) {
        const p = v as number;
        if (n <= 1) {
          n = 0;
          mean = 0;
          qn = 0;
          return;
        }
        n--;
        const oldMean = mean;
        mean -= (p - mean) / n;
        qn -= (p - oldMean) * (p - mean);
      },
      // As Esper: a rounding residue below zero gives NaN, not a clamped 0.
      value: () => (n < 2 ? null : Math.sqrt(qn / (n - 1))),
    };
  },
};
