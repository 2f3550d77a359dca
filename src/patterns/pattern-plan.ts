/** A bound EPL pattern. Placeholder until the pattern automaton lands (issue: patterns and alerts). */
export interface PatternPlan {
  readonly kind: 'PatternPlan';
}
