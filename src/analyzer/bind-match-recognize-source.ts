/**
 * `match_recognize (…)` after a stream, bound with Esper's rules:
 * - `define V as …`: `V.prop` (and a bare `prop`) is the row being tested; another variable
 *   may be read only when it holds one row and occurs before V in the pattern (`W.prop` is
 *   W's row, null while W has none); `prev(V.prop [, n])` is `prop` of the partition's nth
 *   row before the tested one (n a constant, default 1).
 * - `measures`: a variable holding one row is read as `A.prop`; one that may hold several
 *   (quantified, or occurring twice) is read by index (`B[0].prop`) or inside an aggregate
 *   over exactly one such variable (`avg(B.price)`, `count(B.x)`, `sum(B.p * A.q)`).
 */
import type { CallExpr, Expr, MatchRecognize, PropertyRef } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { Span } from '../common/span.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { forEachExpr, mapExpr } from '../expr/map-expr.js';
import type { MatchRecognizePlan, MeasureAggregate } from '../patterns/match-recognize/mr-plan.js';
import { type Nfa, compileRowPattern } from '../patterns/match-recognize/nfa.js';
import type { AggregateCall } from '../plan/logical-plan.js';
import { AggregateCollector, type BindContext, bindExpr, timePeriodMs } from './bind-expr.js';
import { type EventSchema, propertyType } from './event-schema.js';
import type { Scope } from './scope.js';

function propertyOf(schema: EventSchema, ref: PropertyRef, name: string): EplType {
  const t = propertyType(schema, name);
  if (t === undefined) {
    throw new WeirError(
      'analyze/unknown-property',
      `Property '${name}' is not a property of event type '${schema.name}'`,
      { span: ref.span },
    );
  }
  return t;
}

function refText(ref: PropertyRef): string {
  return ref.path.map((s) => (s.index === undefined ? s.name : `${s.name}[${s.index}]`)).join('.');
}

/** The scope of one variable's define: its own row, and the single-row variables before it. */
function defineScope(schema: EventSchema, own: Scope, nfa: Nfa, variable: string): Scope {
  const variables = new Set([...nfa.singles, ...nfa.multiples]);
  const visible = nfa.visibility.get(variable) ?? new Set<string>();
  return {
    resolve(ref) {
      const [head, second, ...rest] = ref.path;
      if (head !== undefined && second !== undefined && rest.length === 0 && variables.has(head.name)) {
        const type = propertyOf(schema, ref, second.name);
        if (head.name === variable && head.index === undefined)
          return { kind: 'Prop', path: [second.name], type };
        if (!visible.has(head.name) || !nfa.singles.includes(head.name) || head.index !== undefined) {
          const why = !visible.has(head.name)
            ? `'${head.name}' does not occur before '${variable}' in the pattern`
            : `'${head.name}' may match several rows`;
          throw new WeirError(
            'analyze/unknown-property',
            `In the define of '${variable}', '${refText(ref)}' cannot be read: ${why} (a define reads its own row and the single-row variables before it)`,
            { span: ref.span },
          );
        }
        return { kind: 'TagProp', tag: head.name, path: [second.name], type };
      }
      return own.resolve(ref);
    },
    wildcard: own.wildcard,
    hasStreamName: own.hasStreamName,
  };
}

/**
 * The scope of measures: single-row variables as their row, multi-row variables as arrays
 * (by index, or unindexed inside an aggregate: checked after binding).
 */
function measureScope(schema: EventSchema, nfa: Nfa): Scope {
  const variables = new Set([...nfa.singles, ...nfa.multiples]);
  return {
    resolve(ref) {
      const [head, ...rest] = ref.path;
      if (head === undefined || !variables.has(head.name)) {
        throw new WeirError(
          'analyze/unknown-property',
          `In measures, qualify properties with a pattern variable, as in ${[...variables][0] ?? 'A'}.price`,
          { span: ref.span },
        );
      }
      const multiple = nfa.multiples.includes(head.name);
      if (!multiple && head.index !== undefined) {
        throw new WeirError(
          'analyze/unknown-property',
          `'${head.name}' matches a single row: read it as ${head.name}.property, not by index`,
          { span: ref.span },
        );
      }
      const last = rest[rest.length - 1];
      if (rest.length !== 1 || last === undefined || last.index !== undefined) {
        throw new WeirError(
          'analyze/unknown-property',
          `Expected ${head.name}.property, found '${refText(ref)}'`,
          {
            span: ref.span,
          },
        );
      }
      const type = propertyOf(schema, ref, last.name);
      const path: (string | number)[] = head.index === undefined ? [last.name] : [head.index, last.name];
      return { kind: 'TagProp', tag: head.name, path, type };
    },
    wildcard: () => [],
    hasStreamName: () => false,
  };
}

/** `prev(V.prop, n)` (Esper's match_recognize order) → `prev(n, prop)` for the generic binder. */
function rewritePrev(expr: Expr): Expr {
  const m = rewritePrev;
  switch (expr.kind) {
    case 'Call': {
      const args = expr.args.map(m);
      if (expr.name.name.toLowerCase() !== 'prev') return { ...expr, args };
      const [target, index] = args;
      if (
        target?.kind !== 'PropertyRef' ||
        args.length > 2 ||
        (index !== undefined && !isIntLiteral(index))
      ) {
        throw new WeirError(
          'analyze/invalid-argument',
          'In match_recognize, prev takes a property and an optional constant index: prev(A.price) or prev(A.price, 2)',
          { span: expr.span },
        );
      }
      const last = target.path[target.path.length - 1] as PropertyRef['path'][number];
      const prop: PropertyRef = {
        kind: 'PropertyRef',
        path: [{ ...last, index: undefined }],
        span: target.span,
      };
      const n: Expr = index ?? { kind: 'Literal', value: 1, literalType: 'int', text: '1', span: expr.span };
      return { ...expr, args: [n, prop] };
    }
    case 'Unary':
      return { ...expr, operand: m(expr.operand) };
    case 'Binary':
      return { ...expr, left: m(expr.left), right: m(expr.right) };
    case 'In':
      return { ...expr, operand: m(expr.operand), list: expr.list.map(m) };
    case 'Between':
      return { ...expr, operand: m(expr.operand), low: m(expr.low), high: m(expr.high) };
    case 'Like':
      return {
        ...expr,
        operand: m(expr.operand),
        pattern: m(expr.pattern),
        escape: expr.escape && m(expr.escape),
      };
    case 'Regexp':
      return { ...expr, operand: m(expr.operand), pattern: m(expr.pattern) };
    case 'IsNull':
      return { ...expr, operand: m(expr.operand) };
    case 'Case':
      return {
        ...expr,
        operand: expr.operand && m(expr.operand),
        whens: expr.whens.map((w) => ({ when: m(w.when), then: m(w.then) })),
        otherwise: expr.otherwise && m(expr.otherwise),
      };
    case 'Cast':
      return { ...expr, operand: m(expr.operand) };
    default:
      return expr;
  }
}

function isIntLiteral(e: Expr): boolean {
  return e.kind === 'Literal' && typeof e.value === 'number' && Number.isInteger(e.value) && e.value >= 0;
}

/** The largest constant `prev` index of a bound define. */
function maxPrevIndex(e: BoundExpr): number {
  let max = 0;
  forEachExpr(e, (x) => {
    if (x.kind === 'PrevRef' && x.index.kind === 'Const' && typeof x.index.value === 'number') {
      max = Math.max(max, x.index.value);
    }
  });
  return max;
}

/** The multi-row variables an expression reads unindexed (allowed only inside aggregates). */
function unindexedMultiReads(e: BoundExpr, nfa: Nfa): string[] {
  const out: string[] = [];
  forEachExpr(e, (x) => {
    if (x.kind === 'TagProp' && nfa.multiples.includes(x.tag) && typeof x.path[0] !== 'number')
      out.push(x.tag);
  });
  return out;
}

/** An aggregate call of the measures: over exactly one multi-row variable, its rows as the row. */
function measureAggregate(
  call: AggregateCall | undefined,
  slot: number,
  nfa: Nfa,
  span: Span,
): MeasureAggregate {
  const fail = () =>
    new WeirError(
      'analyze/invalid-aggregate',
      'Aggregation functions in measures must read properties of exactly one variable that may match several rows',
      { span },
    );
  if (call?.kind !== 'computed' || call.arg === undefined) throw fail();
  const read = new Set(unindexedMultiReads(call.arg, nfa));
  if (read.size !== 1) throw fail();
  const variable = [...read][0] as string;
  const arg = mapExpr(call.arg, (x) =>
    x.kind === 'TagProp' && x.tag === variable ? { kind: 'Prop', path: x.path, type: x.type } : x,
  );
  return { slot, fn: call.fn, distinct: call.distinct, variable, arg };
}

function intervalMs(mr: MatchRecognize): MatchRecognizePlan['interval'] {
  if (mr.interval === undefined) return undefined;
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
  return { ms, orTerminated: mr.interval.orTerminated };
}

function ctxFor(
  scope: Scope,
  clause: string,
  prevAllowed: boolean,
  aggregates?: AggregateCollector,
): BindContext {
  return { scope, aggregates, clause, prevAllowed, priorAllowed: false };
}

export function bindMatchRecognizeSource(
  mr: MatchRecognize,
  schema: EventSchema,
  scope: Scope,
): { plan: MatchRecognizePlan; columns: ReadonlyMap<string, EplType> } {
  const interval = intervalMs(mr);
  const nfa = compileRowPattern(mr.pattern);
  const variables = new Set([...nfa.singles, ...nfa.multiples]);
  const partitionBy = mr.partitionBy.map((p) => bindExpr(p, ctxFor(scope, 'partition by', false)));
  const defines = new Map<string, BoundExpr>();
  let maxPrev = 0;
  for (const d of mr.defines) {
    const name = d.variable.name;
    if (!variables.has(name)) {
      throw new WeirError('analyze/unknown-property', `Variable '${name}' does not appear in the pattern`, {
        span: d.variable.span,
      });
    }
    if (defines.has(name)) {
      throw new WeirError('analyze/invalid-argument', `Variable '${name}' has already been defined`, {
        span: d.variable.span,
      });
    }
    const bound = bindExpr(
      rewritePrev(d.condition),
      ctxFor(defineScope(schema, scope, nfa, name), 'define', true),
    );
    defines.set(name, bound);
    maxPrev = Math.max(maxPrev, maxPrevIndex(bound));
  }
  const collector = new AggregateCollector();
  const mScope = measureScope(schema, nfa);
  const aggregates: MeasureAggregate[] = [];
  const measures = mr.measures.map((m) => {
    const before = collector.calls.length;
    const expr = bindExpr(m.expr, ctxFor(mScope, 'measures', false, collector));
    for (let slot = before; slot < collector.calls.length; slot++) {
      aggregates.push(measureAggregate(collector.calls[slot], slot, nfa, m.expr.span));
    }
    const multi = unindexedMultiReads(expr, nfa);
    if (multi.length > 0) {
      throw new WeirError(
        'analyze/invalid-argument',
        `'${multi[0]}' may match several rows: in measures read it by index (${multi[0]}[0].property) or inside an aggregate (avg(${multi[0]}.property))`,
        { span: m.expr.span },
      );
    }
    return { name: m.alias.name, expr };
  });
  const plan: MatchRecognizePlan = {
    kind: 'MatchRecognizePlan',
    partitionBy,
    measures,
    aggregates,
    defines,
    nfa,
    allMatches: mr.allMatches,
    skip: mr.skip,
    interval,
    maxPrev,
  };
  return { plan, columns: new Map(measures.map((m) => [m.name, m.expr.type])) };
}
