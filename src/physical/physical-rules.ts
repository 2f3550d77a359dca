/**
 * Physical choices are rules (DESIGN.md §7): which fast path runs for a plan node is decided
 * here, once, by a named rule that the physical planner applies, `weir explain` lists, and an
 * engine option can switch off. Nothing else re-derives the choice.
 *
 * fused-columnar-aggregation: an aggregation whose input is a single length, time,
 * length_batch or time_batch window over a stream (columnar-plan.ts gives the exact
 * conditions) runs as one operator (operators/columnar-aggregation.ts): the window keeps each
 * event's group and aggregate arguments in typed-array columns instead of the event, and a
 * step goes from window to output rows with no intermediate arrays. Rows are posted exactly as
 * the window followed by the general aggregation operators post them; property tests compare
 * the two (test/properties/columnar-aggregation.test.ts). Off: `createEngine({
 * columnarAggregation: false })`.
 */
import type { LogicalPlan } from '../plan/logical-plan.js';
import { type ColumnarPlan, columnarPlan } from './columnar-plan.js';

/** The engine options that switch physical rules on and off. */
export interface PhysicalRuleOptions {
  /** fused-columnar-aggregation (default on). */
  readonly columnarAggregation?: boolean;
}

export interface PhysicalRule {
  readonly name: string;
  /** The createEngine option that switches it off. */
  readonly option: keyof PhysicalRuleOptions;
  readonly summary: string;
}

export const FUSED_COLUMNAR_AGGREGATION: PhysicalRule = {
  name: 'fused-columnar-aggregation',
  option: 'columnarAggregation',
  summary:
    "window and aggregation as one operator keeping each event's group and aggregate arguments as columns",
};

export const PHYSICAL_RULES: readonly PhysicalRule[] = [FUSED_COLUMNAR_AGGREGATION];

type AggregateNode = Extract<LogicalPlan, { kind: 'Aggregate' }>;

/** What fused-columnar-aggregation decides for an aggregation: its columnar plan, or why not. */
export type FusedChoice =
  | { readonly applied: true; readonly plan: ColumnarPlan }
  | { readonly applied: false; readonly reason: 'off' | 'not-applicable' };

export function fusedAggregation(node: AggregateNode, options: PhysicalRuleOptions): FusedChoice {
  const plan = columnarPlan(node);
  if (plan === undefined) return { applied: false, reason: 'not-applicable' };
  if (options.columnarAggregation === false) return { applied: false, reason: 'off' };
  return { applied: true, plan };
}
