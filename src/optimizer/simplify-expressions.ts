/**
 * Constant folding and expression simplification on every expression of the plan.
 * Law: simplifyExpr(e) evaluates to the same value as e on every row (three-valued logic
 * included), so replacing e anywhere changes nothing but cost.
 *   Before: Filter ((price > (10 * 5)) and true)
 *   After:  Filter (price > 50)
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { exprKey, simplifyExpr } from '../expr/simplify-expr.js';
import type { LogicalPlan, OrderKey, OutputColumn } from '../plan/logical-plan.js';
import { mapNodes } from './map-statements.js';
import type { OptimizerRule } from './rule.js';

function same(a: BoundExpr, b: BoundExpr): boolean {
  return a === b || exprKey(a) === exprKey(b);
}

function simplifyColumns(columns: readonly OutputColumn[]): readonly OutputColumn[] {
  let changed = false;
  const out = columns.map((c) => {
    const expr = simplifyExpr(c.expr);
    if (same(expr, c.expr)) return c;
    changed = true;
    return { ...c, expr };
  });
  return changed ? out : columns;
}

function simplifyOrder(keys: readonly OrderKey[]): readonly OrderKey[] {
  let changed = false;
  const out = keys.map((k) => {
    const expr = simplifyExpr(k.expr);
    if (same(expr, k.expr)) return k;
    changed = true;
    return { ...k, expr };
  });
  return changed ? out : keys;
}

function simplifyNode(node: LogicalPlan): LogicalPlan {
  switch (node.kind) {
    case 'StreamFilter': {
      if (node.predicate === undefined) return node;
      const predicate = simplifyExpr(node.predicate);
      if (same(predicate, node.predicate)) return node;
      // A filter folded to `true` keeps nothing to evaluate.
      if (predicate.kind === 'Const' && predicate.value === true) return { ...node, predicate: undefined };
      return { ...node, predicate };
    }
    case 'Filter': {
      const predicate = simplifyExpr(node.predicate);
      if (predicate.kind === 'Const' && predicate.value === true) return node.input;
      return same(predicate, node.predicate) ? node : { ...node, predicate };
    }
    case 'Project': {
      if (node.columns === undefined) return node;
      const columns = simplifyColumns(node.columns);
      const orderBy = simplifyOrder(node.orderBy);
      return columns === node.columns && orderBy === node.orderBy ? node : { ...node, columns, orderBy };
    }
    case 'Aggregate': {
      const columns = simplifyColumns(node.columns);
      const orderBy = simplifyOrder(node.orderBy);
      const having = node.having === undefined ? undefined : simplifyExpr(node.having);
      const havingSame =
        having === node.having ||
        (having !== undefined && node.having !== undefined && same(having, node.having));
      if (columns === node.columns && orderBy === node.orderBy && havingSame) return node;
      return { ...node, columns, orderBy, having };
    }
    default:
      return node;
  }
}

export const simplifyExpressions: OptimizerRule = {
  name: 'simplify-expressions',
  law: 'simplifyExpr(e) ≡ e on every row, so any expression may be replaced by its simplified form',
  rewrite: (plan) => mapNodes(plan, simplifyNode),
};
