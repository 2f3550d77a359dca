/** avg(x): compensated sum over count; null when no value is aggregated. Invertible. */
import type { AggregateDef } from './aggregate-def.js';
import { ONE_ARG, requireNumeric } from './numeric-args.js';
import { CompensatedSum } from './state/compensated-sum.js';

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
  create() {
    const s = new CompensatedSum();
    return {
      add: (v) => s.add(v as number),
      remove: (v) => s.remove(v as number),
      value: () => (s.count === 0 ? null : s.value / s.count),
    };
  },
};
