/** median(x): the middle of the ordered values (the mean of the two middle ones for an even count). */
import type { AggregateDef, Aggregator } from './aggregate-def.js';
import { ONE_ARG, requireNumeric } from './numeric-args.js';
import { OrderedNumbers } from './state/ordered-numbers.js';

export const median: AggregateDef = {
  name: 'median',
  syntax: 'median([distinct] x)',
  doc: 'Median of the non-null values, as a double; null when there are none.',
  signature: ONE_ARG,
  invertible: false,
  seesNulls: false,
  resultType: (types) => {
    requireNumeric('median', types);
    return 'double';
  },
  create: () => new Median(),
};

class Median extends OrderedNumbers implements Aggregator {
  remove(value: unknown): void {
    this.delete(value as number);
  }
  value(): unknown {
    const n = this.size;
    if (n === 0) return null;
    const lo = this.kth((n - 1) >> 1) as number;
    return n % 2 === 1 ? lo : (lo + (this.kth(n >> 1) as number)) / 2;
  }
}
