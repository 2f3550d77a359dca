/** A bound match_recognize clause. Placeholder until the row-pattern NFA lands (issue: patterns and alerts). */
export interface MatchRecognizePlan {
  readonly kind: 'MatchRecognizePlan';
}
