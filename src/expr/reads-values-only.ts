/**
 * Whether an expression reads only values of the row it is evaluated on: never the row object
 * itself (a property path of length 0, as a whole-event argument), and nothing that could keep
 * it (subqueries, tables, pattern tags, data-window references). Such a predicate can test a
 * row lent for one call (Engine.sendTransient): it sees the same values as on a copy, and the
 * lent row is not reachable once it returns.
 */
import type { BoundExpr } from './bound-expr.js';
import { forEachExpr } from './map-expr.js';

export function readsValuesOnly(expr: BoundExpr): boolean {
  let only = true;
  forEachExpr(expr, (e) => {
    if (!valueOnly(e)) only = false;
  });
  return only;
}

function valueOnly(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'Prop':
      return e.path.length > 0;
    case 'Const':
    case 'Neg':
    case 'Not':
    case 'Arith':
    case 'Concat':
    case 'Compare':
    case 'Logic':
    case 'InList':
    case 'Range':
    case 'LikeMatch':
    case 'RegexMatch':
    case 'NullTest':
    case 'CaseWhen':
    case 'Func':
    case 'Convert':
    case 'VarRef':
    case 'ContextProp':
      return true;
    case 'TagProp':
    case 'AggRef':
    case 'PrevRef':
    case 'PriorRef':
    case 'TableRef':
    case 'Subquery':
      return false;
  }
}
