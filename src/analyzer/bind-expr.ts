import { lookupAggregate } from '../aggregates/registry.js';
/**
 * AST expression → bound, typed expression. Aggregates are collected into slots (only
 * where the clause allows them: select, having, order by); prev/prior are checked against
 * the statement's window.
 */
import type {
  CallExpr,
  Expr,
  PropertyRef,
  Subquery,
  TableAccessExpr,
  TimePeriod,
  TimeUnit,
} from '../ast/ast.js';
import { renderExpressionName } from '../ast/render-name.js';
import { assertNever } from '../common/assert-never.js';
import { WeirError, WeirErrors } from '../common/errors.js';
import { printable } from '../common/printable.js';
import { type EplType, isNumericType, widenNumeric } from '../common/types.js';
import { unifyTypes } from '../common/unify-types.js';
import type { BoundExpr, CompareOp, SubqueryTest } from '../expr/bound-expr.js';
import { tryJavaRegExp } from '../expr/expr-helpers.js';
import { simplifyExpr } from '../expr/simplify-expr.js';
import { lookupFunction } from '../functions/registry.js';
import type { AggregateCall } from '../plan/logical-plan.js';
import { type InfraBindings, resolveInfraRef, tableRef } from './bind-infra.js';
import type { Scope } from './scope.js';

/** Collects the aggregates of one statement; each call gets a slot. */
export class AggregateCollector {
  readonly calls: AggregateCall[] = [];

  add(call: AggregateCall): number {
    this.calls.push(call);
    return this.calls.length - 1;
  }
}

export interface BindContext {
  readonly scope: Scope;
  /** Where aggregates are allowed; undefined: an aggregate here is an error naming `clause`. */
  readonly aggregates: AggregateCollector | undefined;
  readonly clause: string;
  /** prev() needs an ordered data window; prior() needs a stream. */
  readonly prevAllowed: boolean;
  readonly priorAllowed: boolean;
  /** Records the largest prior index used, so the planner can size the prior buffer. */
  onPrior?(depth: number): void;
  /** Variables, tables and context properties the statement may read (bind-infra.ts). */
  readonly infra?: InfraBindings;
  /** The statement's subqueries (analyze-subquery.ts); undefined where none may appear. */
  readonly subqueries?: SubqueryBinder;
}

/**
 * The context of a stream's filter expressions (`from T(filter)`, `on T(filter)`): no
 * aggregates, no prev or prior; variables, tables and subqueries where the statement has them.
 */
export function streamFilterContext(
  scope: Scope,
  infra: InfraBindings | undefined,
  subqueries?: SubqueryBinder,
): BindContext {
  return {
    scope,
    aggregates: undefined,
    clause: 'stream filters',
    prevAllowed: false,
    priorAllowed: false,
    ...(infra === undefined ? {} : { infra }),
    ...(subqueries === undefined ? {} : { subqueries }),
  };
}

/** What `bindExpr` asks of the statement's subqueries for a subquery expression. */
export interface SubqueryUse {
  readonly query: Subquery;
  readonly test: SubqueryTest;
  readonly op: CompareOp;
  readonly operand: BoundExpr | undefined;
}

export interface SubqueryBinder {
  bind(use: SubqueryUse, outer: BindContext): BoundExpr;
}

/** Milliseconds per time-period unit (Esper's month is 30 days, its year 365). */
export const MS_PER_UNIT: Record<TimeUnit, number> = {
  year: 365 * 86_400_000,
  month: 30 * 86_400_000,
  week: 7 * 86_400_000,
  day: 86_400_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1000,
  millisecond: 1,
  microsecond: 0.001,
};

/** A constant time period in milliseconds, or undefined when a part is not a number literal. */
export function timePeriodMs(period: TimePeriod): number | undefined {
  let total = 0;
  for (const part of period.parts) {
    const v = part.value;
    if (v.kind !== 'Literal' || typeof v.value !== 'number') return undefined;
    total += v.value * MS_PER_UNIT[part.unit];
  }
  return Math.round(total);
}

function typeError(message: string, expr: Expr): WeirError {
  return new WeirError('analyze/type-mismatch', message, { span: expr.span });
}

function requireNumeric(bound: BoundExpr, expr: Expr, what: string): void {
  if (!isNumericType(bound.type)) {
    throw typeError(
      `${what} requires a numeric operand, but '${renderExpressionName(expr)}' is ${bound.type}`,
      expr,
    );
  }
}

function comparable(a: EplType, b: EplType): boolean {
  if (a === 'any' || b === 'any' || a === 'null' || b === 'null') return true;
  if (isNumericType(a) && isNumericType(b)) return true;
  return a === b;
}

export function bindExpr(expr: Expr, ctx: BindContext): BoundExpr {
  switch (expr.kind) {
    case 'Literal':
      return { kind: 'Const', value: expr.value, type: expr.literalType };
    case 'TimePeriod': {
      const ms = timePeriodMs(expr);
      if (ms === undefined) {
        throw new WeirError('analyze/unsupported', 'Time periods must be constants here', {
          span: expr.span,
        });
      }
      return { kind: 'Const', value: ms, type: 'long' };
    }
    case 'PropertyRef':
      try {
        return resolveProperty(expr, ctx);
      } catch (e) {
        if (
          !(e instanceof WeirError) ||
          e.code !== 'analyze/unknown-property' ||
          unknownProperties === undefined
        )
          throw e;
        // Recorded, and analysis goes on, so that every unknown property is reported at once.
        unknownProperties.push(e);
        return { kind: 'Const', value: null, type: 'any' };
      }
    case 'Unary': {
      const operand = bindExpr(expr.operand, ctx);
      if (expr.op === 'not') return { kind: 'Not', operand, type: 'boolean' };
      requireNumeric(operand, expr.operand, `Unary '${expr.op}'`);
      return expr.op === '+' ? operand : { kind: 'Neg', operand, type: operand.type };
    }
    case 'Binary':
      return bindBinary(expr, ctx);
    case 'In': {
      const operand = bindExpr(expr.operand, ctx);
      const list = expr.list.map((e) => bindExpr(e, ctx));
      for (const [i, item] of list.entries()) {
        const source = expr.list[i];
        if (source !== undefined && !comparable(operand.type, item.type)) {
          throw typeError(`'in' compares ${operand.type} with ${item.type}`, source);
        }
      }
      return { kind: 'InList', operand, list, negated: expr.negated, type: 'boolean' };
    }
    case 'Between': {
      const operand = bindExpr(expr.operand, ctx);
      const low = bindExpr(expr.low, ctx);
      const high = bindExpr(expr.high, ctx);
      if (!comparable(operand.type, low.type) || !comparable(operand.type, high.type)) {
        throw typeError(`'between' compares ${operand.type} with ${low.type} and ${high.type}`, expr);
      }
      return { kind: 'Range', operand, low, high, negated: expr.negated, type: 'boolean' };
    }
    case 'Like':
      return {
        kind: 'LikeMatch',
        operand: bindString(expr.operand, ctx, 'like'),
        pattern: bindString(expr.pattern, ctx, 'like'),
        escape: expr.escape === undefined ? undefined : bindString(expr.escape, ctx, 'like escape'),
        negated: expr.negated,
        type: 'boolean',
      };
    case 'Regexp': {
      const pattern = bindString(expr.pattern, ctx, 'regexp');
      // A constant pattern ('[', or built of constants: '[' || 'a') is checked here, with a caret.
      const folded = simplifyExpr(pattern);
      if (folded.kind === 'Const' && typeof folded.value === 'string') {
        const compiled = tryJavaRegExp(folded.value);
        if (typeof compiled === 'string')
          throw new WeirError(
            'analyze/invalid-regexp',
            `Invalid regular expression '${printable(folded.value)}' in regexp: ${compiled}`,
            { span: expr.pattern.span },
          );
      }
      return {
        kind: 'RegexMatch',
        operand: bindString(expr.operand, ctx, 'regexp'),
        pattern,
        negated: expr.negated,
        type: 'boolean',
      };
    }
    case 'IsNull':
      return {
        kind: 'NullTest',
        operand: bindExpr(expr.operand, ctx),
        negated: expr.negated,
        type: 'boolean',
      };
    case 'Case': {
      const operand = expr.operand === undefined ? undefined : bindExpr(expr.operand, ctx);
      const whens = expr.whens.map((w) => ({ when: bindExpr(w.when, ctx), then: bindExpr(w.then, ctx) }));
      const otherwise = expr.otherwise === undefined ? undefined : bindExpr(expr.otherwise, ctx);
      const results = [...whens.map((w) => w.then), ...(otherwise === undefined ? [] : [otherwise])];
      return { kind: 'CaseWhen', operand, whens, otherwise, type: unifyTypes(results.map((r) => r.type)) };
    }
    case 'Call':
      return bindCall(expr, ctx);
    case 'Cast':
      return { kind: 'Convert', operand: bindExpr(expr.operand, ctx), type: expr.targetType };
    case 'TableAccess':
      return bindTableAccess(expr, ctx);
    case 'Quantified':
      if (expr.query === undefined) return bindQuantifiedList(expr, ctx);
      return bindSubquery(expr, ctx);
    case 'Subquery':
    case 'Exists':
    case 'InSubquery':
      return bindSubquery(expr, ctx);
    default:
      return assertNever(expr, 'expression');
  }
}

/** A stream property, else a variable, context property or table column (bind-infra.ts). */
function resolveProperty(ref: PropertyRef, ctx: BindContext): BoundExpr {
  const infra = ctx.infra;
  if (infra === undefined) return ctx.scope.resolve(ref);
  try {
    return ctx.scope.resolve(ref);
  } catch (e) {
    if (!(e instanceof WeirError)) throw e;
    const bound = resolveInfraRef(ref, infra);
    if (bound === undefined) throw e;
    return bound;
  }
}

/** `Table[key, …].column`: one key expression per primary-key column, typed like it. */
function bindTableAccess(expr: TableAccessExpr, ctx: BindContext): BoundExpr {
  const table = ctx.infra?.catalog.table(expr.table.name);
  if (table === undefined) {
    throw new WeirError('analyze/unknown-stream', `'${expr.table.name}' is not a table`, {
      span: expr.table.span,
    });
  }
  if (expr.keys.length !== table.keys.length) {
    throw new WeirError(
      'analyze/invalid-argument',
      `Table '${table.name}' has ${table.keys.length} primary key column(s) (${table.keys.join(', ')}), but ${expr.keys.length} key(s) are given`,
      { span: expr.span },
    );
  }
  const keys = expr.keys.map((k, i) => {
    const bound = bindExpr(k, { ...ctx, aggregates: undefined, clause: 'a table key' });
    const column = table.columns.find((c) => c.name === table.keys[i]);
    if (column !== undefined && !comparable(bound.type, column.type)) {
      throw typeError(
        `Table '${table.name}' key '${column.name}' is ${column.type}, but '${renderExpressionName(k)}' is ${bound.type}`,
        k,
      );
    }
    return bound;
  });
  return tableRef(table, keys, expr.column?.name, expr);
}

function bindString(expr: Expr, ctx: BindContext, what: string): BoundExpr {
  const bound = bindExpr(expr, ctx);
  if (bound.type !== 'string' && bound.type !== 'any' && bound.type !== 'null') {
    throw typeError(
      `'${what}' requires a string, but '${renderExpressionName(expr)}' is ${bound.type}`,
      expr,
    );
  }
  return bound;
}

function bindBinary(expr: Extract<Expr, { kind: 'Binary' }>, ctx: BindContext): BoundExpr {
  const left = bindExpr(expr.left, ctx);
  const right = bindExpr(expr.right, ctx);
  switch (expr.op) {
    case 'and':
    case 'or': {
      const operands = [left, right].flatMap((e) =>
        e.kind === 'Logic' && e.op === expr.op ? e.operands : [e],
      );
      return { kind: 'Logic', op: expr.op, operands, type: 'boolean' };
    }
    case '||':
      return { kind: 'Concat', left, right, type: 'string' };
    case '+':
    case '-':
    case '*':
    case '/':
    case '%': {
      requireNumeric(left, expr.left, `'${expr.opText}'`);
      requireNumeric(right, expr.right, `'${expr.opText}'`);
      // Esper: division always yields a double.
      const type = expr.op === '/' ? 'double' : widenNumeric(left.type, right.type);
      return { kind: 'Arith', op: expr.op, left, right, type };
    }
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (!comparable(left.type, right.type)) {
        throw typeError(
          `Cannot compare ${left.type} '${renderExpressionName(expr.left)}' with ${right.type} '${renderExpressionName(expr.right)}'`,
          expr,
        );
      }
      return { kind: 'Compare', op: expr.op as CompareOp, left, right, type: 'boolean' };
    }
    default:
      return assertNever(expr.op, 'binary operator');
  }
}

function constantInt(expr: Expr, what: string): number {
  let value: unknown;
  if (expr.kind === 'Literal') value = expr.value;
  else if (expr.kind === 'Unary' && expr.op === '-' && expr.operand.kind === 'Literal')
    value = -Number(expr.operand.value);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new WeirError('analyze/invalid-argument', `${what} requires a non-negative integer constant`, {
      span: expr.span,
    });
  }
  return value;
}

function bindCall(expr: CallExpr, ctx: BindContext): BoundExpr {
  const name = expr.name.name.toLowerCase();
  if (name === 'prev' || name === 'prior') return bindPrevPrior(expr, name, ctx);
  if (name === 'prevtail' || name === 'prevcount' || name === 'prevwindow')
    return bindPrevFamily(expr, name, ctx);
  const scalarMinMax = (name === 'min' || name === 'max') && expr.args.length >= 2;
  const aggregate = scalarMinMax ? undefined : lookupAggregate(name);
  if (aggregate !== undefined) return bindAggregate(expr, name, ctx);
  const fn = lookupFunction(name);
  if (fn === undefined) {
    throw new WeirError('analyze/unknown-function', `Unknown function '${expr.name.name}'`, {
      span: expr.name.span,
    });
  }
  if (expr.star || expr.distinct) {
    throw new WeirError('analyze/invalid-argument', `Function '${name}' takes neither '*' nor 'distinct'`, {
      span: expr.span,
    });
  }
  if (expr.args.length < fn.minArgs || expr.args.length > fn.maxArgs) {
    const expected = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
    throw new WeirError(
      'analyze/invalid-argument',
      `Function '${name}' takes ${expected} argument(s), got ${expr.args.length}`,
      { span: expr.span },
    );
  }
  const args = expr.args.map((a) => bindExpr(a, ctx));
  const type = withSpan(expr, () => fn.resultType(args.map((a) => a.type)));
  return { kind: 'Func', name: fn.name, args, type };
}

/** The unknown properties met while `collectUnknownProperties` runs (undefined otherwise). */
let unknownProperties: WeirError[] | undefined;

/**
 * Runs the analysis of one statement so that an unknown property does not stop it: each is
 * recorded (bound as an untyped null) and all are thrown together at the end, with any other
 * error the analysis met afterwards.
 */
export function collectUnknownProperties<T>(analyze: () => T): T {
  const outer = unknownProperties;
  const found: WeirError[] = [];
  unknownProperties = found;
  let result: T;
  try {
    result = analyze();
  } catch (e) {
    const more = e instanceof WeirErrors ? e.errors : e instanceof WeirError ? [e] : undefined;
    if (found.length === 0 || more === undefined) throw e;
    throw new WeirErrors([...found, ...more]);
  } finally {
    unknownProperties = outer;
  }
  if (found.length > 0) throw new WeirErrors(found);
  return result;
}

/** Registry validators throw without a span; attach the call's. */
function withSpan<T>(expr: Expr, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof WeirError && e.span === undefined) {
      throw new WeirError(e.code, e.message, { span: expr.span, expected: e.expected });
    }
    throw e;
  }
}

function bindAggregate(expr: CallExpr, name: string, ctx: BindContext): BoundExpr {
  const def = lookupAggregate(name);
  if (def === undefined) throw new Error(`aggregate ${name} vanished`);
  if (ctx.aggregates === undefined) {
    throw new WeirError(
      'analyze/invalid-aggregate',
      `Aggregation functions are not allowed in ${ctx.clause}: '${renderExpressionName(expr)}'`,
      { span: expr.span },
    );
  }
  const { signature } = def;
  if (expr.star && !signature.star) {
    throw new WeirError('analyze/invalid-aggregate', `'${name}(*)' is not valid`, { span: expr.span });
  }
  if (expr.distinct && !signature.distinct) {
    throw new WeirError('analyze/invalid-aggregate', `'${name}' does not take 'distinct'`, {
      span: expr.span,
    });
  }
  const argCount = expr.star ? 0 : expr.args.length;
  if (
    !expr.star &&
    (argCount < signature.minArgs || argCount > Math.max(signature.maxArgs, signature.minArgs))
  ) {
    throw new WeirError(
      'analyze/invalid-aggregate',
      `Aggregation function '${name}' takes ${signature.minArgs === signature.maxArgs ? signature.minArgs : `${signature.minArgs} to ${signature.maxArgs}`} argument(s), got ${argCount}`,
      { span: expr.span },
    );
  }
  // Aggregates inside aggregates are meaningless: bind the argument without the collector.
  const inner: BindContext = { ...ctx, aggregates: undefined, clause: 'an aggregation function argument' };
  const arg = expr.star || expr.args[0] === undefined ? undefined : bindExpr(expr.args[0], inner);
  const type = withSpan(expr, () => def.resultType(arg === undefined ? [] : [arg.type]));
  const slot = ctx.aggregates.add({
    kind: 'computed',
    fn: def.name,
    arg,
    distinct: expr.distinct,
    type,
    text: renderExpressionName(expr),
  });
  return { kind: 'AggRef', slot, type };
}

function bindPrevPrior(expr: CallExpr, name: 'prev' | 'prior', ctx: BindContext): BoundExpr {
  const allowed = name === 'prev' ? ctx.prevAllowed : ctx.priorAllowed;
  if (!allowed) {
    const why =
      name === 'prev'
        ? "'prev' requires a single data window that keeps events in order (length, time, sort…)"
        : "'prior' is not valid here";
    throw new WeirError('analyze/invalid-prev', why, { span: expr.span });
  }
  // prev(expr) means prev(1, expr), as in Esper.
  const [first, second] = expr.args;
  if (first === undefined || expr.args.length > 2) {
    throw new WeirError('analyze/invalid-argument', `'${name}' takes (index, expression) or (expression)`, {
      span: expr.span,
    });
  }
  const indexExpr = second === undefined ? undefined : first;
  const ofExpr = second ?? first;
  const of = bindExpr(ofExpr, { ...ctx, aggregates: undefined, clause: `a ${name} expression` });
  if (name === 'prior') {
    const index = indexExpr === undefined ? 1 : constantInt(indexExpr, "'prior' index");
    // prior(0, x) is x: Esper's prior buffer holds each posted event as its own 0th prior.
    if (index === 0) return of;
    ctx.onPrior?.(index);
    return { kind: 'PriorRef', index, of, type: of.type };
  }
  const index: BoundExpr =
    indexExpr === undefined
      ? { kind: 'Const', value: 1, type: 'int' }
      : bindExpr(indexExpr, { ...ctx, aggregates: undefined });
  return { kind: 'PrevRef', index, of, type: of.type };
}

function bindSubquery(expr: Expr, ctx: BindContext): BoundExpr {
  const use = subqueryUse(expr, (e) => bindExpr(e, ctx));
  if (use === undefined) throw new Error(`${expr.kind} is not a subquery`);
  if (ctx.subqueries === undefined) {
    throw new WeirError('analyze/unsupported', `A subquery cannot appear in ${ctx.clause}`, {
      span: expr.span,
    });
  }
  return ctx.subqueries.bind(use, ctx);
}

/** `x > any (a, b)` is `x > a or x > b`; `all` joins the comparisons with `and` (three-valued). */
function bindQuantifiedList(expr: Extract<Expr, { kind: 'Quantified' }>, ctx: BindContext): BoundExpr {
  const operand = bindExpr(expr.operand, ctx);
  const operands: BoundExpr[] = expr.list.map((item) => ({
    kind: 'Compare',
    op: expr.op,
    left: operand,
    right: bindExpr(item, ctx),
    type: 'boolean',
  }));
  if (operands.length === 1) return operands[0] as BoundExpr;
  return { kind: 'Logic', op: expr.quantifier === 'any' ? 'or' : 'and', operands, type: 'boolean' };
}

/** The AST forms of a subquery. */
function subqueryUse(expr: Expr, operand: (e: Expr) => BoundExpr): SubqueryUse | undefined {
  switch (expr.kind) {
    case 'Subquery':
      return { query: expr.query, test: 'value', op: '=', operand: undefined };
    case 'Exists':
      return { query: expr.query, test: 'exists', op: '=', operand: undefined };
    case 'InSubquery':
      return {
        query: expr.query,
        test: expr.negated ? 'not in' : 'in',
        op: '=',
        operand: operand(expr.operand),
      };
    case 'Quantified':
      if (expr.query === undefined) return undefined;
      return { query: expr.query, test: expr.quantifier, op: expr.op, operand: operand(expr.operand) };
    default:
      return undefined;
  }
}

/**
 * `prevtail([n,] x)`, `prevcount(x)`, `prevwindow(x)`: Esper's prev family, valid where prev is
 * (one data window keeping events in order; per group under #groupwin).
 */
function bindPrevFamily(
  expr: CallExpr,
  name: 'prevtail' | 'prevcount' | 'prevwindow',
  ctx: BindContext,
): BoundExpr {
  if (!ctx.prevAllowed) {
    throw new WeirError(
      'analyze/invalid-prev',
      `'${name}' requires a single data window that keeps events in order (length, time, sort…)`,
      { span: expr.span },
    );
  }
  const [first, second] = expr.args;
  const takesIndex = name === 'prevtail';
  if (first === undefined || expr.args.length > (takesIndex ? 2 : 1)) {
    throw new WeirError(
      'analyze/invalid-argument',
      takesIndex ? `'${name}' takes (index, expression) or (expression)` : `'${name}' takes one expression`,
      { span: expr.span },
    );
  }
  const ofExpr = second ?? first;
  const of = bindExpr(ofExpr, { ...ctx, aggregates: undefined, clause: `a ${name} expression` });
  // prevtail(x) is the oldest event: index 0 from the tail.
  const index: BoundExpr =
    second === undefined
      ? { kind: 'Const', value: 0, type: 'int' }
      : bindExpr(first, { ...ctx, aggregates: undefined });
  const family = name === 'prevtail' ? 'tail' : name === 'prevcount' ? 'count' : 'window';
  const type = family === 'count' ? 'long' : family === 'window' ? 'any' : of.type;
  return { kind: 'PrevRef', index, of, type, family };
}
