/**
 * `match_recognize (…)` after a stream. In `define V as …`, `V.prop` (and a bare `prop`) is
 * the row being tested, another variable `W.prop` is W's last assigned row, and `prev(x)`
 * the partition's previous row. In `measures`, `V.prop` is V's last row and `first/last/
 * count/sum/avg/min/max(V.prop)` aggregate over V's rows.
 */
import type { Expr, MatchRecognize, PropertyRef, RowPattern } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { MatchRecognizePlan, MeasureAggregate } from '../patterns/match-recognize/mr-plan.js';
import { compileRowPattern } from '../patterns/match-recognize/nfa.js';
import { type BindContext, bindExpr, timePeriodMs } from './bind-expr.js';
import { type EventSchema, propertyType } from './event-schema.js';
import type { Scope } from './scope.js';

const MEASURE_AGGREGATES = new Set(['first', 'last', 'count', 'sum', 'avg', 'min', 'max']);

function variablesOf(p: RowPattern): string[] {
  switch (p.kind) {
    case 'RowVar':
      return [p.name.name];
    case 'RowGroup':
      return variablesOf(p.child);
    case 'RowConcat':
      return p.items.flatMap(variablesOf);
    case 'RowAlt':
      return p.alternatives.flatMap(variablesOf);
  }
}

function propertyOf(schema: EventSchema, ref: PropertyRef, name: string): EplType {
  const t = propertyType(schema, name);
  if (t === undefined) {
    throw new WeirError(
      'analyze/unknown-property',
      `Property '${name}' is not a property of event type '${schema.name}'`,
      {
        span: ref.span,
      },
    );
  }
  return t;
}

function variableScope(
  schema: EventSchema,
  own: Scope,
  variables: ReadonlySet<string>,
  current: string | undefined,
  synthetic: ReadonlyMap<string, EplType>,
): Scope {
  return {
    resolve(ref) {
      const [head, second, ...rest] = ref.path;
      if (head !== undefined && synthetic.has(head.name)) {
        return { kind: 'TagProp', tag: head.name, path: [], type: synthetic.get(head.name) as EplType };
      }
      if (head !== undefined && second !== undefined && rest.length === 0 && variables.has(head.name)) {
        const type = propertyOf(schema, ref, second.name);
        if (head.name === current) return { kind: 'Prop', path: [second.name], type };
        return { kind: 'TagProp', tag: head.name, path: [second.name], type };
      }
      if (current === undefined) {
        throw new WeirError(
          'analyze/unknown-property',
          'In measures, qualify properties with a pattern variable, as in A.price',
          {
            span: ref.span,
          },
        );
      }
      return own.resolve(ref);
    },
    wildcard: own.wildcard,
    hasStreamName: own.hasStreamName,
  };
}

function ctxFor(scope: Scope, clause: string, prevAllowed: boolean): BindContext {
  return { scope, aggregates: undefined, clause, prevAllowed, priorAllowed: false };
}

/** Replaces `agg(V.prop)` in a measure by a synthetic tag the recognizer fills in. */
function extractAggregates(
  expr: Expr,
  variables: ReadonlySet<string>,
  out: MeasureAggregate[],
  schema: EventSchema,
  types: Map<string, EplType>,
): Expr {
  if (expr.kind === 'Call' && MEASURE_AGGREGATES.has(expr.name.name.toLowerCase())) {
    const arg = expr.args[0];
    const fn = expr.name.name.toLowerCase() as MeasureAggregate['fn'];
    if (
      expr.args.length === 1 &&
      arg?.kind === 'PropertyRef' &&
      arg.path.length === 2 &&
      variables.has(arg.path[0]?.name ?? '')
    ) {
      const property = arg.path[1]?.name as string;
      const propType = propertyOf(schema, arg, property);
      const tag = `$m${out.length}`;
      out.push({ tag, fn, variable: arg.path[0]?.name as string, property });
      types.set(tag, fn === 'count' ? 'long' : fn === 'avg' ? 'double' : propType);
      return {
        kind: 'PropertyRef',
        path: [{ name: tag, index: undefined, span: expr.span }],
        span: expr.span,
      };
    }
  }
  switch (expr.kind) {
    case 'Binary':
      return {
        ...expr,
        left: extractAggregates(expr.left, variables, out, schema, types),
        right: extractAggregates(expr.right, variables, out, schema, types),
      };
    case 'Unary':
      return { ...expr, operand: extractAggregates(expr.operand, variables, out, schema, types) };
    case 'Call':
      return { ...expr, args: expr.args.map((a) => extractAggregates(a, variables, out, schema, types)) };
    default:
      return expr;
  }
}

export function bindMatchRecognizeSource(
  mr: MatchRecognize,
  schema: EventSchema,
  scope: Scope,
): { plan: MatchRecognizePlan; columns: ReadonlyMap<string, EplType> } {
  let interval: MatchRecognizePlan['interval'];
  if (mr.interval !== undefined) {
    const period = mr.interval.period;
    const ms =
      period.kind === 'TimePeriod'
        ? timePeriodMs(period)
        : period.kind === 'Literal' && typeof period.value === 'number'
          ? period.value * 1000
          : undefined;
    if (ms === undefined || !(ms > 0)) {
      throw new WeirError(
        'analyze/invalid-argument',
        'interval requires a positive time period such as 10 sec',
        {
          span: period.span,
        },
      );
    }
    interval = { ms, orTerminated: mr.interval.orTerminated };
  }
  const variables = new Set(variablesOf(mr.pattern));
  const none = new Map<string, EplType>();
  const partitionBy = mr.partitionBy.map((p) => bindExpr(p, ctxFor(scope, 'partition by', false)));
  const defines = new Map<string, BoundExpr>();
  for (const d of mr.defines) {
    if (!variables.has(d.variable.name)) {
      throw new WeirError(
        'analyze/unknown-property',
        `Variable '${d.variable.name}' does not appear in the pattern`,
        {
          span: d.variable.span,
        },
      );
    }
    const s = variableScope(schema, scope, variables, d.variable.name, none);
    defines.set(d.variable.name, bindExpr(d.condition, ctxFor(s, 'define', true)));
  }
  const aggregates: MeasureAggregate[] = [];
  const syntheticTypes = new Map<string, EplType>();
  const measures = mr.measures.map((m) => {
    const rewritten = extractAggregates(m.expr, variables, aggregates, schema, syntheticTypes);
    const s = variableScope(schema, scope, variables, undefined, syntheticTypes);
    return { name: m.alias.name, expr: bindExpr(rewritten, ctxFor(s, 'measures', false)) };
  });
  const plan: MatchRecognizePlan = {
    kind: 'MatchRecognizePlan',
    partitionBy,
    measures,
    aggregates,
    defines,
    nfa: compileRowPattern(mr.pattern),
    allMatches: mr.allMatches,
    skip: mr.skip,
    interval,
  };
  return { plan, columns: new Map(measures.map((m) => [m.name, m.expr.type])) };
}
