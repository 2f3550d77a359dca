/**
 * The shared skeleton of the `select symbol, agg(price) from StockTick#time(W) group by
 * symbol` baselines, with Esper's semantics:
 * - an arrival is one listener call with one row: its group and the new aggregate value;
 * - an event that arrived at t leaves at exactly t + W; the timer fires before any event at
 *   or after that time, and every event leaving at the same instant leaves in one call,
 *   stamped t + W, with one row per group that changed (null once a group is empty).
 * The window is one FIFO over all groups (a ring of typed arrays); each aggregate keeps
 * per-group state indexed by a dense group number.
 */
import type { Checksum, StatementChecksum } from '../checksum.js';
import type { StockTick } from '../generate-data.js';
import type { Baseline } from './baseline.js';

/** Per-group aggregate state; groups arrive as dense indices 0, 1, 2, … */
export interface GroupAggregates {
  addGroup(): void;
  add(group: number, price: number): void;
  /** Removes the group's oldest price (the window evicts in arrival order). */
  removeOldest(group: number, price: number): void;
  /** Writes the group's current value as one column (null when the group is empty). */
  write(s: StatementChecksum, group: number): void;
}

export interface TimeWindowOptions {
  readonly windowMs?: number;
  readonly statement?: string;
}

export function createTimeWindowGroupBaseline(
  out: Checksum,
  aggregates: GroupAggregates,
  options: TimeWindowOptions = {},
): Baseline {
  const windowMs = options.windowMs ?? 30_000;
  const s = out.statement(options.statement ?? 'q');
  const groupOf = new Map<string, number>();
  const names: string[] = [];
  let changedAt: Int32Array = new Int32Array(16);
  const changed: number[] = [];
  let step = 0;

  let capacity = 1024;
  let groups = new Int32Array(capacity);
  let prices = new Float64Array(capacity);
  let times = new Float64Array(capacity);
  let head = 0;
  let size = 0;

  const grow = () => {
    const g = new Int32Array(capacity * 2);
    const p = new Float64Array(capacity * 2);
    const t = new Float64Array(capacity * 2);
    for (let i = 0; i < size; i++) {
      const j = (head + i) & (capacity - 1);
      g[i] = groups[j] as number;
      p[i] = prices[j] as number;
      t[i] = times[j] as number;
    }
    groups = g;
    prices = p;
    times = t;
    head = 0;
    capacity *= 2;
  };

  const advance = (now: number) => {
    while (size > 0 && (times[head] as number) + windowMs <= now) {
      const due = (times[head] as number) + windowMs;
      step++;
      changed.length = 0;
      while (size > 0 && (times[head] as number) + windowMs === due) {
        const g = groups[head] as number;
        aggregates.removeOldest(g, prices[head] as number);
        if (changedAt[g] !== step) {
          changedAt[g] = step;
          changed.push(g);
        }
        head = (head + 1) & (capacity - 1);
        size--;
      }
      s.begin(due);
      for (const g of changed) {
        s.str(names[g] as string);
        aggregates.write(s, g);
        s.endRow();
      }
      s.end();
    }
  };

  return {
    event(_type, data, ts) {
      advance(ts);
      const e = data as unknown as StockTick;
      let g = groupOf.get(e.symbol);
      if (g === undefined) {
        g = names.length;
        groupOf.set(e.symbol, g);
        names.push(e.symbol);
        aggregates.addGroup();
        if (g >= changedAt.length) {
          const wider = new Int32Array(changedAt.length * 2);
          wider.set(changedAt);
          changedAt = wider;
        }
      }
      if (size === capacity) grow();
      const tail = (head + size) & (capacity - 1);
      groups[tail] = g;
      prices[tail] = e.price;
      times[tail] = ts;
      size++;
      aggregates.add(g, e.price);
      s.begin(ts);
      s.str(e.symbol);
      aggregates.write(s, g);
      s.endRow();
      s.end();
    },
    finish(endTime) {
      if (endTime !== undefined) advance(endTime);
    },
  };
}
