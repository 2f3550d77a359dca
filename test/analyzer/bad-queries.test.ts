/**
 * Bad queries get a clear error with a position, never a crash (issue 13 §2): nesting beyond
 * the documented limits, invalid regular expressions, every unknown property of a statement,
 * "did you mean" for windows and properties; and one bad statement never stops the others.
 */
import { describe, expect, it } from 'vitest';
import { checkModule, createEngine } from '../../src/index.js';
import { MAX_BRACKET_DEPTH, MAX_EXPRESSION_DEPTH } from '../../src/parser/nesting-limits.js';

const SCHEMA = 'create schema S(a int, s string, b boolean);';

function errorsOf(statement: string): { code: string; message: string; line: number; column: number }[] {
  return checkModule(`${SCHEMA}\n${statement}`).map((e) => ({
    code: e.code,
    message: e.message,
    line: e.span?.line ?? 0,
    column: e.span?.column ?? 0,
  }));
}

describe('nesting beyond the documented limits is a caret error, not a stack overflow', () => {
  const chain = (n: number, term: string, op: string) => Array(n).fill(term).join(op);
  it.each([
    [
      'parentheses',
      `select ${'('.repeat(5000)}a${')'.repeat(5000)} as x from S`,
      'Brackets nested more than',
    ],
    [
      'function calls',
      `select ${'abs('.repeat(2000)}a${')'.repeat(2000)} as x from S`,
      'Brackets nested more than',
    ],
    ['a + chain', `select ${chain(20_000, 'a', ' + ')} as x from S`, 'Expression nested more than'],
    [
      'an and chain',
      `select * from S where ${chain(10_000, 'a = 1', ' and ')}`,
      'Expression nested more than',
    ],
    ['an || chain', `select ${chain(5000, 's', ' || ')} as x from S`, 'Expression nested more than'],
    ['prefix minus', `select ${'- '.repeat(50_000)}a as x from S`, 'nested too deeply to parse'],
    ['not', `select * from S where ${'not '.repeat(50_000)}b`, 'nested too deeply to parse'],
    [
      'case',
      `select ${'case when a > 0 then '.repeat(3000)}1${' else 0 end'.repeat(3000)} as x from S`,
      'nested too deeply to parse',
    ],
  ])('%s', (_what, statement, message) => {
    const [error, ...rest] = errorsOf(`${statement};\n@name('next') select a from S;`);
    expect(rest).toEqual([]);
    expect(error?.code).toBe('parse/too-deep');
    expect(error?.message).toContain(message);
    expect(error?.line).toBe(2);
  });

  it('the error points at the bracket that opens one level too many', () => {
    const open = '('.repeat(MAX_BRACKET_DEPTH + 1);
    const [error] = errorsOf(`select ${open}a${')'.repeat(MAX_BRACKET_DEPTH + 1)} from S`);
    expect(error).toMatchObject({
      code: 'parse/too-deep',
      line: 2,
      column: 'select '.length + MAX_BRACKET_DEPTH + 1,
    });
  });

  it('nesting within the limits parses, deploys and runs', () => {
    const engine = createEngine();
    const depth = MAX_BRACKET_DEPTH;
    const [parens, sum, ors] = engine.deploy(`${SCHEMA}
      @name('parens') select ${'('.repeat(depth)}a${')'.repeat(depth)} as x from S;
      @name('sum') select ${Array(MAX_EXPRESSION_DEPTH - 20)
        .fill('a')
        .join(' + ')} as x from S;
      @name('ors') select * from S where ${Array(MAX_EXPRESSION_DEPTH - 20)
        .fill('a = 2')
        .join(' or ')};`);
    const rows: Record<string, unknown> = {};
    for (const h of [parens, sum, ors]) {
      h?.subscribe((n) => {
        rows[h.name] = n;
      });
    }
    engine.send('S', { a: 2, s: 'x', b: true }, 1);
    expect(rows).toEqual({
      parens: [{ x: 2 }],
      sum: [{ x: 2 * (MAX_EXPRESSION_DEPTH - 20) }],
      ors: [{ a: 2, s: 'x', b: true }],
    });
  });

  it('a pattern and of thousands of operands runs (no recursion per operand)', () => {
    const engine = createEngine();
    const [h] = engine.deploy(`${SCHEMA} select * from pattern [${Array(12_000).fill('S').join(' and ')}]`);
    let matches = 0;
    h?.subscribe((n) => {
      matches += n?.length ?? 0;
    });
    engine.send('S', { a: 1, s: 'x', b: true }, 1);
    expect(matches).toBe(1);
  });
});

describe('regular expressions', () => {
  it('a constant pattern that does not compile is a caret error of weir check', () => {
    expect(errorsOf("select a from S where s regexp '[';")).toEqual([
      {
        code: 'analyze/invalid-regexp',
        message: "Invalid regular expression '[' in regexp: Unterminated character class",
        line: 2,
        column: 32,
      },
    ]);
    // Built of constants: known once folded, still reported at the pattern.
    expect(errorsOf("select s regexp ('(' || 'a') as m from S;")).toMatchObject([
      { code: 'analyze/invalid-regexp', message: expect.stringContaining("'(a'"), line: 2, column: 18 },
    ]);
  });

  it('a pattern from the data that does not compile yields null for that row and is counted', () => {
    const engine = createEngine();
    const [h] = engine.deploy(
      "create schema R(s string, p string); @name('m') select s regexp p as m, s not regexp p as n from R",
    );
    const rows: unknown[] = [];
    h?.subscribe((n) => rows.push(...(n ?? [])));
    engine.send('R', { s: 'ab', p: 'a.' }, 1);
    engine.send('R', { s: 'ab', p: '[' }, 2);
    engine.send('R', { s: 'ab', p: 'x' }, 3);
    expect(rows).toEqual([
      { m: true, n: false },
      { m: null, n: null },
      { m: false, n: true },
    ]);
    expect(engine.stats().invalidRegexps).toBe(2);
    // Another engine's count is its own.
    expect(createEngine().stats().invalidRegexps).toBe(0);
  });

  it('each engine counts the invalid patterns its own statements met, also when one sends from within another', () => {
    const query = "create schema R(s string, p string); @name('m') select s regexp p as m from R";
    const outer = createEngine();
    const inner = createEngine();
    const idle = createEngine();
    const [h] = outer.deploy(query);
    inner.deploy(query);
    idle.deploy(query);
    // outer's listener sends to inner: inner's evaluation happens inside outer's call.
    h?.subscribe(() => inner.send('R', { s: 'ab', p: '(' }, 1));
    outer.send('R', { s: 'ab', p: '[' }, 1);
    inner.send('R', { s: 'ab', p: '*' }, 2);
    idle.send('R', { s: 'ab', p: 'a' }, 1);
    expect(inner.stats().invalidRegexps).toBe(2);
    // What inner met while outer's listener ran is counted by outer too (it happened within outer's send).
    expect(outer.stats().invalidRegexps).toBe(2);
    expect(idle.stats().invalidRegexps).toBe(0);
    outer.close();
    inner.send('R', { s: 'ab', p: '[' }, 3);
    expect(outer.stats().invalidRegexps).toBe(2);
    expect(inner.stats().invalidRegexps).toBe(3);
  });
});

describe('every unknown name is reported, with a did-you-mean', () => {
  it('all unknown properties of a statement, each at its position', () => {
    expect(errorsOf('select ab, c from S where d > 1 and b;')).toEqual([
      {
        code: 'analyze/unknown-property',
        message: "Property 'ab' is not a property of event type 'S' (did you mean 'a'?) (known: a, s, b)",
        line: 2,
        column: 8,
      },
      {
        code: 'analyze/unknown-property',
        message: "Property 'c' is not a property of event type 'S' (known: a, s, b)",
        line: 2,
        column: 12,
      },
      {
        code: 'analyze/unknown-property',
        message: "Property 'd' is not a property of event type 'S' (known: a, s, b)",
        line: 2,
        column: 27,
      },
    ]);
  });

  it('an unknown window', () => {
    const [error] = errorsOf('select * from S#lenght(3);');
    expect(error?.code).toBe('analyze/unknown-window');
    expect(error?.message).toMatch(/^Unknown data window '#lenght' \(did you mean 'length'\?\) \(known: /);
  });
});

describe('one bad statement never stops the others', () => {
  it('the statements deployed with and after a failing one are started', () => {
    const engine = createEngine();
    const handles = engine.deploy(
      `${SCHEMA} @name('first') select a from S; @name('second') select s from S;`,
    );
    const rows: string[] = [];
    for (const h of handles) h.subscribe(() => rows.push(h.name));
    engine.send('S', { a: 1, s: 'x', b: true }, 1);
    expect(rows).toEqual(['first', 'second']);
    expect(() => engine.deploy("@name('bad') select a from S where s regexp '('")).toThrow(
      /Unterminated group/,
    );
    engine.send('S', { a: 1, s: 'x', b: true }, 2);
    expect(rows).toEqual(['first', 'second', 'first', 'second']);
  });
});

describe('schedules that could never fire are refused (found by the fuzz suite: a hang)', () => {
  it.each([
    ['select a from S output first at (*, 2, *, *, 5:1);', "Crontab days of week '5:1' allows no value", 46],
    [
      'select * from pattern [every timer:at(99, *, *, *, *)];',
      'timer:at minutes must be a whole number from 0 to 59, got 99',
      39,
    ],
    [
      'select * from pattern [timer:at(0, 0, *, *, *, 61)];',
      'timer:at seconds must be a whole number from 0 to 59, got 61',
      48,
    ],
  ])('%s', (statement, message, column) => {
    const [error] = errorsOf(statement);
    expect(error?.code).toBe('analyze/invalid-argument');
    expect(error?.message).toContain(message);
    expect([error?.line, error?.column]).toEqual([2, column]);
  });
});
