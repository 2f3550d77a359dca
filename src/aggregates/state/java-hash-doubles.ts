/**
 * A reference-counted multiset of doubles that iterates in the order Java's HashMap<Double,
 * Integer> would (Esper's RefCountedSet behind avedev): buckets by the spread Double hash over
 * the table's current capacity, and within a bucket in insertion order. avedev sums its
 * deviations in that order, so only this order reproduces Esper's floating-point result.
 *
 * The HashMap rules reproduced: the table starts at 16 buckets on the first insertion, doubles
 * when the number of keys exceeds 3/4 of it, never shrinks, and also doubles (below 64 buckets)
 * when an insertion makes a bucket longer than 8 (where Java would otherwise build a tree).
 * Keys are compared as Double.equals does: 0.0 and -0.0 differ, NaN equals NaN.
 */

interface Entry {
  readonly value: number;
  readonly hash: number;
  /** Insertion number: order within a bucket. */
  readonly seq: number;
  count: number;
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** HashMap.hash(Double.valueOf(d)): (int)(bits ^ bits >>> 32), spread by h ^ h >>> 16. */
export function javaDoubleHash(d: number): number {
  bits[0] = Number.isNaN(d) ? Number.NaN : d;
  // Double.doubleToLongBits canonicalises NaN to 0x7ff8000000000000.
  const hi = Number.isNaN(d) ? 0x7ff80000 : (words[LITTLE_ENDIAN ? 1 : 0] as number);
  const lo = Number.isNaN(d) ? 0 : (words[LITTLE_ENDIAN ? 0 : 1] as number);
  const h = (hi ^ lo) | 0;
  return h ^ (h >>> 16);
}

function keyOf(d: number): number | string {
  return Object.is(d, -0) ? '-0' : d;
}

export class JavaHashDoubles {
  private readonly entries = new Map<number | string, Entry>();
  /** 0 until the first insertion (Java allocates the table lazily). */
  private capacity = 0;
  private nextSeq = 0;
  /** Total references (RefCountedSet.numValues). */
  size = 0;

  add(d: number): void {
    this.size++;
    const key = keyOf(d);
    const found = this.entries.get(key);
    if (found !== undefined) {
      found.count++;
      return;
    }
    if (this.capacity === 0) this.capacity = 16;
    const hash = javaDoubleHash(d);
    const binBefore = this.binLength(hash);
    this.entries.set(key, { value: d, hash, seq: this.nextSeq++, count: 1 });
    // putVal: a bin that had 8 nodes asks treeifyBin, which resizes a table under 64.
    if (binBefore >= 8 && this.capacity < 64) this.capacity *= 2;
    if (this.entries.size > this.capacity * 0.75) this.capacity *= 2;
  }

  /** Entries as [value, hash, seq, count], plus the table's capacity and the next sequence. */
  snapshot(): unknown {
    const entries = [...this.entries.values()].map((e) => [e.value, e.hash, e.seq, e.count]);
    return { entries, capacity: this.capacity, nextSeq: this.nextSeq, size: this.size };
  }

  restore(state: unknown): void {
    const s = state as {
      entries: [number, number, number, number][];
      capacity: number;
      nextSeq: number;
      size: number;
    };
    this.entries.clear();
    for (const [value, hash, seq, count] of s.entries)
      this.entries.set(keyOf(value), { value, hash, seq, count });
    this.capacity = s.capacity;
    this.nextSeq = s.nextSeq;
    this.size = s.size;
  }

  /** RefCountedSet.remove: an unknown value is ignored. */
  remove(d: number): void {
    const key = keyOf(d);
    const found = this.entries.get(key);
    if (found === undefined) return;
    this.size--;
    if (found.count > 1) found.count--;
    else this.entries.delete(key);
  }

  /** The distinct values with their counts, in Java HashMap iteration order. */
  inIterationOrder(): Entry[] {
    const mask = this.capacity - 1;
    return [...this.entries.values()].sort((a, b) => (a.hash & mask) - (b.hash & mask) || a.seq - b.seq);
  }

  private binLength(hash: number): number {
    const mask = this.capacity - 1;
    let n = 0;
    for (const e of this.entries.values()) if ((e.hash & mask) === (hash & mask)) n++;
    return n;
  }
}
