/**
 * The EPL abstract syntax tree: what the user wrote, with source spans, before any
 * name resolution or typing. AST kinds describe syntax; the logical plan (src/plan)
 * describes operations and never reuses these kind strings.
 */
import type { Span } from '../common/span.js';

export interface Identifier {
  readonly name: string;
  readonly span: Span;
}

export type SchemaPropertyType = 'string' | 'int' | 'long' | 'double' | 'boolean';

export interface SchemaProperty {
  readonly name: Identifier;
  readonly type: SchemaPropertyType;
  readonly span: Span;
}

/**
 * `create schema Name (prop type, …) [timestamp prop] [open]`.
 * `timestamp prop` names the long property holding the event time; without it the
 * event time comes from the event envelope (`ts`) or the CLI's `--time-field`.
 * `open` lets events carry properties the schema does not declare (read as type any).
 */
export interface CreateSchema {
  readonly kind: 'CreateSchema';
  readonly name: Identifier;
  readonly properties: readonly SchemaProperty[];
  readonly timestampProperty: Identifier | undefined;
  readonly open: boolean;
  readonly span: Span;
}

export type StreamSelector = 'istream' | 'rstream' | 'irstream';

/** `@name('x')` and other annotations. */
export interface Annotation {
  readonly name: Identifier;
  readonly value: Literal | undefined;
  readonly span: Span;
}

export interface InsertInto {
  readonly selector: StreamSelector;
  readonly target: Identifier;
  readonly span: Span;
}

export interface SelectStatement {
  readonly kind: 'Select';
  readonly annotations: readonly Annotation[];
  /** `context Name select …`: one statement instance per partition of that context. */
  readonly context: Identifier | undefined;
  /** `into table T select …`: the aggregations update table T's columns. */
  readonly intoTable: Identifier | undefined;
  readonly insertInto: InsertInto | undefined;
  /** undefined when the user wrote no keyword (Esper's default is istream). */
  readonly selector: StreamSelector | undefined;
  readonly distinct: boolean;
  readonly selectList: readonly SelectItem[];
  readonly from: readonly FromItem[];
  /** `[inner | left outer | …] join Stream on cond` after the first from item, in order. */
  readonly joins: readonly JoinClause[];
  readonly where: Expr | undefined;
  readonly groupBy: readonly Expr[];
  readonly having: Expr | undefined;
  /** `output …`: output rate limiting (after having, before order by). */
  readonly output: OutputClause | undefined;
  readonly orderBy: readonly OrderByItem[];
  readonly limit: LimitClause | undefined;
  /** The statement's source text, for messages and `explain`. */
  readonly text: string;
  readonly span: Span;
}

export type SelectItem =
  | { readonly kind: 'SelectWildcard'; readonly span: Span }
  | { readonly kind: 'SelectStreamWildcard'; readonly stream: Identifier; readonly span: Span }
  | {
      readonly kind: 'SelectExpr';
      readonly expr: Expr;
      readonly alias: Identifier | undefined;
      readonly span: Span;
    };

/** `join B on cond`: the stream goes to `from`; the condition and the kind stay here. */
export interface JoinClause {
  readonly kind: 'inner' | 'left' | 'right' | 'full';
  readonly on: Expr;
  readonly span: Span;
}

/** What an output-limited statement posts when its condition fires (Esper's display limit). */
export type OutputLimitType = 'default' | 'all' | 'first' | 'last' | 'snapshot';

/** When an output-limited statement posts. */
export type OutputRate =
  | { readonly kind: 'events'; readonly count: Expr }
  | { readonly kind: 'time'; readonly period: Expr }
  | { readonly kind: 'crontab'; readonly fields: readonly CrontabField[] }
  | { readonly kind: 'when'; readonly condition: Expr }
  | { readonly kind: 'terminated' };

/**
 * One field of a crontab schedule (`at (*, *, *, *, *, *\/4)`): `*`, a value, a range
 * `a:b`, a frequency `*\/n` or `a:b/n`, or a list `[…]` of those.
 */
export type CrontabField =
  | { readonly kind: 'any'; readonly span: Span }
  | { readonly kind: 'value'; readonly value: Expr; readonly span: Span }
  | { readonly kind: 'range'; readonly low: Expr; readonly high: Expr; readonly span: Span }
  | { readonly kind: 'frequency'; readonly range: CrontabField; readonly step: Expr; readonly span: Span }
  | { readonly kind: 'list'; readonly items: readonly CrontabField[]; readonly span: Span };

/**
 * `output [after <period | n events>] [all | first | last | snapshot] [every <n events |
 * period> | at (crontab) | when <expr> | when terminated] [and when terminated]`.
 * `rate` undefined: `output after …` alone.
 */
export interface OutputClause {
  readonly type: OutputLimitType;
  readonly rate: OutputRate | undefined;
  readonly after:
    | { readonly kind: 'events'; readonly count: Expr }
    | { readonly kind: 'time'; readonly period: Expr }
    | undefined;
  readonly andWhenTerminated: boolean;
  readonly span: Span;
}

export interface OrderByItem {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly span: Span;
}

export interface LimitClause {
  readonly count: Expr;
  readonly offset: Expr | undefined;
  readonly span: Span;
}

// ───────────────────────────── from ─────────────────────────────

export type FromItem = StreamSource | PatternSource;

/** `Stream(filter, …)#win(…)#win(…) [match_recognize (…)] [as alias]` */
export interface StreamSource {
  readonly kind: 'StreamSource';
  readonly stream: Identifier;
  /** Filter expressions inside `Stream(…)`: applied before any window, conjunctive. */
  readonly filters: readonly Expr[];
  readonly windows: readonly WindowSpec[];
  readonly matchRecognize: MatchRecognize | undefined;
  readonly alias: Identifier | undefined;
  /** `unidirectional`: in a join, only this stream's arrivals trigger the join. */
  readonly unidirectional: boolean;
  /** `retain-union` / `retain-intersection` after several windows (default: intersection). */
  readonly retain: 'union' | 'intersection' | undefined;
  readonly span: Span;
}

/** `#name(args)` or Esper's older `.win:name(args)`; the grammar stays generic, the registry validates. */
export interface WindowSpec {
  readonly name: Identifier;
  readonly args: readonly WindowArg[];
  readonly span: Span;
}

/** A window argument: an expression, or an expression with a sort direction (`#sort(3, price desc)`). */
export type WindowArg =
  | Expr
  | { readonly kind: 'SortedArg'; readonly expr: Expr; readonly descending: boolean; readonly span: Span };

export interface PatternSource {
  readonly kind: 'PatternSource';
  readonly pattern: PatternExpr;
  readonly alias: Identifier | undefined;
  readonly span: Span;
}

// ───────────────────────────── expressions ─────────────────────────────

export type Expr =
  | Literal
  | TimePeriod
  | PropertyRef
  | UnaryExpr
  | BinaryExpr
  | InExpr
  | BetweenExpr
  | LikeExpr
  | RegexpExpr
  | IsNullExpr
  | CaseExpr
  | CallExpr
  | CastExpr
  | TableAccessExpr
  | SubqueryExpr
  | ExistsExpr
  | InSubqueryExpr
  | QuantifiedExpr;

export type LiteralType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'null';

export interface Literal {
  readonly kind: 'Literal';
  readonly value: string | number | boolean | null;
  readonly literalType: LiteralType;
  /** As written, e.g. `0L`, `1.50`, `'it''s'`. */
  readonly text: string;
  readonly span: Span;
}

export type TimeUnit =
  | 'year'
  | 'month'
  | 'week'
  | 'day'
  | 'hour'
  | 'minute'
  | 'second'
  | 'millisecond'
  | 'microsecond';

/** `1 min 30 sec`, `500 msec`, `2.5 hours`. Each part's value is a number literal or a property. */
export interface TimePeriod {
  readonly kind: 'TimePeriod';
  readonly parts: readonly { readonly value: Expr; readonly unit: TimeUnit }[];
  readonly span: Span;
}

/** One dotted segment of a property path, optionally indexed: `a[0]`. */
export interface PathSegment {
  readonly name: string;
  readonly index: number | undefined;
  readonly span: Span;
}

/** `price`, `a.user`, `a[0].v`, `s.*` is not an expression (see SelectStreamWildcard). */
export interface PropertyRef {
  readonly kind: 'PropertyRef';
  readonly path: readonly PathSegment[];
  readonly span: Span;
}

export interface UnaryExpr {
  readonly kind: 'Unary';
  readonly op: '-' | '+' | 'not';
  readonly operand: Expr;
  readonly span: Span;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'and'
  | 'or';

export interface BinaryExpr {
  readonly kind: 'Binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  /** The operator as written (`<>` and `!=` both map to '!='), for error messages. */
  readonly opText: string;
  readonly span: Span;
}

export interface InExpr {
  readonly kind: 'In';
  readonly operand: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
  readonly span: Span;
}

export interface BetweenExpr {
  readonly kind: 'Between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
  readonly span: Span;
}

export interface LikeExpr {
  readonly kind: 'Like';
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape: Expr | undefined;
  readonly negated: boolean;
  readonly span: Span;
}

export interface RegexpExpr {
  readonly kind: 'Regexp';
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly negated: boolean;
  readonly span: Span;
}

export interface IsNullExpr {
  readonly kind: 'IsNull';
  readonly operand: Expr;
  readonly negated: boolean;
  readonly span: Span;
}

/** `case when c then v … else e end` (operand undefined) or `case x when v then r … end`. */
export interface CaseExpr {
  readonly kind: 'Case';
  readonly operand: Expr | undefined;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly otherwise: Expr | undefined;
  readonly span: Span;
}

/**
 * Any call: scalar functions (abs, coalesce…), aggregates (sum, count…), prev/prior,
 * window(*). The analyzer resolves the name against the registries.
 * `count(*)` and `window(*)` have `star` set and no args.
 */
export interface CallExpr {
  readonly kind: 'Call';
  readonly name: Identifier;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly star: boolean;
  readonly span: Span;
}

/**
 * `Table[key, …].column` (or `Table[key]` for the whole row): a table row looked up by its
 * primary key. `Name[0]` with a single number is parsed as an indexed property (pattern
 * repeats) and resolved to a table access by the analyzer when `Name` is a table.
 */
export interface TableAccessExpr {
  readonly kind: 'TableAccess';
  readonly table: Identifier;
  readonly keys: readonly Expr[];
  readonly column: Identifier | undefined;
  readonly span: Span;
}

/** `cast(expr, type)` or `cast(expr as type)`. */
export interface CastExpr {
  readonly kind: 'Cast';
  readonly operand: Expr;
  readonly targetType: SchemaPropertyType;
  readonly span: Span;
}

/**
 * A subquery: `select … from Stream[(filter)]#win… [as alias] [where …] [group by …] [having …]`,
 * one stream, evaluated against that stream's own data window.
 */
export interface Subquery {
  readonly distinct: boolean;
  readonly selectList: readonly SelectItem[];
  readonly from: StreamSource;
  readonly where: Expr | undefined;
  readonly groupBy: readonly Expr[];
  readonly having: Expr | undefined;
  /** 1-based, in order of appearance in the statement: Esper names an unaliased one `subselect_<n>`. */
  readonly number: number;
  readonly span: Span;
}

/** `(select …)`: a value (one column) or a row (several columns). */
export interface SubqueryExpr {
  readonly kind: 'Subquery';
  readonly query: Subquery;
  readonly span: Span;
}

/** `exists (select …)`. */
export interface ExistsExpr {
  readonly kind: 'Exists';
  readonly query: Subquery;
  readonly span: Span;
}

/** `x [not] in (select …)`. */
export interface InSubqueryExpr {
  readonly kind: 'InSubquery';
  readonly operand: Expr;
  readonly query: Subquery;
  readonly negated: boolean;
  readonly span: Span;
}

/** `x > any (select …)`, `x = all (select …)`, `x < any (a, b)`; `some` is `any`. */
export interface QuantifiedExpr {
  readonly kind: 'Quantified';
  readonly op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  readonly quantifier: 'any' | 'all';
  readonly operand: Expr;
  /** The subquery, or undefined for a list of values. */
  readonly query: Subquery | undefined;
  readonly list: readonly Expr[];
  readonly span: Span;
}

// ───────────────────────────── patterns ─────────────────────────────

export type PatternExpr =
  | PatternFilter
  | PatternEvery
  | PatternEveryDistinct
  | PatternFollowedBy
  | PatternAnd
  | PatternOr
  | PatternNot
  | PatternRepeat
  | PatternGuard
  | PatternObserver;

/** `tag=Type(filter, …)` or `Type(filter, …)`. */
export interface PatternFilter {
  readonly kind: 'PatternFilter';
  readonly tag: Identifier | undefined;
  readonly stream: Identifier;
  readonly filters: readonly Expr[];
  readonly span: Span;
}

export interface PatternEvery {
  readonly kind: 'PatternEvery';
  readonly child: PatternExpr;
  readonly span: Span;
}

/** `every-distinct(expr, … [, period]) child` */
export interface PatternEveryDistinct {
  readonly kind: 'PatternEveryDistinct';
  readonly keys: readonly Expr[];
  readonly period: Expr | undefined;
  readonly child: PatternExpr;
  readonly span: Span;
}

/** `a -> b -> c` (flattened, at least two children). */
export interface PatternFollowedBy {
  readonly kind: 'PatternFollowedBy';
  readonly children: readonly PatternExpr[];
  readonly span: Span;
}

export interface PatternAnd {
  readonly kind: 'PatternAnd';
  readonly children: readonly PatternExpr[];
  readonly span: Span;
}

export interface PatternOr {
  readonly kind: 'PatternOr';
  readonly children: readonly PatternExpr[];
  readonly span: Span;
}

export interface PatternNot {
  readonly kind: 'PatternNot';
  readonly child: PatternExpr;
  readonly span: Span;
}

/**
 * `[n] child`, `[n:m] child`, `[n:] child`, `[:m] child`, optionally `… until stop`,
 * and plain `child until stop` (min 0, max unbounded).
 */
export interface PatternRepeat {
  readonly kind: 'PatternRepeat';
  readonly min: Expr | undefined;
  readonly max: Expr | undefined;
  /** true for `[n]` (exactly n), false for ranges. */
  readonly exact: boolean;
  readonly child: PatternExpr;
  readonly until: PatternExpr | undefined;
  readonly span: Span;
}

/** `child where timer:within(p)`, `timer:withinmax(p, n)`, `child while (expr)`. */
export interface PatternGuard {
  readonly kind: 'PatternGuard';
  readonly child: PatternExpr;
  readonly guard: 'within' | 'withinmax' | 'while';
  readonly args: readonly Expr[];
  readonly span: Span;
}

/** `timer:interval(p)`, `timer:at(minutes, hours, days, months, weekdays [, seconds])`. */
export interface PatternObserver {
  readonly kind: 'PatternObserver';
  readonly observer: 'interval' | 'at';
  readonly args: readonly Expr[];
  readonly span: Span;
}

// ───────────────────────────── match_recognize ─────────────────────────────

export type SkipStrategy = 'past-last-row' | 'to-next-row' | 'to-current-row';

export interface MatchRecognize {
  readonly partitionBy: readonly Expr[];
  readonly measures: readonly { readonly expr: Expr; readonly alias: Identifier; readonly span: Span }[];
  readonly allMatches: boolean;
  readonly skip: SkipStrategy;
  readonly pattern: RowPattern;
  readonly interval: { readonly period: Expr; readonly orTerminated: boolean } | undefined;
  readonly defines: readonly {
    readonly variable: Identifier;
    readonly condition: Expr;
    readonly span: Span;
  }[];
  readonly span: Span;
}

/**
 * A row-pattern quantifier as Esper's grammar reads it: an optional operator (`*`, `+`, `?`,
 * each with an optional reluctant `?`), then an optional repeat `{n}`, `{n,}`, `{,m}`,
 * `{n,m}` (`A{2,3}`, `A+{2}`). Repeat bounds keep their literal text: validating them
 * (integers from 1, lower <= upper) is the analyzer's job.
 */
export interface Quantifier {
  readonly op: '*' | '+' | '?' | undefined;
  readonly reluctant: boolean;
  readonly repeat: RepeatBounds | undefined;
  readonly span: Span;
}

export interface RepeatBounds {
  /** `{n}`: exactly n (lower holds n). */
  readonly single: boolean;
  readonly lower: { readonly text: string; readonly span: Span } | undefined;
  readonly upper: { readonly text: string; readonly span: Span } | undefined;
  readonly span: Span;
}

export type RowPattern =
  | {
      readonly kind: 'RowVar';
      readonly name: Identifier;
      readonly quantifier: Quantifier | undefined;
      readonly span: Span;
    }
  | { readonly kind: 'RowConcat'; readonly items: readonly RowPattern[]; readonly span: Span }
  | { readonly kind: 'RowAlt'; readonly alternatives: readonly RowPattern[]; readonly span: Span }
  | {
      readonly kind: 'RowGroup';
      readonly child: RowPattern;
      readonly quantifier: Quantifier | undefined;
      readonly span: Span;
    };
