import { explainStatement } from '../plan/explain.js';
/**
 * The optimizer driver: an ordered rule list run to a fixed point. Every rewrite is checked
 * to keep each statement's output schema, and recorded for `weir explain --verbose`.
 */
import type { ModulePlan } from '../plan/logical-plan.js';
import { indexFilters } from './index-filters.js';
import { pruneProjections } from './prune-projections.js';
import type { OptimizerRule } from './rule.js';
import { shareAggregates } from './share-aggregates.js';
import { shareWindows } from './share-windows.js';
import { simplifyExpressions } from './simplify-expressions.js';
import { whereIntoJoin } from './where-into-join.js';
import { whereIntoStreamFilter } from './where-into-stream-filter.js';

/** Order matters: */
export const RULES: readonly OptimizerRule[] = [
  // First, so later rules see folded constants (`price > 10*5` indexes as `price > 50`).
  simplifyExpressions,
  // Before the rules that look for a Filter over a source: a join's where clause moves into the join.
  whereIntoJoin,
  // Before index-filters: a where clause moved into the stream filter can use the index.
  whereIntoStreamFilter,
  // After the where clause settled into the stream filter.
  indexFilters,
  shareAggregates,
  // Before pruning: pruning skips shared windows (their readers' needs differ).
  shareWindows,
  pruneProjections,
];

export interface RuleApplication {
  readonly rule: string;
  readonly statement: string;
  readonly before: string;
  readonly after: string;
}

export interface OptimizeResult {
  readonly plan: ModulePlan;
  readonly trace: readonly RuleApplication[];
}

const MAX_PASSES = 8;

export function optimize(plan: ModulePlan, rules: readonly OptimizerRule[] = RULES): OptimizeResult {
  const trace: RuleApplication[] = [];
  let current = plan;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    for (const rule of rules) {
      const next = rule.rewrite(current);
      if (next === current) continue;
      changed = true;
      next.statements.forEach((stmt, i) => {
        const before = current.statements[i];
        if (before === undefined || before.root === stmt.root) return;
        if (JSON.stringify(before.root.schema) !== JSON.stringify(stmt.root.schema)) {
          throw new Error(`optimizer rule ${rule.name} changed the output schema of '${stmt.name}'`);
        }
        trace.push({
          rule: rule.name,
          statement: stmt.name,
          before: explainStatement(before),
          after: explainStatement(stmt),
        });
      });
      current = next;
    }
    if (!changed) break;
  }
  return { plan: current, trace };
}
