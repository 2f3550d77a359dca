/**
 * Documented limits on how deeply a statement may nest, checked before anything recurses
 * over it: the parser, the analyzer, the optimizer and the code generator all walk
 * expressions recursively, and a deep enough input would overflow the stack (a RangeError,
 * not an error a user can act on). Both checks are iterative.
 *
 * - MAX_BRACKET_DEPTH: `(`, `[` and `{` open inside each other (counted on the tokens, so it
 *   covers expressions, patterns, subqueries and function calls alike).
 * - MAX_EXPRESSION_DEPTH: levels of the syntax tree; each operator of a chain adds one
 *   (`a + b + c` is `(a + b) + c`, two levels), as the tree is built left to right.
 */
import type { IToken } from 'chevrotain';
import { WeirError } from '../common/errors.js';
import type { Span } from '../common/span.js';
import { tokenSpan } from './syntax-errors.js';
import { LBrace, LBracket, LParen, RBrace, RBracket, RParen } from './tokens.js';

export const MAX_BRACKET_DEPTH = 100;
export const MAX_EXPRESSION_DEPTH = 1000;

function tooDeep(message: string, span: Span, file: string | undefined): WeirError {
  return new WeirError('parse/too-deep', `${message} at line ${span.line}, column ${span.column}`, {
    span,
    ...(file === undefined ? {} : { file }),
  });
}

/** The error for the first bracket opening level MAX_BRACKET_DEPTH + 1, if any. */
export function checkBracketDepth(tokens: readonly IToken[], file?: string): WeirError | undefined {
  let depth = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LParen || type === LBracket || type === LBrace) {
      if (++depth > MAX_BRACKET_DEPTH) {
        return tooDeep(`Brackets nested more than ${MAX_BRACKET_DEPTH} deep`, tokenSpan(t), file);
      }
    } else if (type === RParen || type === RBracket || type === RBrace) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** The error when the syntax tree `root` is more than MAX_EXPRESSION_DEPTH levels deep. */
export function checkTreeDepth(root: object, file?: string): WeirError | undefined {
  // Syntax-tree nodes are the objects with a `kind`; other objects (names, spans, lists) are
  // walked through without counting a level.
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    const isNode = typeof (value as { kind?: unknown }).kind === 'string';
    const level = isNode ? depth + 1 : depth;
    if (level > MAX_EXPRESSION_DEPTH) {
      const span = (value as { span?: Span }).span ?? { startOffset: 0, endOffset: 0, line: 1, column: 1 };
      return tooDeep(
        `Expression nested more than ${MAX_EXPRESSION_DEPTH} levels deep (each operator of a chain such as a + b + … is one level; split it, or use in (…) for a chain of or)`,
        span,
        file,
      );
    }
    const children = Array.isArray(value) ? value : Object.values(value);
    for (const child of children)
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: level });
  }
  return undefined;
}
