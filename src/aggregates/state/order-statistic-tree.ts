/**
 * An ordered multiset with order statistics and prefix sums: a treap whose nodes hold a
 * value, its multiplicity, and their subtree's count and numeric sum. Gives min, max, the
 * k-th smallest (median) and sums below a value (avedev) in O(log n) per operation, so
 * aggregates over sliding windows never rescan the window.
 *
 * Nodes live in parallel typed arrays indexed by node number (0 is "no node"), with freed
 * numbers reused. An object per node would allocate on every insert and box every subtree
 * sum it rewrites on the way up (about 900 bytes per insert and delete at 300 values); here
 * an operation allocates nothing once the arrays have grown to the window's size.
 */
export type Comparable = number | string | boolean;

const NIL = 0;
const INITIAL_CAPACITY = 16;

/** Ascending; NaN ranks above every number (Java's Double.compareTo) and equals itself. */
export function compare(a: Comparable, b: Comparable): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  return (Number.isNaN(a) ? 1 : 0) - (Number.isNaN(b) ? 1 : 0);
}

function numeric(v: Comparable): number {
  return typeof v === 'number' ? v : 0;
}

/** Deterministic priorities (xorshift) so runs are reproducible. */
let seed = 0x9e3779b9;
function nextPriority(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

export class OrderStatisticTree {
  private root = NIL;
  private values: Comparable[] = [0];
  private counts = new Int32Array(INITIAL_CAPACITY);
  private priorities = new Uint32Array(INITIAL_CAPACITY);
  private lefts = new Int32Array(INITIAL_CAPACITY);
  private rights = new Int32Array(INITIAL_CAPACITY);
  private sizes = new Int32Array(INITIAL_CAPACITY);
  private sums = new Float64Array(INITIAL_CAPACITY);
  /** Node numbers handed out so far (1-based); freed ones wait in `free`. */
  private used = 0;
  private readonly free: number[] = [];

  get size(): number {
    return this.sizes[this.root] as number;
  }

  get sum(): number {
    return this.sums[this.root] as number;
  }

  add(value: Comparable): void {
    this.root = this.insert(this.root, value);
  }

  /** Removes one occurrence; a value not present is ignored. */
  delete(value: Comparable): void {
    this.root = this.remove(this.root, value);
  }

  min(): Comparable | undefined {
    let n = this.root;
    if (n === NIL) return undefined;
    while (this.lefts[n] !== NIL) n = this.lefts[n] as number;
    return this.values[n];
  }

  max(): Comparable | undefined {
    let n = this.root;
    if (n === NIL) return undefined;
    while (this.rights[n] !== NIL) n = this.rights[n] as number;
    return this.values[n];
  }

  /** The k-th smallest value, 0-based, counting duplicates. */
  kth(k: number): Comparable | undefined {
    let n = this.root;
    let rank = k;
    while (n !== NIL) {
      const leftSize = this.sizes[this.lefts[n] as number] as number;
      if (rank < leftSize) n = this.lefts[n] as number;
      else if (rank < leftSize + (this.counts[n] as number)) return this.values[n];
      else {
        rank -= leftSize + (this.counts[n] as number);
        n = this.rights[n] as number;
      }
    }
    return undefined;
  }

  /** Count and sum of the values strictly below `value`. */
  below(value: Comparable): { count: number; sum: number } {
    let count = 0;
    let sum = 0;
    let n = this.root;
    while (n !== NIL) {
      const v = this.values[n] as Comparable;
      if (compare(v, value) < 0) {
        const l = this.lefts[n] as number;
        const c = this.counts[n] as number;
        count += (this.sizes[l] as number) + c;
        sum += (this.sums[l] as number) + numeric(v) * c;
        n = this.rights[n] as number;
      } else n = this.lefts[n] as number;
    }
    return { count, sum };
  }

  /** The treap's arrays as they are (node numbers, priorities and free list included). */
  snapshot(): unknown {
    const n = this.used + 1;
    return {
      root: this.root,
      values: this.values.slice(0, n),
      counts: this.counts.slice(0, n),
      priorities: this.priorities.slice(0, n),
      lefts: this.lefts.slice(0, n),
      rights: this.rights.slice(0, n),
      sizes: this.sizes.slice(0, n),
      sums: this.sums.slice(0, n),
      used: this.used,
      free: [...this.free],
    };
  }

  restore(state: unknown): void {
    const s = state as {
      root: number;
      values: Comparable[];
      counts: Int32Array;
      priorities: Uint32Array;
      lefts: Int32Array;
      rights: Int32Array;
      sizes: Int32Array;
      sums: Float64Array;
      used: number;
      free: number[];
    };
    while (this.counts.length < s.counts.length) this.grow();
    this.root = s.root;
    this.values = [...s.values];
    this.counts.set(s.counts);
    this.priorities.set(s.priorities);
    this.lefts.set(s.lefts);
    this.rights.set(s.rights);
    this.sizes.set(s.sizes);
    this.sums.set(s.sums);
    this.used = s.used;
    this.free.length = 0;
    this.free.push(...s.free);
  }

  private update(n: number): void {
    const l = this.lefts[n] as number;
    const r = this.rights[n] as number;
    const c = this.counts[n] as number;
    this.sizes[n] = c + (this.sizes[l] as number) + (this.sizes[r] as number);
    this.sums[n] =
      numeric(this.values[n] as Comparable) * c + (this.sums[l] as number) + (this.sums[r] as number);
  }

  private rotateRight(n: number): number {
    const l = this.lefts[n] as number;
    this.lefts[n] = this.rights[l] as number;
    this.rights[l] = n;
    this.update(n);
    this.update(l);
    return l;
  }

  private rotateLeft(n: number): number {
    const r = this.rights[n] as number;
    this.rights[n] = this.lefts[r] as number;
    this.lefts[r] = n;
    this.update(n);
    this.update(r);
    return r;
  }

  private insert(n: number, value: Comparable): number {
    if (n === NIL) return this.newNode(value);
    const c = compare(value, this.values[n] as Comparable);
    if (c === 0) (this.counts[n] as number)++;
    else if (c < 0) {
      const l = this.insert(this.lefts[n] as number, value);
      this.lefts[n] = l;
      if ((this.priorities[l] as number) > (this.priorities[n] as number)) return this.rotateRight(n);
    } else {
      const r = this.insert(this.rights[n] as number, value);
      this.rights[n] = r;
      if ((this.priorities[r] as number) > (this.priorities[n] as number)) return this.rotateLeft(n);
    }
    this.update(n);
    return n;
  }

  private remove(n: number, value: Comparable): number {
    if (n === NIL) return NIL;
    const c = compare(value, this.values[n] as Comparable);
    if (c < 0) this.lefts[n] = this.remove(this.lefts[n] as number, value);
    else if (c > 0) this.rights[n] = this.remove(this.rights[n] as number, value);
    else if ((this.counts[n] as number) > 1) (this.counts[n] as number)--;
    else return this.removeNode(n);
    this.update(n);
    return n;
  }

  private removeNode(n: number): number {
    const l = this.lefts[n] as number;
    const r = this.rights[n] as number;
    if (l === NIL || r === NIL) {
      this.freeNode(n);
      return l === NIL ? r : l;
    }
    if ((this.priorities[l] as number) > (this.priorities[r] as number)) {
      const top = this.rotateRight(n);
      this.rights[top] = this.removeNode(n);
      this.update(top);
      return top;
    }
    const top = this.rotateLeft(n);
    this.lefts[top] = this.removeNode(n);
    this.update(top);
    return top;
  }

  private newNode(value: Comparable): number {
    let n = this.free.pop();
    if (n === undefined) {
      n = ++this.used;
      if (n >= this.counts.length) this.grow();
    }
    this.values[n] = value;
    this.counts[n] = 1;
    this.priorities[n] = nextPriority();
    this.lefts[n] = NIL;
    this.rights[n] = NIL;
    this.sizes[n] = 1;
    this.sums[n] = numeric(value);
    return n;
  }

  private freeNode(n: number): void {
    this.values[n] = 0;
    this.free.push(n);
  }

  private grow(): void {
    const capacity = this.counts.length * 2;
    const widen = <T extends Int32Array | Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.counts = widen(this.counts, (n) => new Int32Array(n));
    this.priorities = widen(this.priorities, (n) => new Uint32Array(n));
    this.lefts = widen(this.lefts, (n) => new Int32Array(n));
    this.rights = widen(this.rights, (n) => new Int32Array(n));
    this.sizes = widen(this.sizes, (n) => new Int32Array(n));
    this.sums = widen(this.sums, (n) => new Float64Array(n));
  }
}
