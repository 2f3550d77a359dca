/** Pattern and match_recognize sources as operators (pending the pattern engines). */
import type { Row } from '../common/row.js';
import type { Operator } from '../operators/operator.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { PhysicalEnv } from './plan-operators.js';

export interface PatternSourceRuntime {
  start(): void;
  onEvent(stream: string, row: Row): void;
  size(): number;
}

export function createPatternSourceRuntime(
  _node: Extract<LogicalPlan, { kind: 'PatternSource' }>,
  _env: PhysicalEnv,
  _statement: string,
  _next: Operator,
): PatternSourceRuntime {
  throw new Error('patterns are not implemented yet');
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
