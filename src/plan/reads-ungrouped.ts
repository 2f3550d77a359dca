/**
 * Whether an expression reads event properties other than through the group-by expressions:
 * decides Esper's result-set processor kind (grouped or grouped-mixed), and whether a
 * grouped statement's rows can be built from any event of their group.
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { childExprs } from '../expr/map-expr.js';
import { exprKey } from '../expr/simplify-expr.js';

/** Whether `expr` reads event properties other than through the group-by expressions. */
export function readsUngrouped(expr: BoundExpr, groupKeys: ReadonlySet<string>): boolean {
  if (groupKeys.has(exprKey(expr))) return false;
  switch (expr.kind) {
    case 'Prop':
    case 'TagProp':
    case 'PrevRef':
    case 'PriorRef':
      return true;
    case 'Const':
    case 'AggRef':
    case 'VarRef':
    case 'ContextProp':
      return false;
    default:
      return childExprs(expr).some((c) => readsUngrouped(c, groupKeys));
  }
}
