/**
 * A bound match_recognize clause: partition keys, the compiled row-pattern automaton,
 * `define` conditions per variable (the row being tested is the expression's row; other
 * variables are read through ctx.tags as their last assigned row) and measures (variables
 * through ctx.tags; aggregates over a variable's rows precomputed into `$mN` tags).
 */
import type { SkipStrategy } from '../../ast/ast.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import type { Nfa } from './nfa.js';

export interface MeasureAggregate {
  /** The tag the measure expression reads the value from. */
  readonly tag: string;
  readonly fn: 'first' | 'last' | 'count' | 'sum' | 'avg' | 'min' | 'max';
  readonly variable: string;
  readonly property: string;
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
}
