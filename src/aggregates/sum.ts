/** sum(x): Esper's running double sum; null when no value is aggregated. Invertible. */
import type { AggregateDef, Aggregator } from './aggregate-def.js';
import { ONE_ARG, requireNumeric } from './numeric-args.js';
import { RunningSum } from './state/running-sum.js';

export const sum: AggregateDef = {
  name: 'sum',
  syntax: 'sum([distinct] x)',
  doc: 'Sum of the non-null values; null when there are none.',
  signature: ONE_ARG,
  invertible: true,
  seesNulls: false,
  resultType: (types) => {
    const t = requireNumeric('sum', types);
    return t === 'int' || t === 'long' ? 'long' : 'double';
  },
  create: () => new Sum(),
};

class Sum extends RunningSum implements Aggregator {
  value(): unknown {
    return this.count === 0 ? null : this.total;
  }
}
