/**
 * EPL tokens. Keywords are case-insensitive and never swallow a longer identifier
 * (`selection` is an identifier). The reserved set is kept small so common property names
 * stay usable: function names, time units and most match_recognize words are plain
 * identifiers recognised by position.
 */
import { Lexer, type TokenType, createToken } from 'chevrotain';

/*
 * Each token says whether it can span a line end (`line_breaks`), as Chevrotain would work
 * out from its pattern at every start (parsing each pattern's regexp): whitespace, block
 * comments, strings and backquoted identifiers can; nothing else can (test/parser/tokens.test.ts
 * checks positions after each kind of token with a line end inside).
 */
export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/**
 * `// …` (Esper's) and `-- …` (SQL's, which Weir adds: SQL users write it, and `--` is no
 * valid EPL token sequence: Esper's lexer reads it as its decrement token, which no EPL rule
 * accepts, so no valid query changes meaning). `- -5` with a space is still two minus signs.
 * A `--` inside a string is part of the string: the lexer reads the string as one token.
 */
export const LineComment = createToken({
  name: 'LineComment',
  pattern: /(?:\/\/|--)[^\n\r]*/,
  group: Lexer.SKIPPED,
  line_breaks: false,
});
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[a-zA-Z_$][a-zA-Z0-9_$]*|`[^`]+`/,
  label: 'an identifier',
  line_breaks: true,
});

const keywords: TokenType[] = [];
function keyword(word: string, pattern: RegExp = new RegExp(`${word.replace(/_/g, '_')}`, 'i')): TokenType {
  const token = createToken({
    name:
      word.charAt(0).toUpperCase() + word.slice(1).replace(/[-_](\w)/g, (_, c: string) => c.toUpperCase()),
    pattern,
    longer_alt: Identifier,
    label: `'${word}'`,
    line_breaks: false,
  });
  keywords.push(token);
  return token;
}

export const EveryDistinct = keyword('every-distinct', /every-distinct/i);
export const RetainUnion = keyword('retain-union', /retain-union/i);
export const RetainIntersection = keyword('retain-intersection', /retain-intersection/i);
export const Select = keyword('select');
export const From = keyword('from');
export const Where = keyword('where');
export const Group = keyword('group');
export const By = keyword('by');
export const Having = keyword('having');
export const Order = keyword('order');
export const Asc = keyword('asc');
export const Desc = keyword('desc');
export const Limit = keyword('limit');
// Reserved as in Esper: `from S output every 5 events` must not read `output` as an alias.
export const Output = keyword('output');
export const Offset = keyword('offset');
export const Insert = keyword('insert');
export const Into = keyword('into');
export const Istream = keyword('istream');
export const Rstream = keyword('rstream');
export const Irstream = keyword('irstream');
export const Distinct = keyword('distinct');
export const As = keyword('as');
export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');
// Before `in`, which is its prefix (the lexer tries keywords in order).
export const Inner = keyword('inner');
export const In = keyword('in');
export const Between = keyword('between');
export const Like = keyword('like');
export const Regexp = keyword('regexp');
export const Escape = keyword('escape');
export const Is = keyword('is');
export const Null = keyword('null');
export const True = keyword('true');
export const False = keyword('false');
export const Case = keyword('case');
export const When = keyword('when');
export const Then = keyword('then');
export const Else = keyword('else');
export const End = keyword('end');
export const Create = keyword('create');
export const Schema = keyword('schema');
export const Cast = keyword('cast');
export const Pattern = keyword('pattern');
export const Every = keyword('every');
export const Until = keyword('until');
export const While = keyword('while');
export const MatchRecognize = keyword('match_recognize');
export const Partition = keyword('partition');
export const Unidirectional = keyword('unidirectional');
export const Join = keyword('join');
export const Outer = keyword('outer');
export const Left = keyword('left');
export const Right = keyword('right');
export const Full = keyword('full');
export const On = keyword('on');
export const Measures = keyword('measures');
export const Define = keyword('define');

export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"/,
  label: 'a string',
  line_breaks: true,
});
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[lLdDfF]?/,
  label: 'a number',
  line_breaks: false,
});

function punct(name: string, pattern: RegExp, text: string): TokenType {
  return createToken({ name, pattern, label: `'${text}'`, line_breaks: false });
}

export const Arrow = punct('Arrow', /->/, '->');
export const Concat = punct('Concat', /\|\|/, '||');
export const NotEquals = punct('NotEquals', /!=|<>/, '!=');
export const LessEquals = punct('LessEquals', /<=/, '<=');
export const GreaterEquals = punct('GreaterEquals', />=/, '>=');
export const Less = punct('Less', /</, '<');
export const Greater = punct('Greater', />/, '>');
export const Equals = punct('Equals', /=/, '=');
export const LParen = punct('LParen', /\(/, '(');
export const RParen = punct('RParen', /\)/, ')');
export const LBracket = punct('LBracket', /\[/, '[');
export const RBracket = punct('RBracket', /]/, ']');
export const LBrace = punct('LBrace', /\{/, '{');
export const RBrace = punct('RBrace', /}/, '}');
export const Comma = punct('Comma', /,/, ',');
export const Semicolon = punct('Semicolon', /;/, ';');
export const Dot = punct('Dot', /\./, '.');
export const Star = punct('Star', /\*/, '*');
export const Plus = punct('Plus', /\+/, '+');
export const Minus = punct('Minus', /-/, '-');
export const Slash = punct('Slash', /\//, '/');
export const Percent = punct('Percent', /%/, '%');
export const At = punct('At', /@/, '@');
export const Hash = punct('Hash', /#/, '#');
export const Colon = punct('Colon', /:/, ':');
export const Question = punct('Question', /\?/, '?');
export const Pipe = punct('Pipe', /\|/, '|');

export const allTokens: TokenType[] = [
  WhiteSpace,
  BlockComment,
  LineComment,
  ...keywords,
  StringLiteral,
  NumberLiteral,
  Identifier,
  Arrow,
  Concat,
  NotEquals,
  LessEquals,
  GreaterEquals,
  Less,
  Greater,
  Equals,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Semicolon,
  Dot,
  Star,
  Plus,
  Minus,
  Slash,
  Percent,
  At,
  Hash,
  Colon,
  Question,
  Pipe,
];

/**
 * The lexer. `safeMode` skips Chevrotain's first-character index (building it parses every
 * token's regexp, ~0.1 s of each start; queries are short, so trying the patterns in order
 * costs nothing measurable) and validations are run once by a test, not at every start.
 */
export const LEXER_CONFIG = { positionTracking: 'full', safeMode: true } as const;
export const eplLexer = new Lexer(allTokens, { ...LEXER_CONFIG, skipValidations: true });
