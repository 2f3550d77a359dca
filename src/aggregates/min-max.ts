/** min(x) and max(x): an ordered multiset of the values, so removal is O(log n). */
import type { AggregateDef, Aggregator } from './aggregate-def.js';
import { type Comparable, OrderStatisticTree } from './state/order-statistic-tree.js';

function extremum(name: 'min' | 'max'): AggregateDef {
  return {
    name,
    syntax: `${name}([distinct] x)`,
    doc: `The ${name === 'min' ? 'smallest' : 'largest'} non-null value; null when there are none.`,
    signature: { minArgs: 1, maxArgs: 1, star: false, distinct: true },
    invertible: false,
    seesNulls: false,
    resultType: (types) => types[0] ?? 'any',
    create: () => new Extremum(name),
  };
}

class Extremum implements Aggregator {
  private readonly tree = new OrderStatisticTree();

  constructor(private readonly kind: 'min' | 'max') {}

  add(v: unknown): void {
    this.tree.add(v as Comparable);
  }
  remove(v: unknown): void {
    this.tree.delete(v as Comparable);
  }
  value(): unknown {
    return (this.kind === 'min' ? this.tree.min() : this.tree.max()) ?? null;
  }
  snapshot(): unknown {
    return this.tree.snapshot();
  }
  restore(state: unknown): void {
    this.tree.restore(state);
  }
}

export const min = extremum('min');
export const max = extremum('max');
