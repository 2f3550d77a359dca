/**
 * Collects the rows a result-set processor posts while output is limited, and hands them out
 * as one batch: in posting order, or sorted by their order-by keys when the statement has
 * `order by` (keys are recorded by the processor's RowSinks as each row is built, because
 * they read the row's source event and aggregate values, which are gone by output time).
 */
import type { Row } from '../../common/row.js';
import type { StateReader, StateWriter } from '../../common/state.js';
import type { Operator } from '../operator.js';
import { sortRows } from '../row-builder.js';

/** Order-by keys of rows built for an output-limited statement, filled by its RowSinks. */
export type SortKeys = WeakMap<Row, unknown[]>;

export class RowCollector implements Operator {
  private inserted: Row[] = [];
  private removed: Row[] = [];

  constructor(
    /** undefined: the statement has no order by. */
    private readonly keys: SortKeys | undefined,
    private readonly descending: readonly boolean[],
  ) {}

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    if (inserted !== null) for (const r of inserted) this.inserted.push(r);
    if (removed !== null) for (const r of removed) this.removed.push(r);
  }

  get insertedCount(): number {
    return this.inserted.length;
  }

  get removedCount(): number {
    return this.removed.length;
  }

  /** The rows collected since the last take (each side sorted when the statement sorts); null for an empty side. */
  take(): [Row[] | null, Row[] | null] {
    const ins = this.sorted(this.inserted);
    const rem = this.sorted(this.removed);
    this.inserted = [];
    this.removed = [];
    return [ins, rem];
  }

  /** The rows collected since the last take, in posting order (never sorted). */
  takeUnsorted(): [Row[], Row[]] {
    const out: [Row[], Row[]] = [this.inserted, this.removed];
    this.inserted = [];
    this.removed = [];
    return out;
  }

  /** Forgets what was collected (a step whose rows are not posted). */
  discard(): void {
    this.inserted.length = 0;
    this.removed.length = 0;
  }

  /**
   * Rows collected and not posted yet (an `all` interval's rows wait here), with their
   * order-by keys when the statement sorts.
   */
  snapshot(w: StateWriter): unknown {
    const keys = this.keys;
    const keysOf = (rows: Row[]) => (keys === undefined ? null : rows.map((r) => keys.get(r) ?? null));
    return [w.events(this.inserted), w.events(this.removed), keysOf(this.inserted), keysOf(this.removed)];
  }

  restore(s: unknown, r: StateReader): void {
    const [ins, rem, insKeys, remKeys] = s as [number[], number[], unknown[][] | null, unknown[][] | null];
    this.inserted = r.events(ins);
    this.removed = r.events(rem);
    const keys = this.keys;
    if (keys === undefined) return;
    const put = (rows: Row[], saved: unknown[][] | null) =>
      rows.forEach((row, i) => {
        const k = saved?.[i];
        if (k !== null && k !== undefined) keys.set(row, k);
      });
    put(this.inserted, insKeys);
    put(this.removed, remKeys);
  }

  private sorted(rows: Row[]): Row[] | null {
    if (rows.length === 0) return null;
    const keys = this.keys;
    if (keys === undefined) return rows;
    return sortRows(
      rows,
      rows.map((r) => keys.get(r) ?? []),
      this.descending,
    );
  }
}
