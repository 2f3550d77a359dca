/**
 * `output …` → OutputLimitSpec: amounts become validated constants (events, milliseconds,
 * crontab value sets) and a `when` condition is bound against Esper's built-in counters
 * (count_insert, count_remove, count_insert_total, count_remove_total, last_output_timestamp).
 */
import type { CrontabField, Expr, OutputClause } from '../ast/ast.js';
import { renderExpressionName } from '../ast/render-name.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import { simplifyExpr } from '../expr/simplify-expr.js';
import {
  type CrontabSchedule,
  OUTPUT_CONDITION_PROPERTIES,
  type OutputAfterSpec,
  type OutputLimitSpec,
  type OutputRateSpec,
} from '../plan/output-limit.js';
import { bindExpr, timePeriodMs } from './bind-expr.js';
import { columnScope } from './scope.js';

function positiveCount(expr: Expr, what: string): number {
  if (
    expr.kind === 'Literal' &&
    typeof expr.value === 'number' &&
    Number.isInteger(expr.value) &&
    expr.value > 0
  ) {
    return expr.value;
  }
  throw new WeirError(
    'analyze/invalid-argument',
    `${what} requires a positive whole number of events, got '${renderExpressionName(expr)}'`,
    { span: expr.span },
  );
}

function positivePeriod(expr: Expr, what: string): number {
  const ms = expr.kind === 'TimePeriod' ? timePeriodMs(expr) : undefined;
  if (ms !== undefined && ms > 0) return ms;
  throw new WeirError(
    'analyze/invalid-argument',
    `${what} requires a positive time period (as in 5 sec or 1 min 30 sec), got '${renderExpressionName(expr)}'`,
    { span: expr.span },
  );
}

/** Field order and ranges of an Esper crontab: minutes, hours, days of month, months, days of week, seconds. */
export const CRONTAB_FIELDS = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'days of month', min: 1, max: 31 },
  { name: 'months', min: 1, max: 12 },
  { name: 'days of week', min: 0, max: 6 },
  { name: 'seconds', min: 0, max: 59 },
] as const;

function crontabValue(expr: Expr, field: (typeof CRONTAB_FIELDS)[number]): number {
  const value = expr.kind === 'Literal' ? expr.value : undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= field.min && value <= field.max) {
    return value;
  }
  throw new WeirError(
    'analyze/invalid-argument',
    `Crontab ${field.name} must be a whole number from ${field.min} to ${field.max}, got '${renderExpressionName(expr)}'`,
    { span: expr.span },
  );
}

/** The values a field allows, or null for any. */
function crontabValues(f: CrontabField, field: (typeof CRONTAB_FIELDS)[number]): number[] | null {
  switch (f.kind) {
    case 'any':
      return null;
    case 'value':
      return [crontabValue(f.value, field)];
    case 'range': {
      const low = crontabValue(f.low, field);
      const high = crontabValue(f.high, field);
      const out: number[] = [];
      for (let v = low; v <= high; v++) out.push(v);
      return out;
    }
    case 'frequency': {
      const step = f.step.kind === 'Literal' ? f.step.value : undefined;
      if (typeof step !== 'number' || !Number.isInteger(step) || step <= 0) {
        throw new WeirError(
          'analyze/invalid-argument',
          `A crontab frequency (as in */5) requires a positive whole number, got '${renderExpressionName(f.step)}'`,
          { span: f.step.span },
        );
      }
      if (f.range.kind !== 'any') {
        throw new WeirError('analyze/invalid-argument', 'A crontab frequency applies to * only, as in */5', {
          span: f.span,
        });
      }
      // Esper's FrequencyParameter: the values divisible by the step.
      const out: number[] = [];
      for (let v = field.min; v <= field.max; v++) if (v % step === 0) out.push(v);
      return out;
    }
    case 'list': {
      const all = new Set<number>();
      for (const item of f.items) {
        const values = crontabValues(item, field);
        if (values === null) return null;
        for (const v of values) all.add(v);
      }
      return [...all].sort((a, b) => a - b);
    }
  }
}

function crontabText(f: CrontabField): string {
  switch (f.kind) {
    case 'any':
      return '*';
    case 'value':
      return renderExpressionName(f.value);
    case 'range':
      return `${renderExpressionName(f.low)}:${renderExpressionName(f.high)}`;
    case 'frequency':
      return `${crontabText(f.range)}/${renderExpressionName(f.step)}`;
    case 'list':
      return `[${f.items.map(crontabText).join(', ')}]`;
  }
}

function crontab(fields: readonly CrontabField[], span: OutputClause['span']): OutputRateSpec {
  return { kind: 'crontab', ...crontabSchedule(fields, span, "'output at'") };
}

/** A crontab's allowed values per field, and its text; `what` names the clause in errors. */
export function crontabSchedule(
  fields: readonly CrontabField[],
  span: OutputClause['span'],
  what: string,
): { readonly schedule: CrontabSchedule; readonly text: string } {
  if (fields.length < 5 || fields.length > 6) {
    throw new WeirError(
      'analyze/invalid-argument',
      `${what} takes 5 or 6 crontab fields (minutes, hours, days of month, months, days of week [, seconds]), got ${fields.length}`,
      { span },
    );
  }
  const schedule: CrontabSchedule = fields.map((f, i) => {
    const field = CRONTAB_FIELDS[i] as (typeof CRONTAB_FIELDS)[number];
    const values = crontabValues(f, field);
    if (values !== null && values.length === 0) {
      // A reversed range or a step no value of the field divides: the schedule could never
      // fire (and the search for its next instant would never end).
      throw new WeirError(
        'analyze/invalid-argument',
        `Crontab ${field.name} '${crontabText(f)}' allows no value from ${field.min} to ${field.max}: the schedule would never fire (a range goes from low to high, as in 1:5)`,
        { span: f.span },
      );
    }
    // Esper treats a set covering the whole range as a wildcard (it matters for days).
    return values !== null && values.length === field.max - field.min + 1 ? null : values;
  });
  return { schedule, text: fields.map(crontabText).join(', ') };
}

const counters = new Map<string, EplType>(Object.entries(OUTPUT_CONDITION_PROPERTIES));

function whenCondition(condition: Expr): OutputRateSpec {
  const bound = bindExpr(condition, {
    scope: columnScope(
      counters,
      'an output condition (it reads count_insert, count_remove, count_insert_total, count_remove_total, last_output_timestamp)',
    ),
    aggregates: undefined,
    clause: 'an output condition',
    prevAllowed: false,
    priorAllowed: false,
  });
  if (bound.type !== 'boolean' && bound.type !== 'any' && bound.type !== 'null') {
    throw new WeirError(
      'analyze/type-mismatch',
      `An output condition must be boolean, but '${renderExpressionName(condition)}' is ${bound.type}`,
      { span: condition.span },
    );
  }
  return { kind: 'when', condition: simplifyExpr(bound) };
}

function rateSpec(clause: OutputClause): OutputRateSpec | undefined {
  const rate = clause.rate;
  if (rate === undefined) return undefined;
  switch (rate.kind) {
    case 'events':
      return { kind: 'events', count: positiveCount(rate.count, "'output every … events'") };
    case 'time':
      return { kind: 'time', ms: positivePeriod(rate.period, "'output every'") };
    case 'crontab':
      return crontab(rate.fields, clause.span);
    case 'when':
      return whenCondition(rate.condition);
    case 'terminated':
      return { kind: 'terminated' };
  }
}

function afterSpec(clause: OutputClause): OutputAfterSpec | undefined {
  const after = clause.after;
  if (after === undefined) return undefined;
  return after.kind === 'events'
    ? { kind: 'events', count: positiveCount(after.count, "'output after … events'") }
    : { kind: 'time', ms: positivePeriod(after.period, "'output after'") };
}

/**
 * `grouped`: the statement has a group by. Grouped `output first` gives each group its own
 * condition of the statement's rate (Esper's OutputConditionPolled), so the rate must be one
 * a group can poll: `when terminated` is the partition's end, not a group's, and Esper's
 * polled-condition factory has no form for it (it does not compile such a statement either).
 */
export function analyzeOutputClause(
  clause: OutputClause,
  inContext = false,
  grouped = false,
): OutputLimitSpec {
  const rate = rateSpec(clause);
  const after = afterSpec(clause);
  if (rate?.kind === 'terminated' && clause.type === 'first' && grouped && inContext) {
    throw new WeirError(
      'analyze/unsupported',
      "'output first when terminated' with group by is not supported (Esper does not compile it either): each group's first row needs a rate to start its next interval, as in output first every 10 sec and when terminated",
      { span: clause.span },
    );
  }
  if ((rate?.kind === 'terminated' || clause.andWhenTerminated) && !inContext) {
    throw new WeirError(
      'analyze/invalid-argument',
      "'output … when terminated' posts when a context partition ends: the statement must run in a context (context C select …)",
      { span: clause.span },
    );
  }
  if (rate === undefined && clause.type !== 'default') {
    throw new WeirError(
      'analyze/invalid-argument',
      `'output ${clause.type}' needs a rate: every …, at (…) or when …`,
      { span: clause.span },
    );
  }
  return { type: clause.type, rate, after, andWhenTerminated: clause.andWhenTerminated };
}
