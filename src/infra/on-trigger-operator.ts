/**
 * `on Trigger …` at runtime: for each trigger event, find the target's matching rows (index
 * lookup or scan, then the whole where clause) and act, as Esper's OnExprView* classes do.
 * - select: posts one join row (trigger, match) per match to the select processing, which
 *   aggregates afresh per trigger (and posts a row for all even without matches); `and
 *   delete` then deletes the matches.
 * - delete: deletes the matches; the statement posts them as new rows.
 * - update: replaces each match by a copy with the assignments applied in order (each sees
 *   the copy so far; `initial.col` reads the row before the update); posts copies as new and
 *   originals as old.
 * - merge: without matches, the first `when not matched` clause whose condition holds runs
 *   its inserts; otherwise, per match, the first `when matched` clause whose condition holds
 *   runs each of its actions whose own where holds. All changes go to the window as one step.
 * - set: assigns the variables in order (each sees the earlier ones) and posts their values.
 * Expressions read a combined row: the trigger under its alias, the row under the target's.
 */
import type { Row } from '../common/row.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';
import type { Operator } from '../operators/operator.js';
import type { RangeBounds } from './row-index.js';

/** Finds rows by the values of hash columns and ranges of btree columns (an index). */
export interface RowLookup {
  lookup(keys: readonly unknown[], ranges: readonly RangeBounds[]): Row[];
}

/** The rows an action reads and changes: a named window or a table. */
export interface InfraTarget {
  /** Every row (a scan); a batch window: its current batch. */
  contents(): Row[];
  /** The index an index lookup uses (a window's: created on first use; a table's: its primary key). */
  index(def: {
    readonly name: string;
    readonly hash: readonly string[];
    readonly btree: readonly string[];
  }): RowLookup;
  /** Inserted/updated rows and deleted/replaced rows, as one change. */
  change(newRows: readonly Row[], oldRows: readonly Row[]): void;
  /** A row holding exactly the target's columns. */
  normalize(row: Row): Row;
}

type Fn = CompiledExpr;

export type CompiledRange =
  | { readonly kind: 'relop'; readonly op: '<' | '<=' | '>' | '>='; readonly value: Fn }
  | {
      readonly kind: 'range';
      readonly low: Fn;
      readonly lowInclusive: boolean;
      readonly high: Fn;
      readonly highInclusive: boolean;
      readonly allowReverse: boolean;
    };

export interface CompiledLookup {
  readonly index:
    | { readonly name: string; readonly hash: readonly string[]; readonly btree: readonly string[] }
    | undefined;
  readonly hashKeys: readonly Fn[];
  readonly ranges: readonly CompiledRange[];
  readonly filter: ((row: Row, frame: EvalFrame) => boolean) | undefined;
}

export interface CompiledAssignment {
  readonly column: string;
  readonly value: Fn;
}

export type CompiledMergeAction =
  | {
      readonly kind: 'update';
      readonly assignments: readonly CompiledAssignment[];
      readonly where: Fn | undefined;
    }
  | { readonly kind: 'delete'; readonly where: Fn | undefined }
  | {
      readonly kind: 'insert';
      readonly into: string | undefined;
      readonly columns: readonly { readonly name: string; readonly value: Fn }[];
      readonly where: Fn | undefined;
    };

export interface CompiledMergeClause {
  readonly matched: boolean;
  readonly condition: Fn | undefined;
  readonly actions: readonly CompiledMergeAction[];
}

export type CompiledAction =
  | { readonly kind: 'select'; readonly andDelete: boolean }
  | { readonly kind: 'delete' }
  | { readonly kind: 'update'; readonly assignments: readonly CompiledAssignment[] }
  | { readonly kind: 'merge'; readonly clauses: readonly CompiledMergeClause[] }
  | {
      readonly kind: 'set';
      readonly assignments: readonly { readonly variable: string; readonly value: Fn }[];
    };

export interface OnTriggerServices {
  readonly frame: EvalFrame;
  /** Routes rows a merge inserts `into` another stream. */
  insert(stream: string, rows: Row[]): void;
  /** Writes a variable (`set`). */
  writeVariable(name: string, value: unknown): void;
}

function holds(fn: Fn | undefined, row: Row, frame: EvalFrame): boolean {
  return fn === undefined || fn(row, frame) === true;
}

export class OnTriggerOperator implements Operator {
  constructor(
    /** Where the trigger is in the combined row; undefined: the trigger row is the combined row (pattern matches). */
    private readonly triggerAlias: string | undefined,
    private readonly target:
      | { readonly runtime: InfraTarget; readonly alias: string; readonly lookup: CompiledLookup }
      | undefined,
    private readonly action: CompiledAction,
    private readonly services: OnTriggerServices,
    private readonly next: Operator,
  ) {}

  onUpdate(inserted: Row[] | null): void {
    if (inserted === null) return;
    for (const trigger of inserted) this.fire(trigger);
  }

  private combined(trigger: Row): Row {
    return this.triggerAlias === undefined ? { ...trigger } : { [this.triggerAlias]: trigger };
  }

  private fire(trigger: Row): void {
    const action = this.action;
    const frame = this.services.frame;
    if (action.kind === 'set') {
      const row = this.combined(trigger);
      const values: Row = {};
      for (const a of action.assignments) {
        const value = a.value(row, frame);
        this.services.writeVariable(a.variable, value);
        values[a.variable] = value;
      }
      this.next.onUpdate([values], null);
      return;
    }
    const target = this.target;
    if (target === undefined) throw new Error(`on-${action.kind} without a target`);
    const base = this.combined(trigger);
    const matches = this.lookup(base, target);
    switch (action.kind) {
      case 'select': {
        const rows = matches.map((m) => ({ ...base, [target.alias]: m }));
        this.next.onUpdate(rows, null);
        if (action.andDelete && matches.length > 0) target.runtime.change([], matches);
        return;
      }
      case 'delete':
        if (matches.length === 0) return;
        target.runtime.change([], matches);
        this.next.onUpdate(matches, null);
        return;
      case 'update': {
        if (matches.length === 0) return;
        const copies = matches.map((m) => this.updated(m, base, target.alias, action.assignments));
        target.runtime.change(copies, matches);
        this.next.onUpdate(copies, matches);
        return;
      }
      case 'merge':
        this.merge(base, matches, target, action.clauses);
        return;
    }
  }

  /** Candidates from the index (or every row), then the whole where clause. */
  private lookup(
    base: Row,
    target: { readonly runtime: InfraTarget; readonly alias: string; readonly lookup: CompiledLookup },
  ): Row[] {
    const { lookup, alias, runtime } = target;
    const frame = this.services.frame;
    let candidates: Row[];
    if (lookup.index === undefined) candidates = runtime.contents();
    else {
      const keys = lookup.hashKeys.map((k) => k(base, frame));
      const ranges: RangeBounds[] = lookup.ranges.map((r) =>
        r.kind === 'relop'
          ? { kind: 'relop', op: r.op, value: r.value(base, frame) }
          : {
              kind: 'range',
              low: r.low(base, frame),
              lowInclusive: r.lowInclusive,
              high: r.high(base, frame),
              highInclusive: r.highInclusive,
              allowReverse: r.allowReverse,
            },
      );
      candidates = runtime.index(lookup.index).lookup(keys, ranges);
    }
    const filter = lookup.filter;
    if (filter === undefined) return candidates.slice();
    const probe: Row = { ...base };
    const matches: Row[] = [];
    for (const row of candidates) {
      probe[alias] = row;
      if (filter(probe, frame)) matches.push(row);
    }
    return matches;
  }

  /** A copy of `row` with the assignments applied in order, each reading the copy so far. */
  private updated(row: Row, base: Row, alias: string, assignments: readonly CompiledAssignment[]): Row {
    const copy: Row = { ...row };
    const scope: Row = { ...base, [alias]: copy, initial: row };
    const frame = this.services.frame;
    for (const a of assignments) copy[a.column] = a.value(scope, frame);
    return copy;
  }

  private merge(
    base: Row,
    matches: readonly Row[],
    target: { readonly runtime: InfraTarget; readonly alias: string },
    clauses: readonly CompiledMergeClause[],
  ): void {
    const frame = this.services.frame;
    const newRows: Row[] = [];
    const oldRows: Row[] = [];
    const insert = (a: Extract<CompiledMergeAction, { kind: 'insert' }>, row: Row) => {
      const values: Row = {};
      for (const c of a.columns) values[c.name] = c.value(row, frame);
      if (a.into === undefined) newRows.push(target.runtime.normalize(values));
      else this.services.insert(a.into, [values]);
    };
    if (matches.length === 0) {
      for (const clause of clauses) {
        if (clause.matched || !holds(clause.condition, base, frame)) continue;
        for (const a of clause.actions)
          if (a.kind === 'insert' && holds(a.where, base, frame)) insert(a, base);
        break;
      }
    } else {
      for (const match of matches) {
        const row: Row = { ...base, [target.alias]: match };
        for (const clause of clauses) {
          if (!clause.matched || !holds(clause.condition, row, frame)) continue;
          for (const a of clause.actions) {
            if (!holds(a.where, row, frame)) continue;
            if (a.kind === 'update') {
              newRows.push(this.updated(match, base, target.alias, a.assignments));
              oldRows.push(match);
            } else if (a.kind === 'delete') oldRows.push(match);
            else insert(a, row);
          }
          break;
        }
      }
    }
    if (newRows.length === 0 && oldRows.length === 0) return;
    target.runtime.change(newRows, oldRows);
    this.next.onUpdate(newRows.length > 0 ? newRows : null, oldRows.length > 0 ? oldRows : null);
  }
}
