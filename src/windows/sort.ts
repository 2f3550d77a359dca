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
import type { BoundExpr } from '../expr/bound-expr.js';
import type { WindowDef } from './window-def.js';
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
  create(p, ctx) {
    const fns = p.keys.map((k) => ctx.compile(k.expr));
    const sorted: { row: Row; keys: unknown[] }[] = [];
    const rank = (a: unknown[], b: unknown[]) => {
      for (let i = 0; i < fns.length; i++) {
        const c = compareSortValues(a[i], b[i]);
        if (c !== 0) return p.keys[i]?.descending ? -c : c;
      }
      return 0;
    };
    return {
      insert(row) {
        const keys = fns.map((f) => f(row));
        // Binary search for the first entry that does not rank above the new one: the new
        // event goes in front of its equal-key events (newest first among ties).
        let lo = 0;
        let hi = sorted.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (rank((sorted[mid] as { keys: unknown[] }).keys, keys) < 0) lo = mid + 1;
          else hi = mid;
        }
        sorted.splice(lo, 0, { row, keys });
        // The last entry: the last key's oldest event.
        const evicted = sorted.length > p.size ? sorted.pop() : undefined;
        ctx.emit([row], evicted === undefined ? null : [evicted.row]);
      },
      remove(row) {
        const i = sorted.findIndex((e) => e.row === row);
        if (i < 0) return false;
        sorted.splice(i, 1);
        return true;
      },
      contents: () => sorted.map((e) => e.row),
      size: () => sorted.length,
      // prev(n) on a sort window is the n-th event in sort order, whatever row asks.
      prev: (_row, n) => sorted[n]?.row,
    };
  },
};
