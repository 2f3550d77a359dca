/**
 * The delay of a pattern timer as it starts: a constant period, or one computed from the tags
 * matched so far (`every a=A -> timer:interval(a.delay)`), as Esper's PatternDeltaCompute does
 * when the observer or guard is made from its begin state.
 */
import { countEvaluationIssue } from '../expr/expr-helpers.js';
import { renderExpr } from '../expr/render-expr.js';
import type { MatchState } from './matched-events.js';
import type { PatternPeriod } from './pattern-plan.js';
import type { PatternRuntime } from './state-node.js';

const EMPTY_ROW: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * The period in ms, or undefined when a part read from the tags is null or not a finite
 * number (Esper stops the event with "Null value returned for guard expression"; Weir counts
 * it in `stats().invalidPeriods` and the timer never fires). A computed period below 1 ms
 * waits 1 ms: Esper fires it at once, and a pattern restarting on it could then repeat
 * forever within one instant (bind-pattern-source.ts refuses such constants).
 */
export function periodDelta(
  period: PatternPeriod,
  state: MatchState,
  rt: PatternRuntime,
): number | undefined {
  if (period.kind === 'FixedPeriod') return period.ms;
  rt.evalCtx.tags = state;
  let total = 0;
  for (const part of period.parts) {
    const value = rt.compile(part.value)(EMPTY_ROW, rt.evalCtx);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      countEvaluationIssue('invalidPeriods');
      return undefined;
    }
    total += value * part.msPerUnit;
  }
  return Math.max(1, Math.round(total));
}

/** For explain: `5000 ms`, or the parts read from the tags (`a.delay * 1000 ms`). */
export function describePeriod(period: PatternPeriod): string {
  if (period.kind === 'FixedPeriod') return `${period.ms} ms`;
  return period.parts.map((p) => `${renderExpr(p.value)} * ${p.msPerUnit} ms`).join(' + ');
}
