/**
 * What a compiled expression reads besides its row: the evaluation frame. Every compiled
 * expression receives the frame it reads as an argument (`fn(row, frame)`); nothing is read
 * from a shared object behind its back.
 *
 * A frame belongs to one evaluation site. The operator that sets its values (an aggregation
 * setting `aggValues` before building a row, a pattern filter setting `tags`) owns its frame;
 * operators that only read share the statement's base frame. Nested evaluation (a subquery,
 * a table lookup, a statement instance of a context partition) builds frames of its own with
 * `createFrame`, so it can never overwrite a value an outer expression is about to read.
 * A new kind of value read by expressions (subquery results, context properties, variables)
 * is a new field here and in `Frame`, set by the operator owning the frame.
 */

/**
 * How expressions reach what is not their row: the window (prev), the prior buffer (prior),
 * and the engine's shared state (variables, tables) and the context partition's properties,
 * which every frame of a statement instance reads alike.
 */
export interface StreamAccess {
  /** The event `n` positions before `row` in the data window order, if any (prev). */
  prev(row: unknown, n: number): unknown;
  /** The nth event before `row` in arrival order, if any (prior). */
  prior(row: unknown, n: number): unknown;
  readonly variables?: Record<string, unknown>;
  readonly tables?: TableLookup;
  readonly context?: Record<string, unknown>;
  /** The statement's subqueries, by id (filled while the statement is built). */
  readonly subqueries?: readonly SubqueryEvaluator[];
}

/**
 * Answers one subquery for an outer row: `params` are the outer values it reads (its
 * correlation), `left` the operand of `in`/`any`/`all`.
 */
export type SubqueryEvaluator = (params: readonly unknown[], left: unknown) => unknown;

export interface EvalFrame extends StreamAccess {
  /** Current aggregate values by slot, set by the aggregation operator owning the frame. */
  aggValues: unknown[];
  /** Pattern tags bound so far (tag → event, or array of events for repeats), for TagProp. */
  tags?: Record<string, unknown>;
  /** The engine's variables (name → current value), for VarRef. */
  variables?: Record<string, unknown>;
  /** The engine's tables, for TableRef. */
  tables?: TableLookup;
  /** The context partition's properties (`name`, `id`, `key1`, `label`, start event by alias), for ContextProp. */
  context?: Record<string, unknown>;
  /** The statement's subqueries, for SubqueryRef. */
  subqueries?: readonly SubqueryEvaluator[];
}

/** Reads table rows by primary key (a single value, or an array of values for several key columns). */
export interface TableLookup {
  /** The column's current value in the row with `key`, or the whole row when `column` is undefined; null when no row. */
  read(table: string, key: unknown, column: string | undefined): unknown;
}

/** An expression compiled to JavaScript: evaluated per event, with no tree walk. */
export type CompiledExpr = (row: Record<string, unknown>, frame: EvalFrame) => unknown;

/** No window and no prior buffer: prev() and prior() find nothing. */
export const NO_STREAM_ACCESS: StreamAccess = {
  prev: () => undefined,
  prior: () => undefined,
};

const NO_VALUES: unknown[] = [];

/** One class for every frame the engine builds, so compiled code sees one object shape. */
class Frame implements EvalFrame {
  aggValues: unknown[] = NO_VALUES;
  tags: Record<string, unknown> | undefined = undefined;
  variables: Record<string, unknown> | undefined;
  tables: TableLookup | undefined;
  context: Record<string, unknown> | undefined;
  subqueries: readonly SubqueryEvaluator[] | undefined;

  constructor(private readonly access: StreamAccess) {
    this.variables = access.variables;
    this.tables = access.tables;
    this.context = access.context;
    this.subqueries = access.subqueries;
  }

  prev(row: unknown, n: number): unknown {
    return this.access.prev(row, n);
  }

  prior(row: unknown, n: number): unknown {
    return this.access.prior(row, n);
  }
}

/** A fresh frame for one evaluation site, reading other events through `access`. */
export function createFrame(access: StreamAccess = NO_STREAM_ACCESS): EvalFrame {
  return new Frame(access);
}
