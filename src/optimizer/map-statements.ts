/** Helpers for rules that rewrite statements one node at a time. */
import type { LogicalPlan, ModulePlan, OutputNode, StatementPlan } from '../plan/logical-plan.js';
import { transformUp } from '../plan/logical-plan.js';

/** Applies `f` bottom-up to every node of every statement; keeps identity when nothing changed. */
export function mapNodes(
  plan: ModulePlan,
  f: (node: LogicalPlan, stmt: StatementPlan) => LogicalPlan,
): ModulePlan {
  let changed = false;
  const statements = plan.statements.map((stmt) => {
    const root = transformUp(stmt.root, (node) => f(node, stmt)) as OutputNode;
    if (root === stmt.root) return stmt;
    changed = true;
    return { ...stmt, root };
  });
  return changed ? { statements } : plan;
}
