/**
 * A WeirError as the CLI prints it:
 *
 *   queries/bad.epl:2:8: error[parse/unexpected-token]: Unexpected 'form' at line 2, column 8: expected 'from'
 *     select a form S
 *              ^^^^
 */
import type { WeirError } from '../common/errors.js';

function sourceLine(text: string, line: number): string | undefined {
  return text.split(/\r?\n/)[line - 1];
}

export function renderError(
  error: WeirError,
  sourceText: string | undefined,
  fileName: string | undefined,
): string {
  const span = error.span;
  const where = [fileName ?? error.file, span?.line, span?.column].filter((p) => p !== undefined).join(':');
  const lines = [`${where === '' ? '' : `${where}: `}error[${error.code}]: ${error.message}`];
  if (span !== undefined && sourceText !== undefined) {
    const text = sourceLine(sourceText, span.line);
    if (text !== undefined) {
      // Keep tabs in the caret line so the caret sits under the right character.
      const lead = text.slice(0, span.column - 1).replace(/[^\t]/g, ' ');
      const width = Math.max(1, Math.min(span.endOffset - span.startOffset, text.length - (span.column - 1)));
      lines.push(`  ${text}`, `  ${lead}${'^'.repeat(width)}`);
    }
  }
  return lines.join('\n');
}
