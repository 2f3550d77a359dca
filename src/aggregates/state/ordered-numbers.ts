/**
 * An ordered multiset of numbers for order statistics (median): a sorted Float64Array while
 * small, an order-statistic treap once large. Inserting into a sorted array is a binary
 * search and one memmove, which for the few hundred values a group's window typically holds
 * beats the treap's pointer walk several times over; past SWITCH_TO_TREE values the memmove
 * grows linear enough to lose, so the values move to the treap for good.
 * NaN ranks above every number (Java's Double.compareTo, which Esper's median sorts by).
 */
import { OrderStatisticTree } from './order-statistic-tree.js';

/** Above this many values the sorted array hands over to the treap. */
export const SWITCH_TO_TREE = 2048;

/** a ranks before b: numbers in order, NaN after all of them. */
function before(a: number, b: number): boolean {
  return a < b || (Number.isNaN(b) && !Number.isNaN(a));
}

export class OrderedNumbers {
  constructor(private readonly switchToTree = SWITCH_TO_TREE) {}

  private sorted: Float64Array | undefined = new Float64Array(16);
  private count = 0;
  private tree: OrderStatisticTree | undefined;

  get size(): number {
    return this.tree === undefined ? this.count : this.tree.size;
  }

  add(value: number): void {
    if (this.tree !== undefined) {
      this.tree.add(value);
      return;
    }
    if (this.count === this.switchToTree) {
      this.moveToTree();
      (this.tree as unknown as OrderStatisticTree).add(value);
      return;
    }
    let a = this.sorted as Float64Array;
    if (this.count === a.length) {
      const wider = new Float64Array(a.length * 2);
      wider.set(a);
      this.sorted = a = wider;
    }
    const at = this.lowerBound(value);
    a.copyWithin(at + 1, at, this.count);
    a[at] = value;
    this.count++;
  }

  /** Removes one occurrence; a value not present is ignored. */
  delete(value: number): void {
    if (this.tree !== undefined) {
      this.tree.delete(value);
      return;
    }
    const a = this.sorted as Float64Array;
    const at = this.lowerBound(value);
    const found = a[at] as number;
    if (at >= this.count || (found !== value && !(Number.isNaN(found) && Number.isNaN(value)))) return;
    a.copyWithin(at, at + 1, this.count);
    this.count--;
  }

  /** The k-th smallest value, 0-based, counting duplicates. */
  kth(k: number): number | undefined {
    if (this.tree !== undefined) return this.tree.kth(k) as number | undefined;
    return k >= 0 && k < this.count ? (this.sorted as Float64Array)[k] : undefined;
  }

  /** First index whose value is not below `value`. */
  private lowerBound(value: number): number {
    const a = this.sorted as Float64Array;
    let lo = 0;
    let hi = this.count;
    if (Number.isNaN(value)) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (before(a[mid] as number, value)) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    // Below a number means less than it (NaN, ranked last, is not below it): one comparison.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((a[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  snapshot(): unknown {
    if (this.tree !== undefined) return { tree: this.tree.snapshot() };
    return { sorted: (this.sorted as Float64Array).slice(0, this.count) };
  }

  restore(state: unknown): void {
    const s = state as { tree?: unknown; sorted?: Float64Array };
    if (s.tree !== undefined) {
      this.tree = new OrderStatisticTree();
      this.tree.restore(s.tree);
      this.sorted = undefined;
      this.count = 0;
      return;
    }
    const values = s.sorted ?? new Float64Array(0);
    this.sorted = new Float64Array(Math.max(16, values.length * 2));
    this.sorted.set(values);
    this.count = values.length;
  }

  private moveToTree(): void {
    const tree = new OrderStatisticTree();
    const a = this.sorted as Float64Array;
    for (let i = 0; i < this.count; i++) tree.add(a[i] as number);
    this.tree = tree;
    this.sorted = undefined;
    this.count = 0;
  }
}
