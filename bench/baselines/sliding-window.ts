/**
 * Baselines for `select symbol, agg(price) from StockTick#time(30 sec) group by symbol`, by
 * hand, with Esper's semantics: an arrival posts its symbol's new value; an event that
 * arrived at t leaves at t + 30 s, before any event at or after that time, posting its
 * symbol's new value (null once the symbol has no events) at t + 30 s. Per-symbol state:
 * running sum and count (avg), a monotonic deque (max), a sorted array (median).
 */
import type { Checksum } from '../checksum.js';
import type { StockTick } from '../generate-data.js';

interface Aggregate {
  add(price: number): void;
  removeOldest(price: number): void;
  value(): number | null;
}

/** Running sum with Neumaier compensation, so a long-running window does not drift. */
export class NeumaierSum {
  sum = 0;
  private c = 0;
  add(x: number): void {
    const t = this.sum + x;
    this.c += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }
  reset(): void {
    this.sum = 0;
    this.c = 0;
  }
  get value(): number {
    return this.sum + this.c;
  }
}

function avgState(): Aggregate {
  const sum = new NeumaierSum();
  let count = 0;
  return {
    add: (p) => {
      sum.add(p);
      count++;
    },
    removeOldest: (p) => {
      count--;
      if (count === 0) sum.reset();
      else sum.add(-p);
    },
    value: () => (count === 0 ? null : sum.value / count),
  };
}

/** Max over a FIFO window: a deque of candidates in decreasing order. */
function maxState(): Aggregate {
  const deque: number[] = [];
  let head = 0;
  let count = 0;
  return {
    add: (p) => {
      while (deque.length > head && (deque[deque.length - 1] as number) < p) deque.pop();
      deque.push(p);
      count++;
    },
    removeOldest: (p) => {
      if (deque[head] === p) head++;
      count--;
      if (head > 64 && head * 2 > deque.length) {
        deque.splice(0, head);
        head = 0;
      }
    },
    value: () => (count === 0 ? null : (deque[head] as number)),
  };
}

function medianState(): Aggregate {
  const sorted: number[] = [];
  const position = (p: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) < p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    add: (p) => sorted.splice(position(p), 0, p),
    removeOldest: (p) => sorted.splice(position(p), 1),
    value: () => {
      const n = sorted.length;
      if (n === 0) return null;
      return n % 2 === 1
        ? (sorted[(n - 1) >> 1] as number)
        : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
    },
  };
}

const STATES = { avg: avgState, max: maxState, median: medianState };

export function slidingWindowBaseline(
  kind: keyof typeof STATES,
  windowMs: number,
  events: readonly StockTick[],
  timestamps: readonly number[],
  out: Checksum,
): void {
  const groups = new Map<string, Aggregate>();
  let oldest = 0;
  for (let i = 0; i < events.length; i++) {
    const now = timestamps[i] as number;
    // Expire in arrival order, one step per distinct arrival time.
    while (oldest < i && (timestamps[oldest] as number) + windowMs <= now) {
      const due = (timestamps[oldest] as number) + windowMs;
      const changed = new Set<string>();
      while (oldest < i && (timestamps[oldest] as number) + windowMs === due) {
        const e = events[oldest] as StockTick;
        (groups.get(e.symbol) as Aggregate).removeOldest(e.price);
        changed.add(e.symbol);
        oldest++;
      }
      for (const s of changed) out.add(due, [s, (groups.get(s) as Aggregate).value()]);
    }
    const e = events[i] as StockTick;
    let g = groups.get(e.symbol);
    if (g === undefined) {
      g = STATES[kind]();
      groups.set(e.symbol, g);
    }
    g.add(e.price);
    out.add(now, [e.symbol, g.value()]);
  }
}
