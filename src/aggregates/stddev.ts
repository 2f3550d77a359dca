/**
 * stddev(x): sample standard deviation by Welford's method with exact removal (as Esper);
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
  resultType: (types) => (requireNumeric('stddev', types), 'double'),
  create() {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    return {
      add(v) {
        const x = v as number;
        n++;
        const delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
      },
      remove(v) {
        const x = v as number;
        if (n <= 1) {
          n = 0;
          mean = 0;
          m2 = 0;
          return;
        }
        const previousMean = (n * mean - x) / (n - 1);
        m2 -= (x - previousMean) * (x - mean);
        n--;
        mean = previousMean;
        if (m2 < 0) m2 = 0;
      },
      value: () => (n < 2 ? null : Math.sqrt(m2 / (n - 1))),
    };
  },
};
