/**
 * Shares aggregate state within a statement: identical aggregate calls keep one state
 * (`avg(price)` in select and having), and `avg(x)` is derived from `sum(x)` and `count(x)`
 * when the statement maintains both anyway.
 * Law: an aggregate's value depends only on (function, distinct, argument) and the events
 * aggregated; avg(x) = sum(x) / count(x) with both skipping nulls, null when count is 0.
 *   Before: Aggregate $agg0=avg(price), $agg1=sum(price), $agg2=count(price), $agg3=avg(price)
 *   After:  Aggregate $agg0=sum(price), $agg1=count(price), $agg2=avg(price) [derived]
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { mapExpr } from '../expr/map-expr.js';
import { exprKey } from '../expr/simplify-expr.js';
import type { AggregateCall, AggregateNode, LogicalPlan } from '../plan/logical-plan.js';
import { mapNodes } from './map-statements.js';
import type { OptimizerRule } from './rule.js';

function callKey(call: AggregateCall): string {
  if (call.kind === 'derived') return `derived:${call.formula}:${call.sources.join(',')}`;
  return `${call.fn}:${call.distinct}:${call.arg === undefined ? '*' : exprKey(call.arg)}`;
}

function remapSlots(e: BoundExpr, map: readonly number[]): BoundExpr {
  return mapExpr(e, (x) =>
    x.kind === 'AggRef' && map[x.slot] !== x.slot ? { ...x, slot: map[x.slot] as number } : x,
  );
}

function shareNode(node: LogicalPlan): LogicalPlan {
  // `into table`: each aggregation is a table column of its own (its slot is the column's).
  if (node.kind !== 'Aggregate' || node.intoTable !== undefined) return node;
  const calls = node.aggregates;
  // 1. Derive avg(x) from sum(x) and count(x) when both are computed.
  const computedKeys = new Map<string, number>();
  calls.forEach((c, i) => computedKeys.set(callKey(c), i));
  let rewritten: AggregateCall[] = calls.map((c) => {
    if (c.kind !== 'computed' || c.fn !== 'avg' || c.distinct || c.arg === undefined) return c;
    const arg = exprKey(c.arg);
    const sum = computedKeys.get(`sum:false:${arg}`);
    const count = computedKeys.get(`count:false:${arg}`);
    if (sum === undefined || count === undefined) return c;
    return {
      kind: 'derived',
      formula: 'avg-from-sum-count',
      sources: [sum, count],
      type: c.type,
      text: c.text,
    };
  });
  // 2. Merge identical calls: the first occurrence keeps the state, later ones point to it.
  const firstByKey = new Map<string, number>();
  const map: number[] = rewritten.map((c, i) => {
    const key = callKey(c);
    const first = firstByKey.get(key);
    if (first !== undefined) return first;
    firstByKey.set(key, i);
    return i;
  });
  const derivedChanged = rewritten.some((c, i) => c !== calls[i]);
  if (!derivedChanged && map.every((m, i) => m === i)) return node;
  // Compact: keep first occurrences in order, renumber.
  const kept = rewritten.map((_, i) => i).filter((i) => map[i] === i);
  const renumber = new Map(kept.map((old, idx) => [old, idx]));
  const finalMap = map.map((m) => renumber.get(m) as number);
  rewritten = kept.map((i) => {
    const c = rewritten[i] as AggregateCall;
    return c.kind === 'derived' ? { ...c, sources: c.sources.map((s) => finalMap[s] as number) } : c;
  });
  const out: AggregateNode = {
    ...node,
    aggregates: rewritten,
    columns: node.columns.map((c) => ({ ...c, expr: remapSlots(c.expr, finalMap) })),
    having: node.having === undefined ? undefined : remapSlots(node.having, finalMap),
    orderBy: node.orderBy.map((o) => ({ ...o, expr: remapSlots(o.expr, finalMap) })),
  };
  return out;
}

export const shareAggregates: OptimizerRule = {
  name: 'share-aggregates',
  law: 'identical aggregate calls have identical values; avg(x) = sum(x) / count(x)',
  rewrite: (plan) => mapNodes(plan, shareNode),
};
