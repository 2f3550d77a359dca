/** sum(x): compensated (Neumaier) running sum; null when no value is aggregated. Invertible. */
import type { AggregateDef } from './aggregate-def.js';
import { ONE_ARG, requireNumeric } from './numeric-args.js';
import { CompensatedSum } from './state/compensated-sum.js';

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
  create() {
    const s = new CompensatedSum();
    return {
      add: (v) => s.add(v as number),
      remove: (v) => s.remove(v as number),
      value: () => (s.count === 0 ? null : s.value),
    };
  },
};
