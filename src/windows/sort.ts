import { WeirError } from '../common/errors.js';
/**
 * #sort(n, expr [asc|desc], …): the top n events by the sort keys. An arrival that does not
 * make the top n is posted as new and old in the same step (Esper). Null ranks below every
 * value in both directions (first ascending, last descending).
 *
 * Among equal keys the newest event ranks first (Esper's SortWindowView keeps, per key, a
 * list with the newest event at the front), so an overflow displaces the OLDEST event of the
 * last key, and prev() and the window's contents list ties newest first.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { postStep } from './post-step.js';
import type { RowsState } from './stateful-windows.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';
import { positiveInt, propertyExpr } from './window-params.js';

interface SortKey {
  readonly expr: BoundExpr;
  readonly descending: boolean;
}

/**
 * Java's compareTo for the values a sort key can hold (Esper's CollectionUtil.compareValues):
 * null below everything; for numbers Double.compare (-0 below 0, NaN above everything and
 * equal to itself); strings by UTF-16 code units; false below true.
 */
export function compareSortValues(a: unknown, b: unknown): number {
  if (a === b) return a === 0 ? javaZeroCompare(a as number, b as number) : 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if ((a as number) < (b as number)) return -1;
  if ((a as number) > (b as number)) return 1;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
  }
  return 0;
}

function javaZeroCompare(a: number, b: number): number {
  return Object.is(a, b) ? 0 : Object.is(a, -0) ? -1 : 1;
}

export const sortWindow: WindowDef<{ size: number; keys: SortKey[] }> = {
  name: 'sort',
  syntax: '#sort(n, expression [asc|desc], …)',
  doc: 'Keeps the top n events by the sort expressions; the event pushed out is posted as old.',
  traits: { basis: 'count', batching: false, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    if (args.length < 2) {
      throw new WeirError(
        'analyze/invalid-window-parameter',
        '#sort requires a size and at least one sort expression',
        {
          span,
        },
      );
    }
    const size = positiveInt('sort', args[0], span);
    const keys = args.slice(1).map((a) => ({
      expr: propertyExpr('sort', a, span),
      descending: a.kind === 'expression' && a.descending === true,
    }));
    return { size, keys };
  },
  describe: (p) => `sort(${p.size}, ${p.keys.map((k) => (k.descending ? 'desc' : 'asc')).join(', ')})`,
  create: (p, ctx) =>
    new SortWindow(
      p.size,
      p.keys.map((k) => ctx.compile(k.expr)),
      p.keys.map((k) => k.descending),
      ctx,
    ),
};

interface SortEntry {
  readonly row: Row;
  readonly keys: unknown[];
}

class SortWindow implements DataWindow, Stateful<RowsState> {
  /** Entries in sort order; the keys are recomputed from the rows on restore. */
  private sorted: SortEntry[] = [];

  constructor(
    private readonly capacity: number,
    private readonly keyFns: readonly ((row: Row) => unknown)[],
    private readonly descending: readonly boolean[],
    private readonly ctx: WindowContext,
  ) {}

  insert(row: Row): void {
    this.place(row);
    // The last entry: the last key's oldest event.
    const evicted = this.sorted.length > this.capacity ? this.sorted.pop() : undefined;
    this.ctx.emit([row], evicted === undefined ? null : [evicted.row]);
  }

  /**
   * SortWindowView: the old rows it holds leave (posted as old), the new rows join, and the
   * rows sorting last beyond the size leave (posted as old after them); all new rows are
   * posted as new.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    const old = removed.filter((row) => this.remove(row));
    for (const row of inserted) this.place(row);
    while (this.sorted.length > this.capacity) old.push((this.sorted.pop() as SortEntry).row);
    postStep(this.ctx, inserted, old);
  }

  /** Binary search for the first entry not ranking above `row`: newest first among ties. */
  private place(row: Row): void {
    const keys = this.keysOf(row);
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.rank((sorted[mid] as SortEntry).keys, keys) < 0) lo = mid + 1;
      else hi = mid;
    }
    sorted.splice(lo, 0, { row, keys });
  }

  remove(row: Row): boolean {
    const i = this.sorted.findIndex((e) => e.row === row);
    if (i < 0) return false;
    this.sorted.splice(i, 1);
    return true;
  }

  contents(): Row[] {
    return this.sorted.map((e) => e.row);
  }

  size(): number {
    return this.sorted.length;
  }

  /** prev(n) on a sort window is the n-th event in sort order, whatever row asks. */
  prev(_row: Row, n: number): Row | undefined {
    return this.sorted[n]?.row;
  }

  snapshot(w: StateWriter): RowsState {
    return { rows: w.events(this.contents()) };
  }

  restore(state: RowsState, r: StateReader): void {
    this.sorted = r.events(state.rows).map((row) => ({ row, keys: this.keysOf(row) }));
  }

  stop(): void {
    this.sorted = [];
  }

  private keysOf(row: Row): unknown[] {
    return this.keyFns.map((f) => f(row));
  }

  private rank(a: readonly unknown[], b: readonly unknown[]): number {
    for (let i = 0; i < this.keyFns.length; i++) {
      const c = compareSortValues(a[i], b[i]);
      if (c !== 0) return this.descending[i] ? -c : c;
    }
    return 0;
  }
}
