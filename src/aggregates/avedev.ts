/**
 * avedev(x): mean absolute deviation from the mean, computed as Esper's AggregatorAvedev does
 * (Esper is the reference, rounding included): a running double sum that is never reset
 * (a residue left by values that came and went stays in later means), and the deviations
 * summed over the distinct values, each times its count, in Java HashMap order.
 */
import type { AggregateDef } from './aggregate-def.js';
import { ONE_ARG, requireNumeric } from './numeric-args.js';
import { JavaHashDoubles } from './state/java-hash-doubles.js';

export const avedev: AggregateDef = {
  name: 'avedev',
  syntax: 'avedev([distinct] x)',
  doc: 'Mean absolute deviation of the non-null values from their mean; null when there are none.',
  signature: ONE_ARG,
  invertible: false,
  seesNulls: false,
  resultType: (types) => {
    requireNumeric('avedev', types);
    return 'double';
  },
  create: () => new Avedev(),
};

class Avedev {
  private readonly values = new JavaHashDoubles();
  private sum = 0;

  add(v: unknown): void {
    const d = v as number;
    this.values.add(d);
    this.sum += d;
  }

  remove(v: unknown): void {
    const d = v as number;
    this.values.remove(d);
    this.sum -= d;
  }

  snapshot(): unknown {
    return { values: this.values.snapshot(), sum: this.sum };
  }

  restore(state: unknown): void {
    const s = state as { values: unknown; sum: number };
    this.values.restore(s.values);
    this.sum = s.sum;
  }

  value(): unknown {
    const n = this.values.size;
    if (n === 0) return null;
    const mean = this.sum / n;
    let total = 0;
    for (const e of this.values.inIterationOrder()) total += e.count * Math.abs(e.value - mean);
    return total / n;
  }
}
