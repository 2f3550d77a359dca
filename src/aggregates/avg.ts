/** avg(x): Esper's running double sum over the count; null when no value is aggregated. Invertible. */
import type { AggregateDef, Aggregator } from './aggregate-def.js';
import { ONE_ARG, requireNumeric } from './numeric-args.js';
import { RunningSum } from './state/running-sum.js';

export const avg: AggregateDef = {
  name: 'avg',
  syntax: 'avg([distinct] x)',
  doc: 'Average of the non-null values, as a double; null when there are none.',
  signature: ONE_ARG,
  invertible: true,
  seesNulls: false,
  resultType: (types) => {
    requireNumeric('avg', types);
    return 'double';
  },
  create: () => new Average(),
};

/** One object per aggregator (a literal of closures over the sum was five). */
class Average extends RunningSum implements Aggregator {
  value(): unknown {
    return this.count === 0 ? null : this.total / this.count;
  }
}
