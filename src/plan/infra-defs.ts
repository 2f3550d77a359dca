/**
 * Compile-time definitions of the state statements share (Esper's "infra"): variables,
 * named windows and their indexes, tables, contexts. The analyzer builds them from the
 * create statements; later statements (of the same deployment or later ones) resolve names
 * against them; the runtime creates one live object per definition.
 */
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { PatternPlan } from '../patterns/pattern-plan.js';
import type { WindowDef } from '../windows/window-def.js';
import type { LookupPlan } from './lookup-plan.js';
import type { CrontabSchedule } from './output-limit.js';

/** Columns of rows, in order (the same shape as logical-plan's PlanSchema; no import, no cycle). */
export type InfraSchema = readonly { readonly name: string; readonly type: EplType }[];

/** A data window stage (logical-plan's WindowStage, structurally). */
export interface InfraWindowStage {
  readonly def: WindowDef;
  readonly params: unknown;
  readonly text: string;
}

/** `create [constant] variable type name [= value]`. */
export interface VariableDef {
  readonly name: string;
  readonly type: EplType;
  readonly constant: boolean;
  /** The initial value (the initializer is a constant expression), null without one. */
  readonly initial: string | number | boolean | null;
}

/** `create window W#win as …`: a data window statements insert into, read and change. */
export interface NamedWindowDef {
  readonly name: string;
  /** The window's columns, in declaration order: its rows hold exactly these. */
  readonly schema: InfraSchema;
  readonly windows: readonly InfraWindowStage[];
  /** Properties no two rows share (a `#unique(k)` window's keys): an index on them is unique. */
  readonly uniqueKeys: readonly string[] | undefined;
  /** Whether its window posts batches (length_batch, time_batch…), which changes what its indexes hold. */
  readonly batching: boolean;
}

import type { IndexDef } from './lookup-plan.js';

export type { IndexDef, IndexKind } from './lookup-plan.js';

/** A table column: a key or plain value, or an aggregation maintained by `into table`. */
export interface TableColumnDef {
  readonly name: string;
  readonly type: EplType;
  readonly primaryKey: boolean;
  readonly aggregate:
    | {
        /** Registry name, lower case (`count`, `sum`, `maxever`…). */
        readonly fn: string;
        readonly distinct: boolean;
        /** The argument's declared type (undefined for `count(*)`/`window(*)`). */
        readonly argType: EplType | undefined;
        /** As written, for explain: `sum(long)`. */
        readonly text: string;
      }
    | undefined;
}

/** `create table T (…)`. */
export interface TableDef {
  readonly name: string;
  readonly columns: readonly TableColumnDef[];
  /** Primary-key columns, in declaration order (empty: a single-row table). */
  readonly keys: readonly string[];
}

/** `into table T select …`: which aggregation slot of the statement writes which column of T. */
export interface IntoTablePlan {
  readonly table: string;
  readonly columns: readonly { readonly slot: number; readonly column: string }[];
}

/** A stream with a filter, as a context condition or a keyed context reads it. */
export interface ContextFilter {
  readonly stream: string;
  readonly filter: BoundExpr | undefined;
  /** The name `context.<alias>` gives the matching event. */
  readonly alias: string | undefined;
}

/** What starts or ends a context partition. */
export type ContextConditionDef =
  | { readonly kind: 'filter'; readonly filter: ContextFilter }
  | {
      readonly kind: 'pattern';
      /** Its tags include the start condition's (an end pattern reads them), set when it starts. */
      readonly pattern: PatternPlan;
      readonly streams: readonly string[];
      /** The tags the pattern itself names, in pattern order: `context.<tag>` reads the single ones. */
      readonly ownTags: readonly string[];
      /** `@inclusive`: the tagged events of the starting match also count for the new partition's statements. */
      readonly inclusive: boolean;
      readonly alias: string | undefined;
      readonly text: string;
    }
  /**
   * Crontab schedules `(minutes, hours, days of month, months, days of week [, seconds])`:
   * the condition fires at the earliest next occurrence of any of them (UTC).
   */
  | { readonly kind: 'crontab'; readonly schedules: readonly CrontabSchedule[]; readonly text: string }
  | { readonly kind: 'after'; readonly ms: number };

export type ContextKind =
  | {
      readonly kind: 'keyed';
      readonly items: readonly {
        readonly filter: ContextFilter;
        /** Key properties of this stream, in order (`key1`, `key2`…). */
        readonly keys: readonly BoundExpr[];
      }[];
      readonly keyTypes: readonly EplType[];
      readonly initiatedBy: readonly ContextFilter[];
      readonly terminatedBy: ContextConditionDef | undefined;
    }
  | {
      readonly kind: 'category';
      readonly stream: string;
      readonly filter: BoundExpr | undefined;
      readonly categories: readonly { readonly label: string; readonly condition: BoundExpr }[];
    }
  | {
      readonly kind: 'initiated';
      readonly now: boolean;
      readonly distinct: readonly BoundExpr[] | undefined;
      readonly start: ContextConditionDef;
      readonly end: ContextConditionDef | undefined;
    }
  | {
      readonly kind: 'start-end';
      readonly start: ContextConditionDef | 'now';
      readonly end: ContextConditionDef | undefined;
    };

/**
 * The type of a context property: a value's, or an event's (its properties by name), or a
 * named pattern match's (`pattern […] as p`: its tags' events by tag).
 */
export type ContextPropertyType = EplType | ReadonlyMap<string, ContextPropertyType>;

/** `create context C …`. */
export interface ContextDef {
  readonly name: string;
  /** One level, or several for a nested context (outermost first). */
  readonly levels: readonly { readonly name: string; readonly detail: ContextKind }[];
  /** The properties `context.<name>` reads in statements of this context, with their types. */
  readonly properties: ReadonlyMap<string, ContextPropertyType>;
}

/** What a create statement defines; a window and a variable also post their changes to the statement's listeners. */
export type InfraDefinition =
  | { readonly kind: 'window'; readonly def: NamedWindowDef }
  | { readonly kind: 'index'; readonly def: IndexDef }
  | { readonly kind: 'table'; readonly def: TableDef }
  | { readonly kind: 'context'; readonly def: ContextDef }
  | { readonly kind: 'variable'; readonly def: VariableDef };

/**
 * What fires an `on` statement. Expressions of the action read a combined row: the trigger
 * event under `alias` (a pattern match's tags under their names) and the window or table
 * row under the target's alias.
 */
export type TriggerPlan =
  | {
      readonly kind: 'stream';
      readonly stream: string;
      readonly filter: BoundExpr | undefined;
      readonly alias: string;
    }
  | {
      readonly kind: 'pattern';
      readonly pattern: PatternPlan;
      readonly streams: readonly string[];
      readonly text: string;
      /** The match row's alias (`on pattern […] as m`), or undefined (tags are read by name). */
      readonly alias: string | undefined;
    };

/** The window or table an `on` action reads or changes, and the name its rows have in expressions. */
export interface OnTarget {
  readonly kind: 'window' | 'table';
  readonly name: string;
  readonly alias: string;
  readonly lookup: LookupPlan;
}

/** `set col = expr`: written on a copy of the row, in order (later ones read earlier ones' values). */
export interface ColumnAssignment {
  readonly column: string;
  readonly value: BoundExpr;
}

export type MergeActionPlan =
  | {
      readonly kind: 'update';
      readonly assignments: readonly ColumnAssignment[];
      readonly where: BoundExpr | undefined;
    }
  | { readonly kind: 'delete'; readonly where: BoundExpr | undefined }
  | {
      readonly kind: 'insert';
      /** undefined: into the merged window or table; else the stream the row is routed to. */
      readonly into: string | undefined;
      readonly columns: readonly {
        readonly name: string;
        readonly expr: BoundExpr;
        readonly type: EplType;
      }[];
      readonly where: BoundExpr | undefined;
    };

export interface MergeClausePlan {
  readonly matched: boolean;
  readonly condition: BoundExpr | undefined;
  readonly actions: readonly MergeActionPlan[];
}

export type OnActionPlan =
  /** Posts the join rows (trigger, each matching row) to the select processing; `andDelete` removes them after. */
  | { readonly kind: 'select'; readonly target: OnTarget; readonly andDelete: boolean }
  | { readonly kind: 'delete'; readonly target: OnTarget }
  | { readonly kind: 'update'; readonly target: OnTarget; readonly assignments: readonly ColumnAssignment[] }
  | { readonly kind: 'merge'; readonly target: OnTarget; readonly clauses: readonly MergeClausePlan[] }
  | {
      readonly kind: 'set';
      readonly assignments: readonly { readonly variable: string; readonly value: BoundExpr }[];
    };
