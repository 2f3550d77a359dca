/** A region of query source text. Lines and columns are 1-based; offsets are 0-based, end exclusive. */
export interface Span {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly line: number;
  readonly column: number;
}

export const NO_SPAN: Span = { startOffset: 0, endOffset: 0, line: 1, column: 1 };

/** The smallest span covering both. */
export function joinSpans(a: Span, b: Span): Span {
  const first = a.startOffset <= b.startOffset ? a : b;
  return {
    startOffset: first.startOffset,
    endOffset: Math.max(a.endOffset, b.endOffset),
    line: first.line,
    column: first.column,
  };
}
