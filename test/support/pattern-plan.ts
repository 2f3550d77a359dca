/** The bound pattern of `select * from pattern [<pattern>]` over `schemas` (for matcher-level tests). */
import type { PatternPlan } from '../../src/patterns/pattern-plan.js';
import { type LogicalPlan, planInputs } from '../../src/plan/logical-plan.js';
import { compileModule } from '../../src/runtime/compile-module.js';

export function patternPlanOf(schemas: string, pattern: string): PatternPlan {
  const compiled = compileModule(`${schemas} select * from pattern [${pattern}]`);
  let node: LogicalPlan | undefined = compiled.optimized.plan.statements[0]?.root;
  while (node !== undefined && node.kind !== 'PatternSource') node = planInputs(node)[0];
  if (node?.kind !== 'PatternSource') throw new Error('no pattern source');
  return node.pattern;
}
