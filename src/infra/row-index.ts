/**
 * An index on the rows of a named window: hash columns first, then btree columns, each a
 * level of nested maps (Esper's PropertyHashedEventTable, PropertySortedEventTable and
 * PropertyCompositeEventTable). A hash level keeps rows of equal keys in arrival order; a
 * btree level is ordered by key (an OrderedMap), so a range lookup returns rows by ascending
 * key; lookups return their rows in arrival order (see lookup). Rows whose btree key is null
 * are never found by a range.
 */
import { OrderedMap } from '@js-sdsl/ordered-map';
import type { Row } from '../common/row.js';

/** A lookup on one btree column, with its bound values already computed. */
export type RangeBounds =
  | { readonly kind: 'relop'; readonly op: '<' | '<=' | '>' | '>='; readonly value: unknown }
  | {
      readonly kind: 'range';
      readonly low: unknown;
      readonly lowInclusive: boolean;
      readonly high: unknown;
      readonly highInclusive: boolean;
      readonly allowReverse: boolean;
    };

type Level = Map<unknown, unknown> | OrderedMap<unknown, unknown>;

function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export class RowIndex {
  private readonly root: Level;
  /** Rows held, for size and rebuilding. */
  private count = 0;
  /** Arrival order of the rows held: lookups return rows in it (see lookup). */
  private readonly arrival = new Map<Row, number>();
  private nextArrival = 0;

  constructor(
    readonly hash: readonly string[],
    readonly btree: readonly string[],
    /** The index's name (a snapshot re-creates it under it). */
    readonly name = '',
  ) {
    this.root = this.newLevel(0);
  }

  /** The rows held, in arrival order (re-adding them in this order rebuilds the same index). */
  rows(): Row[] {
    return [...this.arrival.keys()];
  }

  get size(): number {
    return this.count;
  }

  private newLevel(depth: number): Level {
    return depth < this.hash.length ? new Map() : new OrderedMap<unknown, unknown>([], compareKeys);
  }

  private column(depth: number): string {
    return depth < this.hash.length
      ? (this.hash[depth] as string)
      : (this.btree[depth - this.hash.length] as string);
  }

  private get depth(): number {
    return this.hash.length + this.btree.length;
  }

  add(row: Row): void {
    let level = this.root;
    for (let d = 0; d < this.depth; d++) {
      const key = row[this.column(d)] ?? null;
      const last = d === this.depth - 1;
      let next = getChild(level, key);
      if (next === undefined) {
        next = last ? [] : this.newLevel(d + 1);
        setChild(level, key, next);
      }
      if (last) (next as Row[]).push(row);
      else level = next as Level;
    }
    this.count++;
    this.arrival.set(row, this.nextArrival++);
  }

  /** Removes `row` (by identity); returns whether it was held. */
  remove(row: Row): boolean {
    const path: { level: Level; key: unknown }[] = [];
    let level = this.root;
    for (let d = 0; d < this.depth; d++) {
      const key = row[this.column(d)] ?? null;
      const next = getChild(level, key);
      if (next === undefined) return false;
      path.push({ level, key });
      if (d === this.depth - 1) {
        const rows = next as Row[];
        const at = rows.indexOf(row);
        if (at < 0) return false;
        rows.splice(at, 1);
        this.count--;
        this.arrival.delete(row);
        // Drop emptied levels, deepest first.
        let empty = rows.length === 0;
        for (let i = path.length - 1; i >= 0 && empty; i--) {
          const p = path[i] as { level: Level; key: unknown };
          deleteChild(p.level, p.key);
          empty = childCount(p.level) === 0;
        }
        return true;
      }
      level = next as Level;
    }
    return false;
  }

  /**
   * Rows whose hash columns equal `keys` and btree columns fall in `ranges`, in arrival order.
   * Esper gathers a lookup's rows in a HashSet of events, whose order is no order at all; the
   * arrival order is the one its runs show for small sets, and it keeps the window's order
   * when updated rows go back into an ordered window.
   */
  lookup(keys: readonly unknown[], ranges: readonly RangeBounds[]): Row[] {
    const out: Row[] = [];
    this.collect(this.root, 0, keys, ranges, out);
    if (this.btree.length > 0 && out.length > 1) {
      const arrival = this.arrival;
      out.sort((a, b) => (arrival.get(a) ?? 0) - (arrival.get(b) ?? 0));
    }
    return out;
  }

  private collect(
    level: Level,
    d: number,
    keys: readonly unknown[],
    ranges: readonly RangeBounds[],
    out: Row[],
  ): void {
    const last = d === this.depth - 1;
    const emit = (child: unknown) => {
      if (last) for (const r of child as Row[]) out.push(r);
      else this.collect(child as Level, d + 1, keys, ranges, out);
    };
    if (d < this.hash.length) {
      const key = keys[d] ?? null;
      if (key === null) return;
      const child = (level as Map<unknown, unknown>).get(key);
      if (child !== undefined) emit(child);
      return;
    }
    const range = ranges[d - this.hash.length];
    if (range === undefined) return;
    const tree = level as OrderedMap<unknown, unknown>;
    const bounds = boundsOf(range);
    if (bounds === undefined) return;
    const { low, lowInclusive, high, highInclusive } = bounds;
    for (const [key, child] of tree) {
      if (key === null) continue;
      if (low !== undefined) {
        const c = compareKeys(key, low);
        if (c < 0 || (c === 0 && !lowInclusive)) continue;
      }
      if (high !== undefined) {
        const c = compareKeys(key, high);
        if (c > 0 || (c === 0 && !highInclusive)) break;
      }
      emit(child);
    }
  }
}

interface Bounds {
  readonly low: unknown;
  readonly lowInclusive: boolean;
  readonly high: unknown;
  readonly highInclusive: boolean;
}

/** The key interval a range selects; undefined when a bound is null (nothing compares with null). */
function boundsOf(range: RangeBounds): Bounds | undefined {
  if (range.kind === 'relop') {
    if (range.value === null || range.value === undefined) return undefined;
    switch (range.op) {
      case '<':
        return { low: undefined, lowInclusive: false, high: range.value, highInclusive: false };
      case '<=':
        return { low: undefined, lowInclusive: false, high: range.value, highInclusive: true };
      case '>':
        return { low: range.value, lowInclusive: false, high: undefined, highInclusive: false };
      case '>=':
        return { low: range.value, lowInclusive: true, high: undefined, highInclusive: false };
    }
  }
  let { low, high } = range;
  if (low === null || low === undefined || high === null || high === undefined) return undefined;
  if (range.allowReverse && compareKeys(low, high) > 0) [low, high] = [high, low];
  return { low, lowInclusive: range.lowInclusive, high, highInclusive: range.highInclusive };
}

function getChild(level: Level, key: unknown): unknown {
  if (level instanceof Map) return level.get(key);
  return level.getElementByKey(key);
}

function setChild(level: Level, key: unknown, child: unknown): void {
  if (level instanceof Map) level.set(key, child);
  else level.setElement(key, child);
}

function deleteChild(level: Level, key: unknown): void {
  if (level instanceof Map) level.delete(key);
  else level.eraseElementByKey(key);
}

function childCount(level: Level): number {
  return level instanceof Map ? level.size : level.size();
}
