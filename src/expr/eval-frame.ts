/**
 * What a compiled expression reads besides its row: the evaluation frame. Every compiled
 * expression receives the frame it reads as an argument (`fn(row, frame)`); nothing is read
 * from a shared object behind its back.
 */
export interface EvalFrame {
  /** Current aggregate values by slot, set by the aggregation operator before evaluating output expressions. */
  aggValues: unknown[];
  /** The event `n` positions before `row` in the data window order, if any (prev). */
  prev(row: unknown, n: number): unknown;
  /** The nth event before `row` in arrival order, if any (prior). */
  prior(row: unknown, n: number): unknown;
  /** Pattern tags bound so far (tag → event, or array of events for repeats), for TagProp. */
  tags?: Record<string, unknown>;
}

/** An expression compiled to JavaScript: evaluated per event, with no tree walk. */
export type CompiledExpr = (row: Record<string, unknown>, frame: EvalFrame) => unknown;
