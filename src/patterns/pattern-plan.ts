/**
 * A bound EPL pattern: the operator tree of `pattern [ … ]` with filters bound to typed
 * expressions (own properties as Prop, earlier tags as TagProp) and periods in ms.
 * Kinds are distinct from the AST's pattern kinds (syntax) — these are operations.
 */
import { assertNever } from '../common/assert-never.js';
import type { BoundExpr } from '../expr/bound-expr.js';

export type PatternNode =
  | MatchFilterNode
  | MatchEveryNode
  | MatchEveryDistinctNode
  | MatchFollowedByNode
  | MatchAndNode
  | MatchOrNode
  | MatchNotNode
  | MatchRepeatNode
  | MatchWithinNode
  | MatchWhileNode
  | MatchIntervalNode
  | MatchAtNode;

/**
 * An equality between the event's property and an expression over earlier tags
 * (`user = a.user`): live instances are indexed by the tag side's value, so an event finds
 * its candidates with one hash lookup instead of a scan over every instance.
 */
export interface CorrelationKey {
  readonly property: string;
  readonly tagSide: BoundExpr;
}

export interface MatchFilterNode {
  readonly kind: 'MatchFilter';
  readonly id: number;
  readonly tag: string | undefined;
  readonly stream: string;
  /** The residual predicate (after the correlation key), or undefined. */
  readonly predicate: BoundExpr | undefined;
  readonly correlation: CorrelationKey | undefined;
  readonly text: string;
}

export interface MatchEveryNode {
  readonly kind: 'MatchEvery';
  readonly child: PatternNode;
}

export interface MatchEveryDistinctNode {
  readonly kind: 'MatchEveryDistinct';
  readonly keys: readonly BoundExpr[];
  readonly periodMs: number | undefined;
  readonly child: PatternNode;
}

export interface MatchFollowedByNode {
  readonly kind: 'MatchFollowedBy';
  readonly children: readonly PatternNode[];
}

export interface MatchAndNode {
  readonly kind: 'MatchAnd';
  readonly children: readonly PatternNode[];
}

export interface MatchOrNode {
  readonly kind: 'MatchOr';
  readonly children: readonly PatternNode[];
}

export interface MatchNotNode {
  readonly kind: 'MatchNot';
  readonly child: PatternNode;
}

/**
 * `[n] x` (lower = upper = n), `[n:m] x until y`, `[n:] x until y`, `[:m] x until y`,
 * `x until y` (no bounds): Esper's match-until bounds, undefined where none was given.
 */
export interface MatchRepeatNode {
  readonly kind: 'MatchRepeat';
  readonly lower: number | undefined;
  readonly upper: number | undefined;
  readonly child: PatternNode;
  readonly until: PatternNode | undefined;
  /** Tags bound inside the repeated child (they become arrays). */
  readonly arrayTags: readonly string[];
}

/**
 * The period of a pattern timer (`timer:interval`, `timer:within[max]`): a constant, or computed
 * from the tags as the timer starts (Esper's PatternDeltaCompute): the sum of each part's value
 * times its unit, rounded to ms (a plain number is seconds).
 */
export type PatternPeriod =
  | { readonly kind: 'FixedPeriod'; readonly ms: number }
  | { readonly kind: 'TagPeriod'; readonly parts: readonly PeriodPart[] };

export interface PeriodPart {
  readonly value: BoundExpr;
  readonly msPerUnit: number;
}

/** `x where timer:within(p)` and `timer:withinmax(p, n)`. */
export interface MatchWithinNode {
  readonly kind: 'MatchWithin';
  readonly child: PatternNode;
  readonly period: PatternPeriod;
  readonly maxMatches: number | undefined;
}

export interface MatchWhileNode {
  readonly kind: 'MatchWhile';
  readonly child: PatternNode;
  readonly condition: BoundExpr;
}

export interface MatchIntervalNode {
  readonly kind: 'MatchInterval';
  readonly period: PatternPeriod;
}

/** `timer:at(minutes, hours, days of month, months, days of week [, seconds])`; null = any. */
export interface MatchAtNode {
  readonly kind: 'MatchAt';
  readonly fields: readonly (readonly number[] | null)[];
}

export interface PatternTag {
  readonly name: string;
  readonly stream: string;
  readonly isArray: boolean;
}

export interface PatternPlan {
  readonly kind: 'PatternPlan';
  readonly root: PatternNode;
  readonly tags: readonly PatternTag[];
  readonly streams: readonly string[];
}

/** A plan node's operands, in order. */
export function childrenOf(node: PatternNode): readonly PatternNode[] {
  switch (node.kind) {
    case 'MatchFilter':
    case 'MatchInterval':
    case 'MatchAt':
      return [];
    case 'MatchFollowedBy':
    case 'MatchAnd':
    case 'MatchOr':
      return node.children;
    case 'MatchRepeat':
      return node.until === undefined ? [node.child] : [node.child, node.until];
    case 'MatchEvery':
    case 'MatchEveryDistinct':
    case 'MatchNot':
    case 'MatchWithin':
    case 'MatchWhile':
      return [node.child];
    default:
      return assertNever(node, 'pattern node');
  }
}
