/**
 * Rows in arrival order: O(1) push and shift, removal from the middle by identity.
 * A ring over a power-of-two array, so a window of n rows holds about n slots however long
 * it runs (a growing array with a dead prefix would spread a small window over kilobytes,
 * which costs cache misses when a thousand statements each hold one).
 * A slot may also carry a number (the time window's arrival time), kept in a parallel
 * Float64Array lane so that reading it does not touch the row; a deque is stamped on every
 * push or on none.
 */
import type { Row } from '../common/row.js';

/** Small: a context partition's window often holds a few events (it doubles as needed). */
const INITIAL_CAPACITY = 4;

export class RowDeque {
  private items: (Row | undefined)[] = new Array(INITIAL_CAPACITY).fill(undefined);
  /** Allocated on the first stamped push: windows that never stamp touch no second array. */
  private stamps: Float64Array | undefined;
  private mask = INITIAL_CAPACITY - 1;
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(row: Row, stamp?: number): void {
    if (this.count > this.mask) this.grow();
    const at = (this.head + this.count) & this.mask;
    this.items[at] = row;
    if (stamp !== undefined) {
      this.stamps ??= new Float64Array(this.mask + 1);
      this.stamps[at] = stamp;
    }
    this.count++;
  }

  peek(): Row | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** The oldest row's stamp (undefined when empty). */
  peekStamp(): number | undefined {
    return this.count === 0 || this.stamps === undefined ? undefined : this.stamps[this.head];
  }

  shift(): Row | undefined {
    if (this.count === 0) return undefined;
    const row = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return row;
  }

  /**
   * Removes and returns, oldest first, the leading rows whose stamp + `offset` is at most
   * `limit` (null when none): one exactly-sized array, since a growing one would allocate
   * spare capacity. (`stamp + offset <= limit`, not `stamp <= limit - offset`: the same
   * rounding as the timer's due time, `stamp + offset`.)
   */
  shiftStampedUpTo(offset: number, limit: number): Row[] | null {
    const stamps = this.stamps;
    if (stamps === undefined) return null;
    let n = 0;
    while (n < this.count && (stamps[(this.head + n) & this.mask] as number) + offset <= limit) n++;
    if (n === 0) return null;
    const out = new Array<Row>(n);
    for (let i = 0; i < n; i++) out[i] = this.shift() as Row;
    return out;
  }

  /** Position of `row` counted from the oldest (0), searching from the newest end. */
  indexOf(row: Row): number {
    for (let i = this.count - 1; i >= 0; i--) if (this.items[(this.head + i) & this.mask] === row) return i;
    return -1;
  }

  /** The stamp of the row at `index` (0 = oldest); undefined when out of range or unstamped. */
  stampAt(index: number): number | undefined {
    return index < 0 || index >= this.count || this.stamps === undefined
      ? undefined
      : this.stamps[(this.head + index) & this.mask];
  }

  at(index: number): Row | undefined {
    return index < 0 || index >= this.count ? undefined : this.items[(this.head + index) & this.mask];
  }

  remove(row: Row): boolean {
    const i = this.indexOf(row);
    if (i < 0) return false;
    // Close the gap by moving the newer rows one slot towards the oldest.
    for (let j = i; j < this.count - 1; j++) {
      const to = (this.head + j) & this.mask;
      const from = (this.head + j + 1) & this.mask;
      this.items[to] = this.items[from];
      if (this.stamps !== undefined) this.stamps[to] = this.stamps[from] as number;
    }
    this.items[(this.head + this.count - 1) & this.mask] = undefined;
    this.count--;
    return true;
  }

  toArray(): Row[] {
    const out = new Array<Row>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.head + i) & this.mask] as Row;
    return out;
  }

  clear(): void {
    this.items = new Array(INITIAL_CAPACITY).fill(undefined);
    this.stamps = undefined;
    this.mask = INITIAL_CAPACITY - 1;
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const items = new Array<Row | undefined>(capacity).fill(undefined);
    const old = this.stamps;
    const stamps = old === undefined ? undefined : new Float64Array(capacity);
    for (let i = 0; i < this.count; i++) {
      items[i] = this.items[(this.head + i) & this.mask];
      if (stamps !== undefined) stamps[i] = (old as Float64Array)[(this.head + i) & this.mask] as number;
    }
    this.items = items;
    this.stamps = stamps;
    this.mask = capacity - 1;
    this.head = 0;
  }
}

/** prev() on a sliding window: the n-th newest row (0 is the newest), whatever row asks. */
export function nthNewest(deque: RowDeque, n: number): Row | undefined {
  return deque.at(deque.size - 1 - n);
}
