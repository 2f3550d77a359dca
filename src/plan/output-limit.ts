/**
 * Output rate limiting (Esper's output clause), as the plan carries it: what a statement
 * posts when its condition fires (the type) and when it fires (the rate), plus the optional
 * `after` clause that suppresses output at the start. Every amount is already validated and
 * in milliseconds or events; the when-condition is bound against the built-in counters.
 */
import type { OutputLimitType } from '../ast/ast.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { renderExpr } from '../expr/render-expr.js';

export type { OutputLimitType };

/**
 * A crontab schedule: for minutes, hours, days of month, months, days of week and seconds,
 * the allowed values (ascending), or null for any value.
 */
export type CrontabSchedule = readonly (readonly number[] | null)[];

export type OutputRateSpec =
  | { readonly kind: 'events'; readonly count: number }
  | { readonly kind: 'time'; readonly ms: number }
  | { readonly kind: 'crontab'; readonly schedule: CrontabSchedule; readonly text: string }
  /** Bound against the counters row (see OUTPUT_CONDITION_PROPERTIES). */
  | { readonly kind: 'when'; readonly condition: BoundExpr }
  | { readonly kind: 'terminated' };

export type OutputAfterSpec =
  | { readonly kind: 'events'; readonly count: number }
  | { readonly kind: 'time'; readonly ms: number };

export interface OutputLimitSpec {
  readonly type: OutputLimitType;
  /** undefined: `output after …` alone (direct output once the after clause is satisfied). */
  readonly rate: OutputRateSpec | undefined;
  readonly after: OutputAfterSpec | undefined;
  readonly andWhenTerminated: boolean;
}

/** The built-in properties a `when` condition reads (Esper's OutputConditionExpressionTypeUtil). */
export const OUTPUT_CONDITION_PROPERTIES = {
  /** New events since the last output. */
  count_insert: 'int',
  /** Old events since the last output. */
  count_remove: 'int',
  /** New events since the statement started. */
  count_insert_total: 'int',
  /** Old events since the statement started. */
  count_remove_total: 'int',
  /** Time of the last output (the statement's start before the first). */
  last_output_timestamp: 'long',
} as const;

function describeRate(rate: OutputRateSpec): string {
  switch (rate.kind) {
    case 'events':
      return `every ${rate.count} events`;
    case 'time':
      return `every ${rate.ms} ms`;
    case 'crontab':
      return `at (${rate.text})`;
    case 'when':
      return `when ${renderExpr(rate.condition)}`;
    case 'terminated':
      return 'when terminated';
  }
}

/** `last every 4000 ms after 5 events`, for explain. */
export function describeOutputLimit(spec: OutputLimitSpec): string {
  const parts: string[] = [spec.type];
  if (spec.rate !== undefined) parts.push(describeRate(spec.rate));
  if (spec.after !== undefined) {
    parts.push(
      spec.after.kind === 'events' ? `after ${spec.after.count} events` : `after ${spec.after.ms} ms`,
    );
  }
  if (spec.andWhenTerminated) parts.push('and when terminated');
  return parts.join(' ');
}
