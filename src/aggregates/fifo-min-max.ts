/**
 * min/max for windows that evict in arrival order: the planner substitutes these for `min`
 * and `max` (same results, O(1) amortised) when every removal is the oldest event.
 */
import type { AggregateDef, Aggregator } from './aggregate-def.js';
import { max, min } from './min-max.js';
import { MonotonicDeque } from './state/monotonic-deque.js';
import type { Comparable } from './state/order-statistic-tree.js';

function fifo(base: AggregateDef, kind: 'min' | 'max'): AggregateDef {
  return {
    ...base,
    doc: `${base.doc} (FIFO windows: monotonic deque)`,
    create: () => new FifoExtreme(kind),
  };
}

class FifoExtreme extends MonotonicDeque implements Aggregator {
  remove(value: unknown): void {
    this.removeOldest(value as Comparable);
  }
}

export const fifoMin = fifo(min, 'min');
export const fifoMax = fifo(max, 'max');
