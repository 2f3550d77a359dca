/**
 * An optimizer rule rewrites a module's plans. It must preserve Esper semantics exactly and
 * keep every statement's output schema; the driver checks the schema after each rule.
 * A rule returns the same object when it changed nothing (the driver compares by reference).
 */
import type { ModulePlan } from '../plan/logical-plan.js';

export interface OptimizerRule {
  readonly name: string;
  /** The law the rule relies on, shown by `explain --verbose`. */
  readonly law: string;
  rewrite(plan: ModulePlan): ModulePlan;
}
