/**
 * A WeirError as `weir check` and `weir run` print it:
 *
 *   queries/bad.epl:2:10: error[parse/unexpected-token]: Unexpected 'form' …
 *     select k form T;
 *              ^^^^
 *     expected: 'from'
 *
 * The caret line repeats the source line's tabs before the span so the carets sit under the
 * right characters whatever the terminal's tab width; the carets cover the span's first line
 * (at least one caret, so an error at the end of input still points somewhere).
 */
import type { WeirError } from '../common/errors.js';

function sourceLine(text: string, line: number): string | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  const raw = text.slice(start, end < 0 ? text.length : end);
  return raw.endsWith('\r') ? raw.slice(0, -1) : raw;
}

export function renderError(
  error: WeirError,
  sourceText: string | undefined,
  fileName: string | undefined,
): string {
  const span = error.span;
  const file = fileName ?? error.file;
  const position =
    span !== undefined ? [span.line, span.column] : error.line !== undefined ? [error.line] : [];
  const where = [...(file === undefined ? [] : [file]), ...position].join(':');
  const lines = [`${where === '' ? '' : `${where}: `}error[${error.code}]: ${error.message}`];
  const text = span !== undefined && sourceText !== undefined ? sourceLine(sourceText, span.line) : undefined;
  if (span !== undefined && text !== undefined) {
    const before = text.slice(0, span.column - 1);
    const lead = before.replace(/[^\t]/g, ' ') + ' '.repeat(Math.max(0, span.column - 1 - before.length));
    const rest = text.length - (span.column - 1);
    const width = Math.max(1, Math.min(span.endOffset - span.startOffset, rest));
    lines.push(`  ${text}`, `  ${lead}${'^'.repeat(width)}`);
  }
  if (error.expected !== undefined && error.expected.length > 0) {
    lines.push(`  expected: ${error.expected.join(', ')}`);
  }
  return lines.join('\n');
}

/** Every error, then a count line: the body of `weir check`'s report. */
export function renderErrors(
  errors: readonly WeirError[],
  sourceText: string | undefined,
  fileName: string,
): string {
  const body = errors.map((e) => renderError(e, sourceText, fileName)).join('\n');
  return `${body}\n${errors.length} error${errors.length === 1 ? '' : 's'} in ${fileName}`;
}
