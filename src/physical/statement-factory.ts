/**
 * Compiling a statement yields a factory; instantiating the factory yields running operators
 * (Esper's StatementAgentInstanceFactory → agent instance). The factory is immutable and can
 * be instantiated any number of times (a context makes one instance per partition, started
 * and stopped as partitions come and go); each instance owns its state and timers and stops
 * completely (`instance.stop()`: timers cancelled, state released, shared windows left).
 * Compiled expressions, aggregate layouts and generated code are shared by all instances
 * (they are cached by plan content).
 */
import type { OutputTarget } from '../operators/output.js';
import type { StatementPlan } from '../plan/logical-plan.js';
import type { PhysicalEnv, PhysicalStatement } from './physical-env.js';
import { planOperators } from './plan-operators.js';

/** A running instance of a statement (its operators, entries and stateful parts). */
export type StatementInstance = PhysicalStatement;

export interface StatementFactory {
  readonly plan: StatementPlan;
  /**
   * A new instance bound to `env` (its clock, timers, start time, shared windows), posting to
   * `target`. The caller routes its entries and calls `start()` (or restores its parts).
   */
  instantiate(env: PhysicalEnv, target: OutputTarget): StatementInstance;
}

export function createStatementFactory(plan: StatementPlan): StatementFactory {
  return {
    plan,
    instantiate: (env, target) => planOperators(plan, env, target),
  };
}
