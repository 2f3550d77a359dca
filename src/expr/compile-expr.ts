import { assertNever } from '../common/assert-never.js';
/**
 * Bound expression → JavaScript function, once per statement. The expression tree is
 * turned into straight-line source (temporaries, no closures, no tree walk per event) and
 * built with `new Function`. Semantics are Esper's: SQL three-valued logic, null
 * propagation through operators and functions, `/` always a double division.
 */
import { BoundedCache } from '../common/bounded-cache.js';
import { WeirError } from '../common/errors.js';
import { printable } from '../common/printable.js';
import { exactKey } from '../common/value-key.js';
import { lookupFunction } from '../functions/registry.js';
import type { BoundExpr } from './bound-expr.js';
import { type CompiledExpr, type EvalFrame, createFrame } from './eval-frame.js';
import { expressionHelpers, likeToRegExp, tryJavaRegExp } from './expr-helpers.js';

class Emitter {
  readonly lines: string[] = [];
  readonly env: unknown[] = [];
  private next = 0;

  temp(): string {
    const name = `v${this.next++}`;
    this.lines.push(`var ${name};`);
    return name;
  }

  ref(value: unknown): string {
    this.env.push(value);
    return `e[${this.env.length - 1}]`;
  }

  line(text: string): void {
    this.lines.push(text);
  }
}

const JS_OPS: Record<string, string> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '=': '===',
  '!=': '!==',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

function constant(value: unknown, em: Emitter): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return em.ref(value);
    // A negative constant is parenthesised, so no operator before it can fuse with its sign
    // (`-` then `-5` would be `--5`, a syntax error); -0 keeps its sign (1 / -0 is -Infinity).
    if (Object.is(value, -0)) return '(-0)';
    return value < 0 ? `(${value})` : String(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  return em.ref(value);
}

function isConst(e: BoundExpr): e is Extract<BoundExpr, { kind: 'Const' }> {
  return e.kind === 'Const';
}

/** Emits code computing `e` for the row held in `row`; returns a side-effect-free JS expression. */
function emit(e: BoundExpr, em: Emitter, row: string): string {
  switch (e.kind) {
    case 'Const':
      return constant(e.value, em);
    case 'Prop':
      if (e.path.length === 1) return `(${row}[${JSON.stringify(e.path[0])}] ?? null)`;
      if (e.path.length === 2) {
        // `a.id` on a join or pattern row: inlined, as the generic path walk shows in profiles.
        const v = em.temp();
        em.line(`${v} = ${row}[${JSON.stringify(e.path[0])}];`);
        em.line(
          `${v} = ${v} === null || ${v} === undefined ? null : (${v}[${JSON.stringify(e.path[1])}] ?? null);`,
        );
        return v;
      }
      return `h.path(${row}, ${em.ref(e.path)})`;
    case 'TagProp':
      return `h.path(ctx.tags === undefined ? null : ctx.tags[${JSON.stringify(e.tag)}], ${em.ref(e.path)})`;
    case 'AggRef':
      return `(ctx.aggValues[${e.slot}] ?? null)`;
    case 'Neg': {
      const x = emit(e.operand, em, row);
      const v = em.temp();
      // Java ints have no negative zero: -(0) is 0, so 1 / -(0) is Infinity (doubles keep -0.0).
      const integral = e.type === 'int' || e.type === 'long';
      em.line(`${v} = ${x} === null ? null : ${integral ? `0 - ${x}` : `-${x}`};`);
      return v;
    }
    case 'Not': {
      const x = emit(e.operand, em, row);
      const v = em.temp();
      em.line(`${v} = ${x} === null ? null : !${x};`);
      return v;
    }
    case 'Arith':
    case 'Compare': {
      const a = emit(e.left, em, row);
      const b = emit(e.right, em, row);
      const v = em.temp();
      // Java ints have no negative zero: -5 * 0 and -5 % 5 are 0 (JS gives -0, and 1 / -0 is
      // -Infinity); `+ 0` turns -0 into 0 and leaves every other number as it is.
      const integral =
        e.kind === 'Arith' && (e.type === 'int' || e.type === 'long') && (e.op === '*' || e.op === '%');
      em.line(
        `${v} = (${a} === null || ${b} === null) ? null : (${a} ${JS_OPS[e.op]} ${b})${integral ? ' + 0' : ''};`,
      );
      return v;
    }
    case 'Concat': {
      const a = emit(e.left, em, row);
      const b = emit(e.right, em, row);
      const v = em.temp();
      em.line(`${v} = (${a} === null || ${b} === null) ? null : h.str(${a}) + h.str(${b});`);
      return v;
    }
    case 'Logic':
      return emitLogic(e.op, e.operands, em, row);
    case 'InList': {
      const a = emit(e.operand, em, row);
      const v = em.temp();
      if (e.list.every(isConst)) {
        const values = e.list.map((c) => c.value);
        const set = em.ref(new Set(values.filter((x) => x !== null)));
        const hasNull = values.includes(null);
        em.line(
          `${v} = ${a} === null ? null : ${set}.has(${a}) ? ${!e.negated} : ${hasNull ? 'null' : String(e.negated)};`,
        );
        return v;
      }
      const items = e.list.map((x) => emit(x, em, row));
      em.line(`${v} = h.inList(${a}, [${items.join(', ')}], ${e.negated});`);
      return v;
    }
    case 'Range': {
      const a = emit(e.operand, em, row);
      const lo = emit(e.low, em, row);
      const hi = emit(e.high, em, row);
      const v = em.temp();
      const inside = `(${lo} <= ${hi} ? (${a} >= ${lo} && ${a} <= ${hi}) : (${a} >= ${hi} && ${a} <= ${lo}))`;
      // Esper's between yields false, not null, when any operand is null (core-expr-functions).
      em.line(
        `${v} = (${a} === null || ${lo} === null || ${hi} === null) ? false : ${e.negated ? '!' : ''}${inside};`,
      );
      return v;
    }
    case 'LikeMatch': {
      const a = emit(e.operand, em, row);
      const v = em.temp();
      const esc = e.escape;
      if (isConst(e.pattern) && (esc === undefined || isConst(esc))) {
        if (e.pattern.value === null || (esc !== undefined && (esc as { value: unknown }).value === null)) {
          em.line(`${v} = null;`);
          return v;
        }
        const escapeChar = esc === undefined ? '\\' : String((esc as { value: unknown }).value);
        const re = em.ref(likeToRegExp(String(e.pattern.value), escapeChar));
        em.line(`${v} = ${a} === null ? null : ${e.negated ? '!' : ''}${re}.test(${a});`);
        return v;
      }
      const p = emit(e.pattern, em, row);
      const x = esc === undefined ? '"\\\\"' : emit(esc, em, row);
      em.line(`${v} = h.like(${a}, ${p}, ${x}, ${e.negated});`);
      return v;
    }
    case 'RegexMatch': {
      const a = emit(e.operand, em, row);
      const v = em.temp();
      if (isConst(e.pattern)) {
        if (e.pattern.value === null) {
          em.line(`${v} = null;`);
          return v;
        }
        const compiled = tryJavaRegExp(String(e.pattern.value));
        // The analyzer refuses a literal pattern that does not compile; this is one built
        // from constants (`'[' || 'a'`), known only once folded.
        if (typeof compiled === 'string')
          throw new WeirError(
            'analyze/invalid-regexp',
            `Invalid regular expression '${printable(String(e.pattern.value))}' in regexp: ${compiled}`,
          );
        const re = em.ref(compiled);
        em.line(`${v} = ${a} === null ? null : ${e.negated ? '!' : ''}${re}.test(${a});`);
        return v;
      }
      const p = emit(e.pattern, em, row);
      em.line(`${v} = h.regexp(${a}, ${p}, ${e.negated});`);
      return v;
    }
    case 'NullTest': {
      const x = emit(e.operand, em, row);
      return `(${x} ${e.negated ? '!==' : '==='} null)`;
    }
    case 'CaseWhen':
      return emitCase(e, em, row);
    case 'Func': {
      const def = lookupFunction(e.name);
      if (def === undefined) throw new Error(`unknown function ${e.name}`);
      const args = e.args.map((x) => emit(x, em, row));
      const fn = em.ref(def.impl);
      const v = em.temp();
      const call = `h.nn(${fn}(${args.join(', ')}))`;
      if (def.nullSafe || args.length === 0) em.line(`${v} = ${call};`);
      else em.line(`${v} = (${args.map((a) => `${a} === null`).join(' || ')}) ? null : ${call};`);
      return v;
    }
    case 'Convert': {
      const x = emit(e.operand, em, row);
      const v = em.temp();
      em.line(`${v} = h.cast(${x}, ${JSON.stringify(e.type)});`);
      return v;
    }
    case 'PrevRef':
      if (e.family !== undefined) return emitPrevFamily(e, em, row);
      return emitPrevPrior(e, em, row);
    case 'PriorRef':
      return emitPrevPrior(e, em, row);
    case 'VarRef':
      return `(ctx.variables === undefined ? null : (ctx.variables[${JSON.stringify(e.name)}] ?? null))`;
    case 'ContextProp':
      return `h.path(ctx.context === undefined ? null : ctx.context, ${em.ref(e.path)})`;
    case 'TableRef': {
      const keys = e.keys.map((k) => emit(k, em, row));
      const key = keys.length === 1 ? keys[0] : `[${keys.join(', ')}]`;
      const v = em.temp();
      em.line(
        `${v} = ctx.tables === undefined ? null : ctx.tables.read(${JSON.stringify(e.table)}, ${key}, ${e.column === undefined ? 'undefined' : JSON.stringify(e.column)});`,
      );
      return v;
    }
    case 'Subquery': {
      // The statement's subquery `id` (physical/subquery-runtime.ts), through the frame.
      const params = e.params.map((p) => emit(p, em, row));
      const left = e.operand === undefined ? 'null' : emit(e.operand, em, row);
      const v = em.temp();
      em.line(
        `${v} = ctx.subqueries === undefined ? null : ctx.subqueries[${e.id}]([${params.join(', ')}], ${left});`,
      );
      return v;
    }
    default:
      return assertNever(e, 'bound expression');
  }
}

function emitPrevPrior(
  e: Extract<BoundExpr, { kind: 'PrevRef' | 'PriorRef' }>,
  em: Emitter,
  row: string,
): string {
  const index = e.kind === 'PrevRef' ? emit(e.index, em, row) : String(e.index);
  const other = em.temp();
  const v = em.temp();
  const lookup = e.kind === 'PrevRef' ? 'prev' : 'prior';
  em.line(`${other} = ${index} === null ? undefined : ctx.${lookup}(${row}, ${index});`);
  em.line(`if (${other} === undefined || ${other} === null) { ${v} = null; } else {`);
  const inner = emit(e.of, em, other);
  em.line(`${v} = ${inner}; }`);
  return v;
}

/**
 * prevtail / prevcount / prevwindow: the window's events as `prev` reaches them, newest
 * first (prev(0), prev(1), … until none): the tail counts from the oldest end.
 */
function emitPrevFamily(e: Extract<BoundExpr, { kind: 'PrevRef' }>, em: Emitter, row: string): string {
  const events = em.temp();
  const n = em.temp();
  const v = em.temp();
  em.line(`${events} = [];`);
  em.line(
    `for (${n} = 0; ; ${n}++) { const p = ctx.prev(${row}, ${n}); if (p === undefined || p === null) break; ${events}.push(p); }`,
  );
  if (e.family === 'count') {
    em.line(`${v} = ${events}.length;`);
    return v;
  }
  if (e.family === 'window') {
    const each = em.temp();
    em.line(`${v} = ${events}.length === 0 ? null : [];`);
    em.line(`for (${n} = 0; ${n} < ${events}.length; ${n}++) { const ${each} = ${events}[${n}];`);
    const inner = emit(e.of, em, each);
    em.line(`${v}.push(${inner}); }`);
    return v;
  }
  const index = emit(e.index, em, row);
  const other = em.temp();
  em.line(`${other} = ${index} === null ? undefined : ${events}[${events}.length - 1 - ${index}];`);
  em.line(`if (${other} === undefined) { ${v} = null; } else {`);
  const inner = emit(e.of, em, other);
  em.line(`${v} = ${inner}; }`);
  return v;
}

/**
 * Three-valued and/or with short-circuit: `false and x` is false without evaluating x,
 * `true or x` is true; otherwise a null operand makes the result null unless decided.
 */
function emitLogic(op: 'and' | 'or', operands: readonly BoundExpr[], em: Emitter, row: string): string {
  const v = em.temp();
  const decisive = op === 'and' ? 'false' : 'true';
  em.line(`${v} = ${op === 'and' ? 'true' : 'false'};`);
  let open = 0;
  for (const operand of operands) {
    const x = emit(operand, em, row);
    em.line(`if (${x} === ${decisive}) { ${v} = ${decisive}; } else { if (${x} === null) ${v} = null;`);
    open++;
  }
  em.line('}'.repeat(open));
  return v;
}

function emitCase(e: Extract<BoundExpr, { kind: 'CaseWhen' }>, em: Emitter, row: string): string {
  const operand = e.operand === undefined ? undefined : emit(e.operand, em, row);
  const v = em.temp();
  let open = 0;
  for (const w of e.whens) {
    const cond = emit(w.when, em, row);
    const test =
      operand === undefined
        ? `${cond} === true`
        : `(${operand} !== null && ${cond} !== null && ${operand} === ${cond})`;
    em.line(`if (${test}) {`);
    const then = emit(w.then, em, row);
    em.line(`${v} = ${then}; } else {`);
    open++;
  }
  if (e.otherwise === undefined) em.line(`${v} = null;`);
  else {
    const other = emit(e.otherwise, em, row);
    em.line(`${v} = ${other};`);
  }
  em.line('}'.repeat(open));
  return v;
}

function build(expr: BoundExpr, predicate: boolean): CompiledExpr {
  const em = new Emitter();
  const result = emit(expr, em, 'row');
  const body = `return function compiled(row, ctx) {\n${em.lines.join('\n')}\nreturn ${predicate ? `${result} === true` : result};\n};`;
  return new Function('e', 'h', body)(em.env, expressionHelpers) as CompiledExpr;
}

/**
 * Compiled functions are shared by every statement with the same expression: generated code
 * is pure, and one function object per expression keeps call sites monomorphic when many
 * statements share operators (a thousand `avg(price)` statements call one function).
 */
const cache = new BoundedCache<string, CompiledExpr>(10_000);

function cached(expr: BoundExpr, predicate: boolean): CompiledExpr {
  return cache.get(`${predicate ? 'p' : 'v'}${exactKey(expr)}`, () => build(expr, predicate));
}

export function compileExpr(expr: BoundExpr): CompiledExpr {
  return cached(expr, false);
}

/** True only when the value is exactly true: null and false both reject (where, having, filters). */
export function compilePredicate(expr: BoundExpr): (row: Record<string, unknown>, ctx: EvalFrame) => boolean {
  return cached(expr, true) as (row: Record<string, unknown>, ctx: EvalFrame) => boolean;
}

/** Evaluates an expression that reads nothing from a row (constant folding). */
export function evaluateConstant(expr: BoundExpr): unknown {
  return compileExpr(expr)({}, createFrame());
}
