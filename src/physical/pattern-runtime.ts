/** Pattern and match_recognize sources as the first operator of a statement. */
import type { Row } from '../common/row.js';
import { compileExpr } from '../expr/compile-expr.js';
import type { Operator } from '../operators/operator.js';
import { createPatternMatcher } from '../patterns/create-pattern-matcher.js';
import { MatchRecognizer } from '../patterns/match-recognize/match-recognizer.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { PhysicalEnv } from './physical-env.js';

export interface PatternSourceRuntime {
  start(): void;
  onEvent(stream: string, row: Row): void;
  size(): number;
  /** Partial matches the cap prevented or discarded. */
  dropped(): number;
}

export function createPatternSourceRuntime(
  node: Extract<LogicalPlan, { kind: 'PatternSource' }>,
  env: PhysicalEnv,
  statement: string,
  next: Operator,
): PatternSourceRuntime {
  let warned = false;
  const matcher = createPatternMatcher(node.pattern, {
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
    dropped: () => matcher.stats().capReached,
  };
}

export interface MatchRecognizeRuntime {
  accept(row: Row): void;
  size(): number;
  dropped(): number;
}

export function createMatchRecognizeRuntime(
  node: Extract<LogicalPlan, { kind: 'MatchRecognize' }>,
  env: PhysicalEnv,
  statement: string,
  next: Operator,
): MatchRecognizeRuntime {
  let warned = false;
  const recognizer = new MatchRecognizer(node.recognizer, {
    now: () => env.now(),
    schedule: (due, onDue) => env.schedule(due, onDue),
    cancel: (id) => env.cancel(id),
    compile: compileExpr,
    emit: (rows) => next.onUpdate(rows, null),
    maxLiveThreads: env.maxPartialMatches,
    onCapReached: () => {
      if (warned) return;
      warned = true;
      env.onPatternCapReached(statement);
    },
  });
  return {
    accept: (row) => recognizer.onEvent(row),
    size: () => recognizer.liveThreads(),
    dropped: () => recognizer.droppedThreads(),
  };
}
