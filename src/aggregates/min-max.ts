/** min(x) and max(x): an ordered multiset of the values, so removal is O(log n). */
import type { AggregateDef } from './aggregate-def.js';
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
    create() {
      const tree = new OrderStatisticTree();
      return {
        add: (v) => tree.add(v as Comparable),
        remove: (v) => tree.delete(v as Comparable),
        value: () => (name === 'min' ? tree.min() : tree.max()) ?? null,
      };
    },
  };
}

export const min = extremum('min');
export const max = extremum('max');
