/** Expected strings are written out by hand: column N puts the caret after N-1 characters plus the 2-space indent. */
import { describe, expect, it } from 'vitest';
import { renderError, renderErrors } from '../../src/cli/render-error.js';
import { WeirError } from '../../src/common/errors.js';
import type { Span } from '../../src/common/span.js';

function spanOf(text: string, start: number, end: number): Span {
  const before = text.slice(0, start);
  const line = before.split('\n').length;
  const column = start - (before.lastIndexOf('\n') + 1) + 1;
  return { startOffset: start, endOffset: end, line, column };
}

function at(text: string, needle: string, message = 'm', expected?: string[]): WeirError {
  const start = text.indexOf(needle);
  return new WeirError('parse/unexpected-token', message, {
    span: spanOf(text, start, start + needle.length),
    ...(expected === undefined ? {} : { expected }),
  });
}

describe('renderError', () => {
  it('prints file:line:col, the code and message, the source line and carets the width of the span', () => {
    const text = 'create schema T(k string);\nselect k form T;\n';
    expect(renderError(at(text, 'form', "Unexpected 'form'"), text, 'q.epl')).toBe(
      [
        "q.epl:2:10: error[parse/unexpected-token]: Unexpected 'form'",
        '  select k form T;',
        '           ^^^^',
      ].join('\n'),
    );
  });

  it('puts a one-character span under its column on the first line', () => {
    const text = 'x';
    expect(renderError(at(text, 'x'), text, 'f')).toBe('f:1:1: error[parse/unexpected-token]: m\n  x\n  ^');
  });

  it('keeps tabs before the span so the carets line up at any tab width', () => {
    const text = 'select\tk,\t\tnope from T';
    expect(renderError(at(text, 'nope'), text, 'f')).toBe(
      'f:1:12: error[parse/unexpected-token]: m\n  select\tk,\t\tnope from T\n        \t  \t\t^^^^',
    );
  });

  it('marks one column for an empty span at the end of input', () => {
    const text = 'create schema T(k string);\nselect k from';
    const error = new WeirError('parse/unexpected-token', 'Unexpected end of input', {
      span: { startOffset: text.length, endOffset: text.length, line: 2, column: 14 },
      expected: ["'pattern'", 'an identifier'],
    });
    expect(renderError(error, text, 'q.epl')).toBe(
      [
        'q.epl:2:14: error[parse/unexpected-token]: Unexpected end of input',
        '  select k from',
        '               ^',
        "  expected: 'pattern', an identifier",
      ].join('\n'),
    );
  });

  it('marks the empty line after a final newline', () => {
    const text = 'select k from T\n';
    const error = new WeirError('parse/unexpected-token', 'eof', {
      span: { startOffset: text.length, endOffset: text.length, line: 2, column: 1 },
    });
    expect(renderError(error, text, 'f')).toBe('f:2:1: error[parse/unexpected-token]: eof\n  \n  ^');
  });

  it('cuts a span that runs over several lines at the end of its first line', () => {
    const text = 'select case\n  when x then 1\nend from T';
    const start = text.indexOf('case');
    const error = new WeirError('analyze/type-mismatch', 'bad case', {
      span: spanOf(text, start, text.indexOf(' from')),
    });
    expect(renderError(error, text, 'f')).toBe(
      'f:1:8: error[analyze/type-mismatch]: bad case\n  select case\n         ^^^^',
    );
  });

  it('shows the line without its carriage return in a CRLF file', () => {
    const text = 'create schema T(k string);\r\nselect nope from T;\r\n';
    expect(renderError(at(text, 'nope'), text, 'f')).toBe(
      'f:2:8: error[parse/unexpected-token]: m\n  select nope from T;\n         ^^^^',
    );
  });

  it('falls back to the error’s own file, and prints only the message without a span or source', () => {
    const withFile = new WeirError('analyze/unsupported', 'no', {
      file: 'own.epl',
      span: { startOffset: 0, endOffset: 1, line: 1, column: 1 },
    });
    expect(renderError(withFile, undefined, undefined)).toBe('own.epl:1:1: error[analyze/unsupported]: no');
    expect(renderError(new WeirError('analyze/unsupported', 'bare'), 'text', undefined)).toBe(
      'error[analyze/unsupported]: bare',
    );
  });

  it('uses the event-file line of an io error', () => {
    const error = new WeirError('io/invalid-value', 'bad', { file: 'ev.csv', line: 7 });
    expect(renderError(error, undefined, undefined)).toBe('ev.csv:7: error[io/invalid-value]: bad');
  });

  it('omits the source when the span points past the last line', () => {
    const error = new WeirError('parse/unexpected-token', 'gone', {
      span: { startOffset: 99, endOffset: 99, line: 9, column: 1 },
    });
    expect(renderError(error, 'one line', 'f')).toBe('f:9:1: error[parse/unexpected-token]: gone');
  });
});

describe('renderErrors', () => {
  it('renders each error and counts them', () => {
    const text = 'a b';
    expect(renderErrors([at(text, 'a', 'first'), at(text, 'b', 'second')], text, 'f')).toBe(
      [
        'f:1:1: error[parse/unexpected-token]: first',
        '  a b',
        '  ^',
        'f:1:3: error[parse/unexpected-token]: second',
        '  a b',
        '    ^',
        '2 errors in f',
      ].join('\n'),
    );
  });
});
