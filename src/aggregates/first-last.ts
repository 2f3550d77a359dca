/**
 * first(x) / last(x): the value of the oldest / newest event aggregated, even when that
 * value is null (Esper). Events are kept in arrival order by identity, so a window removing
 * from the middle (unique, sort) costs O(1).
 */
import type { AggregateDef } from './aggregate-def.js';
import { InsertionList } from './state/insertion-list.js';

function positional(name: 'first' | 'last'): AggregateDef {
  return {
    name,
    syntax: `${name}(x)`,
    doc: `Value of x for the ${name === 'first' ? 'oldest' : 'newest'} event aggregated (null values included).`,
    signature: { minArgs: 1, maxArgs: 1, star: false, distinct: false },
    invertible: false,
    seesNulls: true,
    readsEvent: true,
    resultType: (types) => types[0] ?? 'any',
    create() {
      const list = new InsertionList<unknown>();
      return {
        add: (v, row) => list.append(row, v),
        remove: (_v, row) => list.remove(row),
        value: () => (list.size === 0 ? null : ((name === 'first' ? list.first() : list.last()) ?? null)),
      };
    },
  };
}

export const first = positional('first');
export const last = positional('last');

/**
 * first(x) / last(x) over a stream without a data window (no remove stream): Esper plans them
 * as firstever/lastever (AggregatorFirstEver / AggregatorLastEver), which skip null values and
 * keep one value, not the events.
 */
function ever(name: 'first' | 'last'): AggregateDef {
  return {
    name,
    syntax: `${name}(x)`,
    doc: `Value of x for the ${name === 'first' ? 'oldest' : 'newest'} event with a non-null x (no data window).`,
    signature: { minArgs: 1, maxArgs: 1, star: false, distinct: false },
    invertible: false,
    seesNulls: false,
    resultType: (types) => types[0] ?? 'any',
    create() {
      let value: unknown = null;
      let set = false;
      return {
        add(v) {
          if (name === 'last' || !set) value = v;
          set = true;
        },
        remove() {},
        value: () => value,
      };
    },
  };
}

export const firstEver = ever('first');
export const lastEver = ever('last');
