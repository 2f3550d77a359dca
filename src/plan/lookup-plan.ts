/**
 * How an `on` statement (or a table lookup) finds the rows of a named window or table that
 * its where clause selects. Esper's subordinate query planning: the where clause's
 * equalities `w.prop = <expression of the trigger>` become hash keys and its comparisons
 * `w.prop < <expression of the trigger>` (and between) become btree ranges; an index with
 * those columns answers the lookup (an explicit one when it fits, else one planned for the
 * statement), and every candidate is then checked against the whole where clause. Without
 * such conjuncts every row is a candidate (a scan).
 */
import type { BoundExpr } from '../expr/bound-expr.js';

/** How an index column answers lookups: hash for equality, btree (sorted) for ranges. */
export type IndexKind = 'hash' | 'btree';

/**
 * An index on a named window's rows: explicit (`create index`) or planned for a trigger
 * (Esper's implicit index). Hash columns come first, then btree columns, as Esper orders them.
 */
export interface IndexDef {
  readonly name: string;
  readonly window: string;
  readonly unique: boolean;
  readonly hash: readonly string[];
  readonly btree: readonly string[];
  /** Declared by `create index` (false: planned for a statement's lookups). */
  readonly explicit: boolean;
}

/** A btree lookup on one column: one bound, or both (`between`, or a pair of comparisons). */
export type RangeKey =
  | { readonly kind: 'relop'; readonly op: '<' | '<=' | '>' | '>='; readonly value: BoundExpr }
  | {
      readonly kind: 'range';
      readonly low: BoundExpr;
      readonly lowInclusive: boolean;
      readonly high: BoundExpr;
      readonly highInclusive: boolean;
      /** `between` accepts its bounds in either order (Esper swaps them); a pair of comparisons does not. */
      readonly allowReverse: boolean;
    };

export interface LookupPlan {
  /** The index answering the lookup; undefined: every row is a candidate. */
  readonly index: IndexDef | undefined;
  /** One key per hash column of the index, evaluated on the trigger (the combined row without the target). */
  readonly hashKeys: readonly BoundExpr[];
  /** One range per btree column of the index. */
  readonly ranges: readonly RangeKey[];
  /** The whole where clause, checked on each candidate (undefined: every candidate matches). */
  readonly filter: BoundExpr | undefined;
}
