/**
 * Chooses the evaluator for a pattern: the flat one for the correlated-alert shape
 * (`every a=A -> b=B(k = a.x) [where timer:within(p)]`), the general automaton otherwise.
 * Both post the same matches in the same calls and keep the same statistics.
 */
import type { Row } from '../common/row.js';
import type { Stateful } from '../common/state.js';
import { EveryFollowedByMatcher, everyFollowedByShape } from './every-followed-by.js';
import { type PatternContext, PatternMatcher } from './pattern-matcher.js';
import type { PatternPlan } from './pattern-plan.js';

export interface PatternEvaluator extends Stateful {
  /** Statement start: the root instance begins (arming initial timers). */
  start(): void;
  onEvent(stream: string, event: Row): void;
  stats(): { liveInstances: number; capReached: number; examined: number };
}

export function createPatternMatcher(plan: PatternPlan, ctx: PatternContext): PatternEvaluator {
  const shape = everyFollowedByShape(plan);
  return shape === undefined ? new PatternMatcher(plan, ctx) : new EveryFollowedByMatcher(shape, ctx);
}
