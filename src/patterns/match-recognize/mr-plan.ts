/**
 * A bound match_recognize clause: partition keys, the compiled row-pattern NFA (nfa.ts),
 * `define` conditions per variable (the row being tested is the expression's row, earlier
 * single-row variables are read through ctx.tags, `prev(x, n)` is the partition's nth row
 * before the tested one) and measures (single-row variables through ctx.tags as their row,
 * multi-row variables as arrays of rows, aggregates over a multi-row variable computed
 * into the frame's aggregate slots).
 */
import type { SkipStrategy } from '../../ast/ast.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import type { Nfa } from './nfa.js';

/** An aggregate of the measures: the slot its value fills (the measure reads it as an AggRef). */
export interface MeasureAggregate {
  readonly slot: number;
  /** Aggregate registry name. */
  readonly fn: string;
  readonly distinct: boolean;
  /** The multi-row variable aggregated. */
  readonly variable: string;
  /** Evaluated on each of the variable's rows (the row is the expression's row). */
  readonly arg: BoundExpr;
}

export interface MatchRecognizePlan {
  readonly kind: 'MatchRecognizePlan';
  readonly partitionBy: readonly BoundExpr[];
  readonly measures: readonly { readonly name: string; readonly expr: BoundExpr }[];
  readonly aggregates: readonly MeasureAggregate[];
  readonly defines: ReadonlyMap<string, BoundExpr>;
  readonly nfa: Nfa;
  readonly allMatches: boolean;
  readonly skip: SkipStrategy;
  /** `interval p [or terminated]`: hold matches until p after their first row. */
  readonly interval: { readonly ms: number; readonly orTerminated: boolean } | undefined;
  /** The largest `prev` index the defines use (0: none, no row history kept). */
  readonly maxPrev: number;
}
