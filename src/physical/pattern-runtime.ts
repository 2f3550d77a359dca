/** Pattern and match_recognize sources as the first operator of a statement. */
import type { Row } from '../common/row.js';
import type { Operator } from '../operators/operator.js';
import { PatternMatcher } from '../patterns/pattern-matcher.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import { compileExpr } from './compile-expr.js';
import type { PhysicalEnv } from './plan-operators.js';

export interface PatternSourceRuntime {
  start(): void;
  onEvent(stream: string, row: Row): void;
  size(): number;
}

export function createPatternSourceRuntime(
  node: Extract<LogicalPlan, { kind: 'PatternSource' }>,
  env: PhysicalEnv,
  statement: string,
  next: Operator,
): PatternSourceRuntime {
  let warned = false;
  const matcher = new PatternMatcher(node.pattern, {
    now: () => env.now(),
    schedule: (due, onDue) => env.schedule(due, onDue),
    cancel: (id) => env.cancel(id),
    compile: compileExpr,
    // Pattern matches are insert-stream only.
    emit: (matches) => next.onUpdate(matches as Row[], null),
    maxLiveInstances: env.maxPartialMatches,
    onCapReached: () => {
      if (warned) return;
      warned = true;
      env.onPatternCapReached(statement);
    },
  });
  return {
    start: () => matcher.start(),
    onEvent: (stream, row) => matcher.onEvent(stream, row),
    size: () => matcher.stats().liveInstances,
  };
}

export interface MatchRecognizeRuntime {
  accept(row: Row): void;
  size(): number;
}

export function createMatchRecognizeRuntime(
  _node: Extract<LogicalPlan, { kind: 'MatchRecognize' }>,
  _env: PhysicalEnv,
  _statement: string,
  _next: Operator,
): MatchRecognizeRuntime {
  throw new Error('match_recognize is not implemented yet');
}
