import { describe, expect, it } from 'vitest';
import type { Expr, PatternExpr, SelectStatement } from '../../src/ast/ast.js';
import { WeirErrors } from '../../src/common/errors.js';
import { parseModule } from '../../src/parser/parse-module.js';

function select(text: string): SelectStatement {
  const item = parseModule(text).items[0];
  if (item?.kind !== 'Select') throw new Error('not a select');
  return item;
}

function expr(text: string): Expr {
  const item = select(`select ${text} as x from S`).selectList[0];
  if (item?.kind !== 'SelectExpr') throw new Error('no expression');
  return item.expr;
}

/** A compact rendering of precedence: binary nodes in parentheses. */
function shape(e: Expr): string {
  switch (e.kind) {
    case 'Binary':
      return `(${shape(e.left)} ${e.op} ${shape(e.right)})`;
    case 'Unary':
      return `(${e.op} ${shape(e.operand)})`;
    case 'Literal':
      return String(e.value);
    case 'PropertyRef':
      return e.path.map((p) => p.name).join('.');
    case 'Between':
      return `(${shape(e.operand)} between ${shape(e.low)} ${shape(e.high)})`;
    case 'In':
      return `(${shape(e.operand)} ${e.negated ? 'not in' : 'in'} ${e.list.map(shape).join(',')})`;
    case 'IsNull':
      return `(${shape(e.operand)} is ${e.negated ? 'not ' : ''}null)`;
    case 'Call':
      return `${e.name.name}(${e.star ? '*' : e.args.map(shape).join(',')})`;
    case 'TimePeriod':
      return e.parts.map((p) => `${shape(p.value)}${p.unit}`).join('+');
    default:
      return e.kind;
  }
}

function errorsOf(text: string) {
  try {
    parseModule(text, 'q.epl');
  } catch (e) {
    if (e instanceof WeirErrors) return e.errors;
    throw e;
  }
  throw new Error('expected a syntax error');
}

describe('parseModule: statements', () => {
  it('parses every clause of a select statement', () => {
    const s = select(
      "@name('x') insert rstream into Out select irstream distinct a, count(*) from S(a = 'v')#length(3)#time(5 sec) as s where b > 1 group by a having count(*) > 1 order by a desc limit 2 offset 1",
    );
    expect(s.annotations[0]?.value?.value).toBe('x');
    expect(s.insertInto?.selector).toBe('rstream');
    expect(s.insertInto?.target.name).toBe('Out');
    expect(s.selector).toBe('irstream');
    expect(s.distinct).toBe(true);
    const from = s.from[0];
    expect(from?.kind).toBe('StreamSource');
    if (from?.kind !== 'StreamSource') return;
    expect(from.windows.map((w) => w.name.name)).toEqual(['length', 'time']);
    expect(from.alias?.name).toBe('s');
    expect(s.groupBy).toHaveLength(1);
    expect(s.orderBy[0]?.descending).toBe(true);
    expect(s.limit?.offset).toBeDefined();
  });

  it('keeps the statement text and span', () => {
    const module = parseModule('create schema S(a int);\n  select a from S ;');
    const s = module.items[1] as SelectStatement;
    expect(s.text).toBe('select a from S');
    expect(s.span.line).toBe(2);
    expect(s.span.column).toBe(3);
  });

  it('parses create schema with a timestamp property, open, and type aliases', () => {
    const item = parseModule(
      'create schema T(id string, n integer, x float, ok bool, at long) timestamp at open',
    ).items[0];
    expect(item?.kind).toBe('CreateSchema');
    if (item?.kind !== 'CreateSchema') return;
    expect(item.properties.map((p) => p.type)).toEqual(['string', 'int', 'double', 'boolean', 'long']);
    expect(item.timestampProperty?.name).toBe('at');
    expect(item.open).toBe(true);
  });

  it('accepts keywords in any case and comments', () => {
    const s = select('SELECT /* all */ a FROM S // trailing\n WHERE a IS NOT NULL');
    expect(s.where?.kind).toBe('IsNull');
  });

  it("accepts Esper's older view syntax and sort directions", () => {
    const s = select('select * from S.win:length(5).ext:sort(3, price desc)');
    const from = s.from[0];
    if (from?.kind !== 'StreamSource') throw new Error();
    expect(from.windows.map((w) => w.name.name)).toEqual(['length', 'sort']);
    expect(from.windows[1]?.args[1]).toMatchObject({ kind: 'SortedArg', descending: true });
  });
});

describe('parseModule: expressions follow Esper precedence', () => {
  it.each([
    ['a or b and c', '(a or (b and c))'],
    ['not a = 1 and b', '((not (a = 1)) and b)'],
    ['a + b * c - d', '((a + (b * c)) - d)'],
    ["a || 'x' = b", '((a || x) = b)'],
    ['-a * 2', '((- a) * 2)'],
    ['a between 1 and 2 and b', '((a between 1 2) and b)'],
    ['a not in (1, 2)', '(a not in 1,2)'],
    ['a is null or b is not null', '((a is null) or (b is not null))'],
    ['count(*) + sum(x.y)', '(count(*) + sum(x.y))'],
    ['1 min 30 sec', '1minute+30second'],
    ['a <> b', '(a != b)'],
  ])('%s', (text, expected) => {
    expect(shape(expr(text))).toBe(expected);
  });

  it('types literals', () => {
    expect(expr('10L')).toMatchObject({ literalType: 'long', value: 10 });
    expect(expr('1.5')).toMatchObject({ literalType: 'double', value: 1.5 });
    expect(expr("'it''s'")).toMatchObject({ literalType: 'string', value: "it's" });
    expect(expr('"a\\nb"')).toMatchObject({ literalType: 'string', value: 'a\nb' });
    expect(expr('null')).toMatchObject({ literalType: 'null', value: null });
  });
});

describe('parseModule: patterns and match_recognize', () => {
  function pattern(text: string): PatternExpr {
    const from = select(`select * from pattern [${text}]`).from[0];
    if (from?.kind !== 'PatternSource') throw new Error('not a pattern');
    return from.pattern;
  }

  it('binds every tighter than followed-by, and guards tightest', () => {
    const p = pattern('every a=A -> b=B(id = a.id) where timer:within(4 sec)');
    expect(p.kind).toBe('PatternFollowedBy');
    if (p.kind !== 'PatternFollowedBy') return;
    expect(p.children[0]?.kind).toBe('PatternEvery');
    expect(p.children[1]).toMatchObject({ kind: 'PatternGuard', guard: 'within' });
  });

  it('parses repeat, until, and, or, not and observers', () => {
    expect(pattern('every [3] a=A')).toMatchObject({
      kind: 'PatternEvery',
      child: { kind: 'PatternRepeat', exact: true },
    });
    expect(pattern('[1:] a=A until b=B')).toMatchObject({
      kind: 'PatternRepeat',
      exact: false,
      until: { kind: 'PatternFilter' },
    });
    expect(pattern('every (timer:interval(4 sec) and not A)')).toMatchObject({
      kind: 'PatternEvery',
      child: { kind: 'PatternAnd', children: [{ kind: 'PatternObserver' }, { kind: 'PatternNot' }] },
    });
    expect(pattern('every-distinct(a.id, 8 sec) a=A')).toMatchObject({ kind: 'PatternEveryDistinct' });
  });

  it('parses match_recognize clauses', () => {
    const from = select(
      'select * from S match_recognize (partition by k measures A.p as a, last(B.p) as b all matches after match skip to next row pattern (A B+? (C | D){2,3}) interval 5 sec define B as B.p > prev(B.p))',
    ).from[0];
    if (from?.kind !== 'StreamSource' || from.matchRecognize === undefined) throw new Error();
    const mr = from.matchRecognize;
    expect(mr.allMatches).toBe(true);
    expect(mr.skip).toBe('to-next-row');
    expect(mr.pattern).toMatchObject({ kind: 'RowConcat' });
    expect(mr.interval).toBeDefined();
    expect(mr.defines[0]?.variable.name).toBe('B');
  });
});

describe('parseModule: syntax errors name the position and what was expected', () => {
  it('reports a misspelled keyword', () => {
    const [e] = errorsOf('select a form S');
    expect(e?.code).toBe('parse/unexpected-token');
    expect(e?.message).toBe("Unexpected 'form' at line 1, column 10: expected 'from'");
    expect(e?.span).toMatchObject({ line: 1, column: 10, startOffset: 9, endOffset: 13 });
    expect(e?.file).toBe('q.epl');
  });

  it('reports a missing from at the end of input', () => {
    const [e] = errorsOf('select a');
    expect(e?.message).toMatch(/^Unexpected end of input at line 1, column 9: expected/);
    expect(e?.expected).toContain("'from'");
  });

  it('says how to use a reserved word as a name', () => {
    const [property] = errorsOf('create schema T(on boolean, ts long)');
    expect(property?.message).toBe(
      "Unexpected 'on' at line 1, column 17: expected ')' ('on' is a reserved word: write `on` to use it as a name)",
    );
    const [later] = errorsOf('create schema T(ts long, left int)');
    expect(later?.message).toContain("('left' is a reserved word: write `left` to use it as a name)");
    expect(() => parseModule('create schema T(`on` boolean, `left` int)')).not.toThrow();
  });

  it('reports an unclosed parenthesis', () => {
    const [e] = errorsOf('select (a + 1 from S');
    expect(e?.message).toContain("Unexpected 'from'");
    expect(e?.message).not.toContain('reserved word');
    expect(e?.expected).toContain("')'");
  });

  it('reports an unterminated string and a stray character', () => {
    expect(errorsOf("select 'abc from S")[0]).toMatchObject({ code: 'parse/invalid-literal' });
    const [stray] = errorsOf('select a ^ b from S');
    expect(stray).toMatchObject({ code: 'parse/unexpected-character', span: { line: 1, column: 10 } });
  });

  it('reports an empty select list and a bad window', () => {
    expect(errorsOf('select from S')[0]?.message).toContain("Unexpected 'from' at line 1, column 8");
    expect(errorsOf('select * from S#(3)')[0]?.expected).toContain('an identifier');
  });

  it('reports a bad schema type and a bad guard', () => {
    expect(errorsOf('create schema S(a text)')[0]?.message).toContain("Unexpected 'text'");
    expect(errorsOf('select * from pattern [A where timer:later(1)]')[0]?.expected).toEqual([
      "'within'",
      "'withinmax'",
    ]);
  });

  it('reports one error per broken statement and keeps parsing the next', () => {
    const errors = errorsOf('select a from S;\nselect b form T;\nselect c from U;\nselect from V');
    expect(errors.map((e) => e.span?.line)).toEqual([2, 4]);
  });
});
