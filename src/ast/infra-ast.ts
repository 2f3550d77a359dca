import type { Span } from '../common/span.js';
/**
 * Syntax of the statements that declare and change shared state (Esper's "infra"): named
 * windows, their indexes, tables, contexts, variables, and the `on` triggers that read and
 * change windows, tables and variables. Kept beside ast.ts (which holds the module union)
 * so that the select statement's syntax stays readable on its own.
 */
import type {
  Annotation,
  CrontabField,
  Expr,
  Identifier,
  InsertInto,
  LimitClause,
  OrderByItem,
  PatternExpr,
  SchemaProperty,
  SchemaPropertyType,
  SelectItem,
  StreamSelector,
  WindowSpec,
} from './ast.js';

/** What every statement-like item carries: annotations, an optional `context C` prefix, its text. */
export interface StatementHeader {
  readonly annotations: readonly Annotation[];
  /** `context Name …`: the statement runs once per partition of that context. */
  readonly context: Identifier | undefined;
  /** The statement's source text, for messages and `explain`. */
  readonly text: string;
  readonly span: Span;
}

/** `Name(filter, …) [as alias]`: a stream with a filter, as in a trigger or a context condition. */
export interface FilteredStream {
  readonly stream: Identifier;
  readonly filters: readonly Expr[];
  readonly alias: Identifier | undefined;
  readonly span: Span;
}

// ───────────────────────────── named windows ─────────────────────────────

/** Where a named window's columns come from. */
export type WindowModel =
  /** `as EventType`: the type's properties. */
  | { readonly kind: 'type'; readonly type: Identifier }
  /** `as (col type, …)`. */
  | { readonly kind: 'columns'; readonly columns: readonly SchemaProperty[] }
  /** `as select a, b as c from Type`: the listed properties of the type (`*` for all). */
  | { readonly kind: 'select'; readonly items: readonly SelectItem[]; readonly from: Identifier };

/** `create window W#win(…) as …` [`insert [where cond]`]. */
export interface CreateWindow extends StatementHeader {
  readonly kind: 'CreateWindow';
  readonly name: Identifier;
  readonly windows: readonly WindowSpec[];
  readonly model: WindowModel;
  /** `insert [where cond]`: fill from the model's type's events already in a named window. */
  readonly insertFrom: { readonly where: Expr | undefined } | undefined;
}

export type IndexColumnKind = 'hash' | 'btree';

/** `create [unique] index I on W(prop [hash|btree], …)`. */
export interface CreateIndex extends StatementHeader {
  readonly kind: 'CreateIndex';
  readonly unique: boolean;
  readonly name: Identifier;
  readonly window: Identifier;
  readonly columns: readonly {
    readonly property: Identifier;
    readonly indexKind: IndexColumnKind;
    readonly span: Span;
  }[];
}

// ───────────────────────────── tables ─────────────────────────────

/**
 * One table column: a plain typed column (`k string primary key`) or an aggregation column
 * (`cnt count(*)`, `vol sum(long)`, `w window(*) @type(Tick)`), whose call names the
 * aggregation and its argument type.
 */
export interface TableColumnDef {
  readonly name: Identifier;
  readonly type: SchemaPropertyType | undefined;
  readonly aggregate:
    | {
        readonly fn: Identifier;
        /** Argument type names as written (`long`, `double`), or empty for `*`. */
        readonly argTypes: readonly Identifier[];
        readonly star: boolean;
        readonly distinct: boolean;
        /** `@type(EventType)` for window/first/last/sorted columns of events. */
        readonly eventType: Identifier | undefined;
        readonly span: Span;
      }
    | undefined;
  readonly primaryKey: boolean;
  readonly span: Span;
}

/** `create table T (col …, …)`. */
export interface CreateTable extends StatementHeader {
  readonly kind: 'CreateTable';
  readonly name: Identifier;
  readonly columns: readonly TableColumnDef[];
}

// ───────────────────────────── contexts ─────────────────────────────

/** A condition that starts or ends a context partition. */
export type ContextCondition =
  /** `Type(filter) [as alias]`: the event that starts (or ends) a partition. */
  | { readonly kind: 'filter'; readonly filter: FilteredStream; readonly span: Span }
  /** `pattern [ … ] [@inclusive] [as alias]`. */
  | {
      readonly kind: 'pattern';
      readonly pattern: PatternExpr;
      readonly inclusive: boolean;
      readonly alias: Identifier | undefined;
      readonly span: Span;
    }
  /** `(minutes, hours, days, months, weekdays [, seconds])`, one or several. */
  | {
      readonly kind: 'crontab';
      readonly schedules: readonly (readonly CrontabField[])[];
      readonly span: Span;
    }
  /** `after <period>`. */
  | { readonly kind: 'after'; readonly period: Expr; readonly span: Span };

/** One `partition by a and b from Type(filter) [as alias]` item of a keyed context. */
export interface KeyedContextItem {
  readonly properties: readonly Expr[];
  readonly filter: FilteredStream;
  readonly span: Span;
}

export type ContextDetail =
  /** `partition by k from T, k2 from T2 [initiated by …] [terminated by …]`: one partition per key. */
  | {
      readonly kind: 'keyed';
      readonly items: readonly KeyedContextItem[];
      readonly initiatedBy: readonly FilteredStream[];
      readonly terminatedBy: ContextCondition | undefined;
      readonly span: Span;
    }
  /** `group by expr as label, … from T(filter)`: one partition per category. */
  | {
      readonly kind: 'category';
      readonly groups: readonly { readonly condition: Expr; readonly label: Identifier }[];
      readonly from: FilteredStream;
      readonly span: Span;
    }
  /** `initiated by [distinct(…)] [@now and] cond [terminated by cond]`: overlapping partitions. */
  | {
      readonly kind: 'initiated';
      readonly now: boolean;
      readonly distinct: readonly Expr[] | undefined;
      readonly start: ContextCondition;
      readonly end: ContextCondition | undefined;
      readonly span: Span;
    }
  /** `start (@now | cond) [end cond]`: one partition at a time. */
  | {
      readonly kind: 'start-end';
      readonly start: ContextCondition | 'now';
      readonly end: ContextCondition | undefined;
      readonly span: Span;
    }
  /** `context A as …, context B as …`: each partition of A is partitioned by B. */
  | {
      readonly kind: 'nested';
      readonly levels: readonly { readonly name: Identifier; readonly detail: ContextDetail }[];
      readonly span: Span;
    };

/** `create context C [as] …`. */
export interface CreateContext extends StatementHeader {
  readonly kind: 'CreateContext';
  readonly name: Identifier;
  readonly detail: ContextDetail;
}

// ───────────────────────────── variables ─────────────────────────────

/** `create [constant] variable type name [= expr]`. */
export interface CreateVariable extends StatementHeader {
  readonly kind: 'CreateVariable';
  readonly constant: boolean;
  readonly type: SchemaPropertyType;
  readonly name: Identifier;
  readonly initial: Expr | undefined;
}

// ───────────────────────────── on triggers ─────────────────────────────

/** `name = expr` in `set` lists (`on … set`, `on … update … set`, `then update set`). */
export interface Assignment {
  /** The assigned column or variable, optionally qualified by the target's alias (`w.price`). */
  readonly target: readonly Identifier[];
  readonly value: Expr;
  readonly span: Span;
}

/** `from W [as alias]`, `update W [as alias]`, `merge W [as alias]`: the window or table acted on. */
export interface InfraTarget {
  readonly name: Identifier;
  readonly alias: Identifier | undefined;
  readonly span: Span;
}

export type MergeAction =
  | {
      readonly kind: 'update';
      readonly assignments: readonly Assignment[];
      readonly where: Expr | undefined;
      readonly span: Span;
    }
  | { readonly kind: 'delete'; readonly where: Expr | undefined; readonly span: Span }
  | {
      readonly kind: 'insert';
      /** `insert into Stream …`: route the row to a stream instead of the merged window. */
      readonly into: Identifier | undefined;
      readonly columns: readonly Identifier[];
      readonly selectList: readonly SelectItem[];
      readonly where: Expr | undefined;
      readonly span: Span;
    };

/** `when [not] matched [and cond] then action [then action …]`. */
export interface MergeClause {
  readonly matched: boolean;
  readonly condition: Expr | undefined;
  readonly actions: readonly MergeAction[];
  readonly span: Span;
}

export type OnAction =
  /** `[insert into S] select … [from W [as w]] [where …] …`: a query against the window per trigger. */
  | {
      readonly kind: 'select';
      readonly insertInto: InsertInto | undefined;
      readonly selector: StreamSelector | undefined;
      /** `select and delete`: the selected rows are also deleted from the window. */
      readonly andDelete: boolean;
      readonly distinct: boolean;
      readonly selectList: readonly SelectItem[];
      readonly from: InfraTarget | undefined;
      readonly where: Expr | undefined;
      readonly groupBy: readonly Expr[];
      readonly having: Expr | undefined;
      readonly orderBy: readonly OrderByItem[];
      readonly limit: LimitClause | undefined;
      readonly span: Span;
    }
  | {
      readonly kind: 'delete';
      readonly from: InfraTarget;
      readonly where: Expr | undefined;
      readonly span: Span;
    }
  | {
      readonly kind: 'update';
      readonly target: InfraTarget;
      readonly assignments: readonly Assignment[];
      readonly where: Expr | undefined;
      readonly span: Span;
    }
  | {
      readonly kind: 'merge';
      readonly target: InfraTarget;
      readonly where: Expr | undefined;
      readonly clauses: readonly MergeClause[];
      readonly span: Span;
    }
  | { readonly kind: 'set'; readonly assignments: readonly Assignment[]; readonly span: Span };

/** What fires an `on` statement: each event of a filtered stream, or each pattern match. */
export type OnTriggerSource =
  | { readonly kind: 'stream'; readonly filter: FilteredStream }
  | {
      readonly kind: 'pattern';
      readonly pattern: PatternExpr;
      readonly alias: Identifier | undefined;
      readonly span: Span;
    };

/** `on Trigger … select|delete|update|merge|set …`. */
export interface OnTrigger extends StatementHeader {
  readonly kind: 'OnTrigger';
  readonly trigger: OnTriggerSource;
  readonly action: OnAction;
}

/** The items of this file, as module items. */
export type InfraItem = CreateWindow | CreateIndex | CreateTable | CreateContext | CreateVariable | OnTrigger;
