import { WeirError } from '../common/errors.js';
/**
 * #sort(n, expr [asc|desc], …): the top n events by the sort keys. An arrival that does not
 * make the top n is posted as new and old in the same step (Esper). Null ranks below every
 * value in both directions; among equal keys the earlier arrival ranks first.
 */
import type { Row } from '../common/row.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { WindowDef } from './window-def.js';
import { positiveInt, propertyExpr } from './window-params.js';

interface SortKey {
  readonly expr: BoundExpr;
  readonly descending: boolean;
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
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
        const c = compareValues(a[i], b[i]);
        if (c !== 0) return p.keys[i]?.descending ? -c : c;
      }
      return 0;
    };
    return {
      insert(row) {
        const keys = fns.map((f) => f(row));
        // Binary search for the position after every entry ranking at or above the new one.
        let lo = 0;
        let hi = sorted.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (rank((sorted[mid] as { keys: unknown[] }).keys, keys) <= 0) lo = mid + 1;
          else hi = mid;
        }
        sorted.splice(lo, 0, { row, keys });
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
      relative(row, n) {
        const i = sorted.findIndex((e) => e.row === row);
        return i < 0 ? undefined : sorted[i - n]?.row;
      },
    };
  },
};
