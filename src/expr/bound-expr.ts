/**
 * Bound expressions: the analyzer's output for every expression in a statement.
 * Names are resolved, types inferred, aggregates replaced by slot references.
 * Kind strings are distinct from the AST's (AST = syntax, BoundExpr = operation).
 * Compiled once per statement into a JavaScript function by compile-expr.ts.
 */
import type { EplType } from '../common/types.js';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%';

export type BoundExpr =
  | ConstExpr
  | PropExpr
  | TagPropExpr
  | NegExpr
  | NotExpr
  | ArithExpr
  | ConcatExpr
  | CompareExpr
  | LogicExpr
  | InListExpr
  | RangeExpr
  | LikeMatchExpr
  | RegexMatchExpr
  | NullTestExpr
  | CaseWhenExpr
  | FuncExpr
  | ConvertExpr
  | AggRefExpr
  | PrevRefExpr
  | PriorRefExpr
  | VarRefExpr
  | TableRefExpr
  | ContextPropExpr
  | SubqueryRefExpr;

export interface ConstExpr {
  readonly kind: 'Const';
  readonly value: string | number | boolean | null;
  readonly type: EplType;
}

/**
 * Reads a property of the row being evaluated. `path` is the access path from the row:
 * `['price']` for a stream property; `['a', 'user']` for a pattern tag's property;
 * `['a', 0, 'v']` for an indexed repeat tag. Every step is null-safe (a missing step yields null).
 */
export interface PropExpr {
  readonly kind: 'Prop';
  readonly path: readonly (string | number)[];
  readonly type: EplType;
}

/**
 * Reads a pattern tag's event (or array of events) from `ctx.tags` then follows `path`:
 * in a pattern filter `b=B(id = a.id)`, `a.id` is `{ tag: 'a', path: ['id'] }`; `a[0].v` is
 * `{ tag: 'a', path: [0, 'v'] }`; `a` alone is `{ tag: 'a', path: [] }`. Null-safe like Prop.
 */
export interface TagPropExpr {
  readonly kind: 'TagProp';
  readonly tag: string;
  readonly path: readonly (string | number)[];
  readonly type: EplType;
}

export interface NegExpr {
  readonly kind: 'Neg';
  readonly operand: BoundExpr;
  readonly type: EplType;
}

/** Three-valued: not null = null. */
export interface NotExpr {
  readonly kind: 'Not';
  readonly operand: BoundExpr;
  readonly type: 'boolean';
}

/** Null if either side is null. `/` always yields double (Esper); division by zero gives Infinity/NaN. */
export interface ArithExpr {
  readonly kind: 'Arith';
  readonly op: ArithOp;
  readonly left: BoundExpr;
  readonly right: BoundExpr;
  readonly type: EplType;
}

/** `a || b`: string concatenation, null if either side is null. */
export interface ConcatExpr {
  readonly kind: 'Concat';
  readonly left: BoundExpr;
  readonly right: BoundExpr;
  readonly type: 'string';
}

/** Null if either side is null (SQL three-valued logic). */
export interface CompareExpr {
  readonly kind: 'Compare';
  readonly op: CompareOp;
  readonly left: BoundExpr;
  readonly right: BoundExpr;
  readonly type: 'boolean';
}

/** Flattened `and`/`or` with three-valued logic (false and null = false; true or null = true). */
export interface LogicExpr {
  readonly kind: 'Logic';
  readonly op: 'and' | 'or';
  readonly operands: readonly BoundExpr[];
  readonly type: 'boolean';
}

export interface InListExpr {
  readonly kind: 'InList';
  readonly operand: BoundExpr;
  readonly list: readonly BoundExpr[];
  readonly negated: boolean;
  readonly type: 'boolean';
}

/** `x between low and high` (inclusive both ends; Esper swaps the bounds if low > high; false, not null, when an operand is null). */
export interface RangeExpr {
  readonly kind: 'Range';
  readonly operand: BoundExpr;
  readonly low: BoundExpr;
  readonly high: BoundExpr;
  readonly negated: boolean;
  readonly type: 'boolean';
}

/** SQL LIKE: `%` any run, `_` one character, optional escape character. Whole-string match. */
export interface LikeMatchExpr {
  readonly kind: 'LikeMatch';
  readonly operand: BoundExpr;
  readonly pattern: BoundExpr;
  readonly escape: BoundExpr | undefined;
  readonly negated: boolean;
  readonly type: 'boolean';
}

/** Java regular expression matched against the whole string (Esper uses String.matches). */
export interface RegexMatchExpr {
  readonly kind: 'RegexMatch';
  readonly operand: BoundExpr;
  readonly pattern: BoundExpr;
  readonly negated: boolean;
  readonly type: 'boolean';
}

export interface NullTestExpr {
  readonly kind: 'NullTest';
  readonly operand: BoundExpr;
  /** true for `is not null`. */
  readonly negated: boolean;
  readonly type: 'boolean';
}

/** Searched case (operand undefined) or simple case (`case x when v then …`). Null when nothing matches and no else. */
export interface CaseWhenExpr {
  readonly kind: 'CaseWhen';
  readonly operand: BoundExpr | undefined;
  readonly whens: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[];
  readonly otherwise: BoundExpr | undefined;
  readonly type: EplType;
}

/** A scalar function from the function registry (abs, round, coalesce, lower, …). */
export interface FuncExpr {
  readonly kind: 'Func';
  readonly name: string;
  readonly args: readonly BoundExpr[];
  readonly type: EplType;
}

/** `cast(x, type)`: null stays null; an unconvertible string yields null. */
export interface ConvertExpr {
  readonly kind: 'Convert';
  readonly operand: BoundExpr;
  readonly type: EplType;
}

/** The current value of the statement's aggregate number `slot` (see plan AggregateCall). */
export interface AggRefExpr {
  readonly kind: 'AggRef';
  readonly slot: number;
  readonly type: EplType;
}

/**
 * `prev(n, expr)`: `expr` evaluated on the event `n` positions before the current one in
 * the data window's order (0 = the current event). Null when there is no such event.
 */
export interface PrevRefExpr {
  readonly kind: 'PrevRef';
  readonly index: BoundExpr;
  readonly of: BoundExpr;
  readonly type: EplType;
  /**
   * The prev family: undefined for `prev`; `tail` for `prevtail(n, expr)` (`expr` on the
   * event n positions after the oldest), `count` for `prevcount(expr)` (the events in the
   * window, or the row's group under #groupwin), `window` for `prevwindow(expr)` (`expr` on
   * every event, newest first).
   */
  readonly family?: 'tail' | 'count' | 'window';
}

/** `prior(n, expr)`: `expr` on the nth event before the current one in arrival order, regardless of window. */
export interface PriorRefExpr {
  readonly kind: 'PriorRef';
  readonly index: number;
  readonly of: BoundExpr;
  readonly type: EplType;
}

/** A variable's current value (`create variable`); read from the frame at evaluation time. */
export interface VarRefExpr {
  readonly kind: 'VarRef';
  readonly name: string;
  readonly type: EplType;
}

/**
 * `Table[keys].column`: a column of the table row with these primary-key values (null when
 * there is no such row); `column` undefined reads the whole row as an object.
 */
export interface TableRefExpr {
  readonly kind: 'TableRef';
  readonly table: string;
  readonly keys: readonly BoundExpr[];
  readonly column: string | undefined;
  readonly type: EplType;
}

/**
 * A property of the statement's context partition: `context.name`, `context.id`,
 * `context.key1`, `context.label`, `context.s.price` (the event that started it, under its
 * alias). `path` is read from the frame's context object, null-safe.
 */
export interface ContextPropExpr {
  readonly kind: 'ContextProp';
  readonly path: readonly string[];
  readonly type: EplType;
}

/** What a subquery answers: its value (a row when it selects several columns), or a test. */
export type SubqueryTest = 'value' | 'exists' | 'in' | 'not in' | 'any' | 'all';

/**
 * A subquery of the statement (`(select max(v) from B#length(5))`, `exists (…)`,
 * `x in (…)`, `x > all (…)`), answered by the statement's subquery `id` through the frame.
 * `params` are the outer expressions it reads (its correlation: `b.id = a.id` reads `a.id`),
 * evaluated on the outer row and seen inside the subquery as `$p[i]`; `operand` is the left
 * side of `in`, `any` and `all`, compared with `op` (`=` for `in`).
 */
export interface SubqueryRefExpr {
  readonly kind: 'Subquery';
  readonly id: number;
  readonly test: SubqueryTest;
  readonly op: CompareOp;
  readonly operand: BoundExpr | undefined;
  readonly params: readonly BoundExpr[];
  readonly type: EplType;
}
