/**
 * An ordered multiset with order statistics and prefix sums: a treap whose nodes hold a
 * value, its multiplicity, and their subtree's count and numeric sum. Gives min, max, the
 * k-th smallest (median) and sums below a value (avedev) in O(log n) per operation, so
 * aggregates over sliding windows never rescan the window.
 */
export type Comparable = number | string | boolean;

interface TreapNode {
  value: Comparable;
  count: number;
  priority: number;
  left: TreapNode | null;
  right: TreapNode | null;
  size: number;
  sum: number;
}

function compare(a: Comparable, b: Comparable): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function numeric(v: Comparable): number {
  return typeof v === 'number' ? v : 0;
}

function update(n: TreapNode): void {
  n.size = n.count + (n.left?.size ?? 0) + (n.right?.size ?? 0);
  n.sum = numeric(n.value) * n.count + (n.left?.sum ?? 0) + (n.right?.sum ?? 0);
}

function rotateRight(n: TreapNode): TreapNode {
  const l = n.left as TreapNode;
  n.left = l.right;
  l.right = n;
  update(n);
  update(l);
  return l;
}

function rotateLeft(n: TreapNode): TreapNode {
  const r = n.right as TreapNode;
  n.right = r.left;
  r.left = n;
  update(n);
  update(r);
  return r;
}

/** Deterministic priorities (xorshift) so runs are reproducible. */
let seed = 0x9e3779b9;
function nextPriority(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

function insert(n: TreapNode | null, value: Comparable): TreapNode {
  if (n === null) {
    return {
      value,
      count: 1,
      priority: nextPriority(),
      left: null,
      right: null,
      size: 1,
      sum: numeric(value),
    };
  }
  const c = compare(value, n.value);
  if (c === 0) n.count++;
  else if (c < 0) {
    n.left = insert(n.left, value);
    if (n.left.priority > n.priority) return rotateRight(n);
  } else {
    n.right = insert(n.right, value);
    if (n.right.priority > n.priority) return rotateLeft(n);
  }
  update(n);
  return n;
}

function remove(n: TreapNode | null, value: Comparable): TreapNode | null {
  if (n === null) return null;
  const c = compare(value, n.value);
  if (c < 0) n.left = remove(n.left, value);
  else if (c > 0) n.right = remove(n.right, value);
  else if (n.count > 1) n.count--;
  else return removeNode(n);
  update(n);
  return n;
}

function removeNode(n: TreapNode): TreapNode | null {
  if (n.left === null) return n.right;
  if (n.right === null) return n.left;
  if (n.left.priority > n.right.priority) {
    const top = rotateRight(n);
    top.right = removeNode(n);
    update(top);
    return top;
  }
  const top = rotateLeft(n);
  top.left = removeNode(n);
  update(top);
  return top;
}

export class OrderStatisticTree {
  private root: TreapNode | null = null;

  get size(): number {
    return this.root?.size ?? 0;
  }

  get sum(): number {
    return this.root?.sum ?? 0;
  }

  add(value: Comparable): void {
    this.root = insert(this.root, value);
  }

  /** Removes one occurrence; a value not present is ignored. */
  delete(value: Comparable): void {
    this.root = remove(this.root, value);
  }

  min(): Comparable | undefined {
    let n = this.root;
    while (n?.left) n = n.left;
    return n?.value;
  }

  max(): Comparable | undefined {
    let n = this.root;
    while (n?.right) n = n.right;
    return n?.value;
  }

  /** The k-th smallest value, 0-based, counting duplicates. */
  kth(k: number): Comparable | undefined {
    let n = this.root;
    let rank = k;
    while (n !== null) {
      const leftSize = n.left?.size ?? 0;
      if (rank < leftSize) n = n.left;
      else if (rank < leftSize + n.count) return n.value;
      else {
        rank -= leftSize + n.count;
        n = n.right;
      }
    }
    return undefined;
  }

  /** Count and sum of the values strictly below `value`. */
  below(value: Comparable): { count: number; sum: number } {
    let count = 0;
    let sum = 0;
    let n = this.root;
    while (n !== null) {
      if (compare(n.value, value) < 0) {
        count += (n.left?.size ?? 0) + n.count;
        sum += (n.left?.sum ?? 0) + numeric(n.value) * n.count;
        n = n.right;
      } else n = n.left;
    }
    return { count, sum };
  }
}
