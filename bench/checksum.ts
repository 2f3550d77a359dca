/**
 * Output checksums that Weir's listeners and the hand-written baselines both feed, so two
 * implementations can be compared in one run without keeping their output.
 *
 * Per statement, a running hash over its listener calls in order (order-sensitive: a row
 * posted at the wrong time or in the wrong call changes it). Inside one call the rows are
 * combined as a multiset, because the conformance rule compares rows of one delivery as a
 * multiset unless the query has `order by` (group iteration order is not part of the
 * semantics). Statements are combined by name, so interleaving between statements in one
 * step does not matter either.
 *
 * Numbers are hashed as floor(v·10⁶ − 0.2629): a fixed grid, so an average computed with a
 * different summation order still hashes the same, with the cell boundary offset from the
 * decimal grid because averages of cent prices (S/(100n)) land exactly on decimal halves.
 * For n < 10,000 such a value is at least 1/(10⁴·n) cells away from a boundary, far more
 * than floating-point error.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TAG_NULL = 0x6e756c6c;
const TAG_TRUE = 0x74727565;
const TAG_FALSE = 0x66616c73;
const TAG_NAN = 0x4e614e21;
const TAG_POS_INF = 0x2b696e66;
const TAG_NEG_INF = 0x2d696e66;
const TAG_STRING = 0x73747224;
const TAG_OTHER = 0x3f3f3f3f;
const GRID = 1e6;
const GRID_OFFSET = 0.2629;
const TWO_32 = 4294967296;

const mix = (h: number, x: number): number => Math.imul(h ^ (x | 0), FNV_PRIME);

/** murmur3's finaliser: spreads a row hash before rows are summed, so sums rarely cancel. */
function avalanche(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** One listener call as recorded for diagnostics (only when recording is on). */
export interface RecordedCall {
  readonly time: number;
  readonly rows: unknown[][];
}

export class StatementChecksum {
  rows = 0;
  calls = 0;
  private hash = FNV_OFFSET;
  private row = FNV_OFFSET;
  private callSum = 0;
  private callRows = 0;
  private time = 0;
  private current: unknown[] | undefined;
  readonly recorded: RecordedCall[] | undefined;

  constructor(
    readonly name: string,
    record: boolean,
  ) {
    this.recorded = record ? [] : undefined;
  }

  private keep(v: unknown): void {
    if (this.recorded === undefined) return;
    if (this.current === undefined) this.current = [v];
    else this.current.push(v);
  }

  /** Starts one listener call at engine time `time`. */
  begin(time: number): void {
    this.time = time;
    this.callSum = 0;
    this.callRows = 0;
    this.row = FNV_OFFSET;
    this.recorded?.push({ time, rows: [] });
  }

  num(v: number): void {
    this.keep(v);
    if (Number.isFinite(v)) {
      const q = Math.floor(v * GRID - GRID_OFFSET);
      const hi = Math.floor(q / TWO_32);
      this.row = mix(mix(this.row, q - hi * TWO_32), hi);
    } else this.row = mix(this.row, Number.isNaN(v) ? TAG_NAN : v > 0 ? TAG_POS_INF : TAG_NEG_INF);
  }

  str(v: string): void {
    this.keep(v);
    let h = mix(this.row, TAG_STRING);
    for (let i = 0; i < v.length; i++) h = mix(h, v.charCodeAt(i));
    this.row = mix(h, v.length);
  }

  /** Any column value: number, string, boolean or null (others hash by their JSON text). */
  value(v: unknown): void {
    if (typeof v === 'number') this.num(v);
    else if (typeof v === 'string') this.str(v);
    else {
      this.keep(v);
      if (v === null || v === undefined) this.row = mix(this.row, TAG_NULL);
      else if (typeof v === 'boolean') this.row = mix(this.row, v ? TAG_TRUE : TAG_FALSE);
      else {
        let h = mix(this.row, TAG_OTHER);
        const text = JSON.stringify(v) ?? '';
        for (let i = 0; i < text.length; i++) h = mix(h, text.charCodeAt(i));
        this.row = h;
      }
    }
  }

  endRow(): void {
    this.callSum = (this.callSum + avalanche(this.row)) >>> 0;
    this.callRows++;
    this.row = FNV_OFFSET;
    if (this.recorded !== undefined) {
      (this.recorded[this.recorded.length - 1] as RecordedCall).rows.push(this.current ?? []);
      this.current = undefined;
    }
  }

  /** Ends the call: folds its time, row count and row multiset into the running hash. */
  end(): void {
    let h = mix(this.hash, this.time % TWO_32);
    h = mix(h, Math.floor(this.time / TWO_32));
    h = mix(h, this.callRows);
    this.hash = mix(h, this.callSum);
    this.rows += this.callRows;
    this.calls++;
  }

  get value32(): number {
    return this.hash >>> 0;
  }
}

export class Checksum {
  private readonly statements = new Map<string, StatementChecksum>();

  /** `record`: also keep every call (small runs only), to show where two outputs differ. */
  constructor(private readonly record = false) {}

  statement(name: string): StatementChecksum {
    let s = this.statements.get(name);
    if (s === undefined) {
      s = this.create(name, this.record);
      this.statements.set(name, s);
    }
    return s;
  }

  /** A new statement's checksum (subclasses hash and also do something with each row). */
  protected create(name: string, record: boolean): StatementChecksum {
    return new StatementChecksum(name, record);
  }

  get rows(): number {
    let n = 0;
    for (const s of this.statements.values()) n += s.rows;
    return n;
  }

  /** `<rows>:<hash>`, the statements combined in name order; statements without calls do not count. */
  get value(): string {
    let h = FNV_OFFSET;
    const names = [...this.statements.keys()].sort();
    for (const name of names) {
      const s = this.statements.get(name) as StatementChecksum;
      if (s.calls === 0) continue;
      for (let i = 0; i < name.length; i++) h = mix(h, name.charCodeAt(i));
      h = mix(mix(h, s.value32), s.rows);
    }
    return `${this.rows}:${(h >>> 0).toString(16).padStart(8, '0')}`;
  }

  /** Every recorded call per statement (empty unless constructed with `record`). */
  recordedCalls(): Map<string, readonly RecordedCall[]> {
    const out = new Map<string, readonly RecordedCall[]>();
    for (const [name, s] of this.statements)
      if (s.recorded !== undefined && s.calls > 0) out.set(name, s.recorded);
    return out;
  }
}
