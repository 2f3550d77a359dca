/**
 * Moves a `where` clause into the stream filter when nothing sits between them.
 * Law: without a data window (or prior buffer) the where clause sees exactly the arrivals
 * the stream filter sees, and no old events exist, so `S where p` ≡ `S(p)`. With a window
 * this is false (`S#length(5) where p` ≠ `S(p)#length(5)`; pinned by the golden cases
 * core-expr-where-after-window and core-expr-filter-before-window), so the rule does not fire.
 * Moving it lets the filter index answer `prop = constant` conjuncts of the where clause.
 *   Before: Filter (symbol = 'IBM') ← EventSource StockTick
 *   After:  StreamFilter (symbol = 'IBM') ← EventSource StockTick
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import { mapNodes } from './map-statements.js';
import type { OptimizerRule } from './rule.js';

function and(a: BoundExpr | undefined, b: BoundExpr): BoundExpr {
  if (a === undefined) return b;
  return { kind: 'Logic', op: 'and', operands: [a, b], type: 'boolean' };
}

function pushWhere(node: LogicalPlan): LogicalPlan {
  if (node.kind !== 'Filter') return node;
  const input = node.input;
  if (input.kind === 'EventSource') {
    return {
      kind: 'StreamFilter',
      input,
      predicate: node.predicate,
      indexed: [],
      fromWhere: true,
      schema: input.schema,
    };
  }
  if (input.kind === 'StreamFilter') {
    return { ...input, predicate: and(input.predicate, node.predicate) };
  }
  return node;
}

export const whereIntoStreamFilter: OptimizerRule = {
  name: 'where-into-stream-filter',
  law: 'without a window or prior buffer, `S where p` ≡ `S(p)`: the where clause sees only arrivals',
  rewrite: (plan) => mapNodes(plan, pushWhere),
};
