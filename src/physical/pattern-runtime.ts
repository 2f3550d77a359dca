/** Pattern and match_recognize sources as the first operator of a statement. */
import type { Row } from '../common/row.js';
import type { Stateful } from '../common/state.js';
import { compileExpr } from '../expr/compile-expr.js';
import type { Operator } from '../operators/operator.js';
import { createPatternMatcher } from '../patterns/create-pattern-matcher.js';
import { MatchRecognizer } from '../patterns/match-recognize/match-recognizer.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { PhysicalEnv } from './physical-env.js';

export interface PatternSourceRuntime {
  /** The part holding the partial matches (for the state contract). */
  readonly state: Partial<Stateful>;
  start(): void;
  onEvent(stream: string, row: Row): void;
  size(): number;
  /** Partial matches the cap prevented or discarded. */
  dropped(): number;
}

/**
 * Whether the operators between a pattern source and the output handle rows one at a time
 * (filters, projections without order by). Esper posts each match as its own result, so an
 * aggregation, `distinct`, `order by` or `limit` sees matches one by one; above row-wise
 * operators the matches of one step may travel together, which posts the same rows.
 */
export function rowWiseAbovePattern(node: LogicalPlan): boolean {
  switch (node.kind) {
    case 'PatternSource':
      return true;
    case 'Filter':
      return rowWiseAbovePattern(node.input);
    case 'Project':
      return node.orderBy.length === 0 && rowWiseAbovePattern(node.input);
    default:
      return false;
  }
}

/**
 * The matches of the current step, sent up in one update when the step ends: right after the
 * event when an event completed them, at the end of the time instant when timers did.
 */
class StepMatches {
  private rows: Row[] = [];
  private waiting = false;
  /** Set while an event is being matched: the event's end flushes, no step-end callback needed. */
  inEvent = false;
  readonly flush = (): void => {
    this.waiting = false;
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    this.next.onUpdate(rows, null);
  };

  constructor(
    private readonly next: Operator,
    private readonly env: PhysicalEnv,
  ) {}

  add(match: Row): void {
    this.rows.push(match);
    if (this.waiting || this.inEvent) return;
    this.waiting = true;
    this.env.atStepEnd(this.flush);
  }
}

export function createPatternSourceRuntime(
  node: Extract<LogicalPlan, { kind: 'PatternSource' }>,
  env: PhysicalEnv,
  statement: string,
  next: Operator,
  rowWise: boolean,
): PatternSourceRuntime {
  let warned = false;
  const batch = rowWise ? new StepMatches(next, env) : undefined;
  const matcher = createPatternMatcher(node.pattern, {
    timers: env.timers,
    compile: compileExpr,
    // Pattern matches are insert-stream only; each is one result (the output groups a step's).
    emit:
      batch === undefined
        ? (match) => next.onUpdate([match as Row], null)
        : (match) => batch.add(match as Row),
    maxLiveInstances: env.maxPartialMatches,
    onCapReached: () => {
      if (warned) return;
      warned = true;
      env.onPatternCapReached(statement);
    },
  });
  return {
    state: matcher,
    start: () => {
      matcher.start();
      batch?.flush();
    },
    onEvent:
      batch === undefined
        ? (stream, row) => matcher.onEvent(stream, row)
        : (stream, row) => {
            batch.inEvent = true;
            matcher.onEvent(stream, row);
            batch.inEvent = false;
            batch.flush();
          },
    size: () => matcher.stats().liveInstances,
    dropped: () => matcher.stats().capReached,
  };
}

export interface MatchRecognizeRuntime {
  /** The part holding the runs (for the state contract). */
  readonly state: Partial<Stateful>;
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
    timers: env.timers,
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
    state: recognizer,
    accept: (row) => recognizer.onEvent(row),
    size: () => recognizer.liveThreads(),
    dropped: () => recognizer.droppedThreads(),
  };
}
