/**
 * A hash index over the events one stream of a join currently holds, keyed by the values of
 * one or more key functions (nested maps, one level per key, so a key compares exactly as
 * EPL `=` does on each part: `===`, with no string encoding that could confuse 1 and '1').
 * Maintained incrementally from the stream's window posts: add on new, remove on old.
 * An event whose key has a null or NaN part is not indexed: `null = x` is never true (except
 * in an outer join's index, see the constructor).
 * Buckets are insertion-ordered sets, so removing an event costs O(1).
 */
import type { Row } from '../common/row.js';

export type KeyFn = (event: Row) => unknown;

/** The key part taken from an already-bound stream's event. */
export interface JoinProbe {
  readonly stream: number;
  readonly key: KeyFn;
}

/** What a lookup step asks of the looked-up stream: the events whose key equals the probe. */
export interface JoinLookup {
  lookup(values: readonly unknown[]): Set<Row> | undefined;
  lookup1(value: unknown): Set<Row> | undefined;
}

type Level = Map<unknown, Level | Set<Row>>;

/** Whether a key part can equal anything (null and NaN equal nothing). */
export function isMatchable(v: unknown): boolean {
  return v !== null && v !== undefined && !Number.isNaN(v);
}

/** Any key part matches its equal, null matching null (Map keys: NaN matches NaN too). */
function anyKey(): boolean {
  return true;
}

export class JoinIndex implements JoinLookup {
  private root: Level = new Map();
  private readonly depth: number;
  private readonly isMatchable: (v: unknown) => boolean;

  /**
   * `nullsMatch`: an outer join's index, where Esper's hash lookup finds a null key's equals
   * (its on clause is not tested again on the rows, unlike an inner join's conditions).
   */
  constructor(
    private readonly keys: readonly KeyFn[],
    nullsMatch = false,
  ) {
    this.depth = keys.length;
    this.isMatchable = nullsMatch ? anyKey : isMatchable;
  }

  add(event: Row): void {
    if (this.depth === 1) {
      // One key (the common `a.id = b.auction`): no level walk.
      const k = (this.keys[0] as KeyFn)(event);
      if (!this.isMatchable(k)) return;
      const bucket = this.root.get(k) as Set<Row> | undefined;
      if (bucket === undefined) this.root.set(k, new Set([event]));
      else bucket.add(event);
      return;
    }
    let level = this.root;
    for (let i = 0; i < this.depth; i++) {
      const k = (this.keys[i] as KeyFn)(event);
      if (!this.isMatchable(k)) return;
      let next = level.get(k);
      if (next === undefined) {
        next = i === this.depth - 1 ? new Set<Row>() : new Map();
        level.set(k, next);
      }
      if (i === this.depth - 1) (next as Set<Row>).add(event);
      else level = next as Level;
    }
  }

  remove(event: Row): void {
    if (this.depth === 1) {
      const k = (this.keys[0] as KeyFn)(event);
      if (!this.isMatchable(k)) return;
      const bucket = this.root.get(k) as Set<Row> | undefined;
      if (bucket?.delete(event) === true && bucket.size === 0) this.root.delete(k);
      return;
    }
    this.removeAt(this.root, 0, event);
  }

  /** Removes `event` below `level`; true when `level` became empty (so the parent drops it). */
  private removeAt(level: Level, i: number, event: Row): boolean {
    const k = (this.keys[i] as KeyFn)(event);
    if (!this.isMatchable(k)) return false;
    const next = level.get(k);
    if (next === undefined) return false;
    const emptied =
      i === this.depth - 1
        ? (next as Set<Row>).delete(event) && (next as Set<Row>).size === 0
        : this.removeAt(next as Level, i + 1, event);
    if (emptied) level.delete(k);
    return level.size === 0;
  }

  /** Forgets every event (a batch window's post replaces its whole contents). */
  clear(): void {
    if (this.root.size > 0) this.root = new Map();
  }

  /** The events whose key parts equal `values` (one per key function), or undefined. */
  lookup(values: readonly unknown[]): Set<Row> | undefined {
    let level: Level | Set<Row> | undefined = this.root;
    for (let i = 0; i < this.depth; i++) {
      const v = values[i];
      if (!this.isMatchable(v)) return undefined;
      level = (level as Level).get(v);
      if (level === undefined) return undefined;
    }
    return level as Set<Row>;
  }

  /** Single-key lookup without an array (the common case, `a.id = b.auction`). */
  lookup1(value: unknown): Set<Row> | undefined {
    if (!this.isMatchable(value)) return undefined;
    return this.root.get(value) as Set<Row> | undefined;
  }

  /** Every indexed event, bucket by bucket, each bucket in its order (re-adding them in this order rebuilds the index). */
  events(): Row[] {
    const out: Row[] = [];
    const walk = (level: Level | Set<Row>, depth: number): void => {
      if (depth === this.depth) for (const e of level as Set<Row>) out.push(e);
      else for (const next of (level as Level).values()) walk(next, depth + 1);
    };
    walk(this.root, 0);
    return out;
  }
}
