/**
 * Syntax errors that say what was expected, in the words a user writes. Chevrotain's
 * messages are replaced by a provider that records the expected token labels; the module
 * parser turns them into WeirErrors with the offending token's span.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { WeirError } from '../common/errors.js';
import { printable } from '../common/printable.js';
import type { Span } from '../common/span.js';

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

function unique(labels: string[]): string[] {
  return [...new Set(labels)];
}

/** Messages are JSON carrying the expected labels; parse-module.ts renders them. */
export const syntaxErrorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => JSON.stringify({ expected: [label(expected)] }),
  buildNotAllInputParsedMessage: () => JSON.stringify({ expected: ["';'", 'end of statement'] }),
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) =>
    JSON.stringify({
      expected: unique(expectedPathsPerAlt.flatMap((alt) => alt.map((path) => label(path[0] as TokenType)))),
    }),
  buildEarlyExitMessage: ({ expectedIterationPaths }) =>
    JSON.stringify({ expected: unique(expectedIterationPaths.map((path) => label(path[0] as TokenType))) }),
};

/** Thrown from grammar actions when a contextual word (`timer`, `within`, a type name) is wrong. */
export class ExpectedWordError extends Error {
  constructor(
    readonly token: IToken,
    readonly expected: readonly string[],
  ) {
    super(JSON.stringify({ expected }));
    this.name = 'ExpectedWordError';
  }
}

export function tokenSpan(token: IToken): Span {
  return {
    startOffset: token.startOffset,
    endOffset: (token.endOffset ?? token.startOffset) + 1,
    line: token.startLine ?? 1,
    column: token.startColumn ?? 1,
  };
}

function describeExpected(expected: readonly string[]): string {
  if (expected.length === 0) return '';
  if (expected.length === 1) return `: expected ${expected[0]}`;
  return `: expected one of ${expected.join(', ')}`;
}

/**
 * `Unexpected 'form' at line 2, column 8: expected one of 'from', ','`. At the end of input
 * the span points just past the last token.
 */
/** Source text quoted in a one-line message: control characters escaped, a long token cut. */
export function quoted(text: string): string {
  const shown = printable(text);
  return shown.length <= 40 ? shown : `${shown.slice(0, 39)}…`;
}

export function syntaxError(
  token: IToken | undefined,
  encoded: string,
  endOfInput: Span,
  file: string | undefined,
  previous?: IToken,
): WeirError {
  let expected: string[] = [];
  try {
    expected = (JSON.parse(encoded) as { expected: string[] }).expected;
  } catch {
    expected = [];
  }
  const atEnd = token === undefined || token.tokenType?.name === 'EOF' || Number.isNaN(token.startOffset);
  const span = atEnd ? endOfInput : tokenSpan(token);
  const what = atEnd ? 'Unexpected end of input' : `Unexpected '${quoted(token.image)}'`;
  const reserved =
    !atEnd &&
    // Where a name could stand: an identifier expected, or a list that could have begun or
    // gone on right after '(' or ',' (`create schema T(on boolean)` finds no property name).
    (expected.includes('an identifier') ||
      (expected.includes("')'") && (previous?.image === '(' || previous?.image === ','))) &&
    /^[a-z_-]+$/i.test(token.image) &&
    token.tokenType.name !== 'Identifier'
      ? ` ('${token.image.toLowerCase()}' is a reserved word: write \`${token.image}\` to use it as a name)`
      : '';
  return new WeirError(
    'parse/unexpected-token',
    `${what} at line ${span.line}, column ${span.column}${describeExpected(expected)}${reserved}`,
    { span, expected, ...(file === undefined ? {} : { file }) },
  );
}
