/**
 * avedev(x): mean absolute deviation from the mean. With the values in an order-statistic
 * tree holding subtree sums, Σ|x − m| = (S_above − m·n_above) + (m·n_below − S_below) is
 * O(log n) — no rescan of the window.
 */
import type { AggregateDef } from './aggregate-def.js';
import { ONE_ARG, requireNumeric } from './numeric-args.js';
import { OrderStatisticTree } from './state/order-statistic-tree.js';

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
  create() {
    const tree = new OrderStatisticTree();
    return {
      add: (v) => tree.add(v as number),
      remove: (v) => tree.delete(v as number),
      value() {
        const n = tree.size;
        if (n === 0) return null;
        const total = tree.sum;
        const mean = total / n;
        const below = tree.below(mean);
        const aboveCount = n - below.count;
        const aboveSum = total - below.sum;
        return (aboveSum - mean * aboveCount + (mean * below.count - below.sum)) / n;
      },
    };
  },
};
