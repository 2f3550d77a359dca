import type { Span } from './span.js';

/**
 * Stable error codes, grouped by the pipeline stage that raises them.
 * A code never changes meaning once released; tests and users match on it.
 */
export type ErrorCode =
  | 'parse/unexpected-token'
  | 'parse/unexpected-character'
  | 'parse/invalid-literal'
  | 'parse/too-deep'
  | 'analyze/unknown-stream'
  | 'analyze/unknown-property'
  | 'analyze/ambiguous-property'
  | 'analyze/join-needs-window'
  | 'analyze/invalid-join'
  | 'analyze/invalid-subquery'
  | 'analyze/subquery-needs-window'
  | 'analyze/duplicate-stream'
  | 'analyze/unknown-function'
  | 'analyze/unknown-window'
  | 'analyze/invalid-window-parameter'
  | 'analyze/invalid-argument'
  | 'analyze/type-mismatch'
  | 'analyze/invalid-regexp'
  | 'analyze/duplicate-schema'
  | 'analyze/duplicate-statement'
  | 'analyze/invalid-aggregate'
  | 'analyze/invalid-prev'
  | 'analyze/invalid-group-by'
  | 'analyze/unsupported'
  | 'runtime/unknown-event-type'
  | 'runtime/invalid-event'
  | 'runtime/unknown-statement'
  | 'runtime/in-use'
  | 'runtime/time-went-backwards'
  | 'runtime/time-jump-too-large'
  | 'runtime/invalid-argument'
  | 'runtime/invalid-option'
  | 'runtime/engine-closed'
  | 'runtime/unknown-variable'
  | 'runtime/invalid-value'
  | 'io/malformed-event-line'
  | 'io/unknown-event-type'
  | 'io/invalid-value'
  | 'io/file-not-found'
  | 'io/write-failed'
  | 'cli/invalid-option'
  | 'serve/bad-request'
  | 'serve/unauthorized'
  | 'serve/deploy-disabled'
  | 'serve/not-found'
  | 'serve/method-not-allowed'
  | 'serve/payload-too-large'
  | 'serve/unsupported-media-type'
  | 'serve/too-many-requests'
  | 'serve/overloaded'
  | 'serve/internal-error'
  | 'connector/invalid-url'
  | 'connector/unknown-statement'
  | 'connector/failed'
  | 'checkpoint/failed'
  | 'checkpoint/mismatch'
  | 'snapshot/unsupported'
  | 'snapshot/busy'
  | 'snapshot/not-a-snapshot'
  | 'snapshot/version'
  | 'snapshot/truncated'
  | 'snapshot/corrupt'
  | 'snapshot/mismatch';

/** Where an error happened in a source file (query or event file). */
export interface SourceLocation {
  readonly file?: string;
  readonly span?: Span;
  /** 1-based line in an event file, for io errors. */
  readonly line?: number;
}

/**
 * Every error Weir reports is a WeirError: a stable code, a human message and,
 * when it refers to query text, the span of the offending source.
 */
export class WeirError extends Error {
  readonly code: ErrorCode;
  readonly span: Span | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** What the parser expected at the span, for syntax errors. */
  readonly expected: readonly string[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    location: SourceLocation & { expected?: readonly string[] } = {},
  ) {
    super(message);
    this.name = 'WeirError';
    this.code = code;
    this.span = location.span;
    this.file = location.file;
    this.line = location.line;
    this.expected = location.expected;
  }
}

/** A batch of errors found by one stage (a module can have several broken statements). */
export class WeirErrors extends Error {
  readonly errors: readonly WeirError[];
  constructor(errors: readonly WeirError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'WeirErrors';
    this.errors = errors;
  }
}

export function isWeirError(e: unknown): e is WeirError {
  return e instanceof WeirError;
}
