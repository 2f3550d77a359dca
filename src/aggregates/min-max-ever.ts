/**
 * minever(x) and maxever(x): the smallest / largest non-null value ever aggregated. Values
 * leaving the window do not count (Esper's AggregatorMinMaxEver ignores the remove stream),
 * so one value is the whole state.
 */
import type { AggregateDef } from './aggregate-def.js';
import { type Comparable, compare } from './state/order-statistic-tree.js';

function everExtremum(name: 'minever' | 'maxever'): AggregateDef {
  const sign = name === 'minever' ? -1 : 1;
  return {
    name,
    syntax: `${name}(x)`,
    doc: `The ${name === 'minever' ? 'smallest' : 'largest'} non-null value ever seen (removals do not count); null when there is none.`,
    signature: { minArgs: 1, maxArgs: 1, star: false, distinct: false },
    invertible: false,
    seesNulls: false,
    resultType: (types) => types[0] ?? 'any',
    create() {
      let value: Comparable | null = null;
      return {
        add(v) {
          if (value === null || compare(v as Comparable, value) * sign > 0) value = v as Comparable;
        },
        remove() {},
        value: () => value,
        snapshot: () => value,
        restore(state) {
          value = state as Comparable | null;
        },
      };
    },
  };
}

export const minever = everExtremum('minever');
export const maxever = everExtremum('maxever');
