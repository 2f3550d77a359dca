/**
 * The EPL grammar, as a Chevrotain parser with rules as class fields. It builds the AST
 * directly (embedded actions): one pass, no intermediate CST to allocate and visit.
 * Precedence follows Esper's grammar: expressions or < and < not < comparison < in/between/
 * like/regexp < || < + - < * / % < unary; patterns -> < or < and < repeat/until <
 * every/not/every-distinct < guard postfix.
 */
import {
  EOF,
  EmbeddedActionsParser,
  type ILookaheadStrategy,
  type ILookaheadValidationError,
  type IToken,
  LLkLookaheadStrategy,
  type Rule,
  type TokenType,
} from 'chevrotain';
import type * as A from '../ast/ast.js';
import type * as AI from '../ast/infra-ast.js';
import type { ModuleItem } from '../ast/module.js';
import type { Span } from '../common/span.js';
import { type LookaheadFunctions, decisionKey } from './recorded-lookahead.js';
import { ExpectedWordError, syntaxErrorMessageProvider } from './syntax-errors.js';
import * as T from './tokens.js';

const TIME_UNITS: Record<string, A.TimeUnit> = {
  year: 'year',
  years: 'year',
  month: 'month',
  months: 'month',
  week: 'week',
  weeks: 'week',
  day: 'day',
  days: 'day',
  hour: 'hour',
  hours: 'hour',
  minute: 'minute',
  minutes: 'minute',
  min: 'minute',
  second: 'second',
  seconds: 'second',
  sec: 'second',
  millisecond: 'millisecond',
  milliseconds: 'millisecond',
  msec: 'millisecond',
  microsecond: 'microsecond',
  microseconds: 'microsecond',
  usec: 'microsecond',
};

const SCHEMA_TYPES: Record<string, A.SchemaPropertyType> = {
  string: 'string',
  int: 'int',
  integer: 'int',
  long: 'long',
  double: 'double',
  float: 'double',
  boolean: 'boolean',
  bool: 'boolean',
};

const RECORDING_SPAN: Span = { startOffset: 0, endOffset: 0, line: 1, column: 1 };

/** Spans are computed in grammar actions; during Chevrotain's recording phase values are placeholders. */
export function spanOf(first: IToken, last: IToken = first): Span {
  if (first === undefined || last === undefined) return RECORDING_SPAN;
  return {
    startOffset: first.startOffset,
    endOffset: (last.endOffset ?? last.startOffset) + 1,
    line: first.startLine ?? 1,
    column: first.startColumn ?? 1,
  };
}

export function spanFrom(a: Span, b: Span): Span {
  if (a === undefined || b === undefined) return RECORDING_SPAN;
  return {
    startOffset: a.startOffset,
    endOffset: Math.max(a.endOffset, b.endOffset),
    line: a.line,
    column: a.column,
  };
}

function identName(token: IToken): string {
  const image = token.image;
  return image.startsWith('`') ? image.slice(1, -1) : image;
}

function ident(token: IToken): A.Identifier {
  return { name: identName(token), span: spanOf(token) };
}

/** Decodes a string literal: either quote, backslash escapes, doubled quotes. */
export function unquote(image: string): string {
  const quote = image[0] as string;
  const body = image.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\' && i + 1 < body.length) {
      const n = body[++i] as string;
      out += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' } as Record<string, string>)[n] ?? n;
    } else if (c === quote && body[i + 1] === quote) {
      out += quote;
      i++;
    } else out += c;
  }
  return out;
}

function numberLiteral(token: IToken): A.Literal {
  const text = token.image;
  const suffix = text.slice(-1).toLowerCase();
  const digits = /[ldf]/.test(suffix) ? text.slice(0, -1) : text;
  const isFloat = /[.eE]/.test(digits) || suffix === 'd' || suffix === 'f';
  const literalType: A.LiteralType = suffix === 'l' ? 'long' : isFloat ? 'double' : 'int';
  return { kind: 'Literal', value: Number(digits), literalType, text, span: spanOf(token) };
}

export const MAX_LOOKAHEAD = 4;

/**
 * Chevrotain's LL(k) lookahead, computed for a production the first time the parser reaches
 * it instead of for all of them when the parser is built. Building every lookahead function
 * up front was most of `weir run`'s start (a grammar of this size: ~0.2 s); a query reaches a
 * small part of the grammar. Same functions, same decisions, only built later; from the
 * paths the build recorded (recorded-lookahead.ts) when the parser is given them.
 */
class LazyLookahead implements ILookaheadStrategy {
  private readonly eager = new LLkLookaheadStrategy({ maxLookahead: MAX_LOOKAHEAD });

  constructor(private readonly recorded: LookaheadFunctions | undefined) {}

  validate(options: Parameters<ILookaheadStrategy['validate']>[0]): ILookaheadValidationError[] {
    return this.eager.validate(options);
  }

  initialize(options: { rules: Rule[] }): void {
    this.eager.initialize?.(options);
  }

  buildLookaheadForAlternation(
    options: Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0],
  ): ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']> {
    const eager = this.eager;
    const recorded = this.recorded;
    let real: ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']> | undefined;
    return function (this: unknown, alternatives) {
      real ??=
        (recorded?.alternation(
          decisionKey(options.rule.name, 'Alternation', options.prodOccurrence, options.maxLookahead),
          options.hasPredicates,
        ) as typeof real) ?? eager.buildLookaheadForAlternation(options);
      return real.call(this, alternatives);
    };
  }

  buildLookaheadForOptional(
    options: Parameters<ILookaheadStrategy['buildLookaheadForOptional']>[0],
  ): ReturnType<ILookaheadStrategy['buildLookaheadForOptional']> {
    const eager = this.eager;
    const recorded = this.recorded;
    let real: ReturnType<ILookaheadStrategy['buildLookaheadForOptional']> | undefined;
    return function (this: unknown) {
      real ??=
        (recorded?.optional(
          decisionKey(options.rule.name, options.prodType, options.prodOccurrence, options.maxLookahead),
        ) as typeof real) ?? eager.buildLookaheadForOptional(options);
      return real.call(this);
    };
  }
}

export interface EplParserOptions {
  /**
   * Run Chevrotain's grammar validations (ambiguities, left recursion) while building. They
   * depend on the grammar only, never on the input, so a test runs them once
   * (test/parser/grammar-validations.test.ts) and every start skips their cost.
   */
  readonly validate?: boolean;
  /**
   * The grammar's GAST as recorded before (recorded-grammar.ts): used instead of recording
   * it again (a rule missing from it is recorded as usual).
   */
  readonly recorded?: Readonly<Record<string, Rule>>;
  /** The lookahead paths recorded with it (recorded-lookahead.ts): decisions built from them instead of computed. */
  readonly lookahead?: LookaheadFunctions;
}

type RuleRecorder = (name: string, definition: () => unknown) => Rule;

export class EplParser extends EmbeddedActionsParser {
  constructor(options: EplParserOptions = {}) {
    super(T.allTokens, {
      recoveryEnabled: false,
      errorMessageProvider: syntaxErrorMessageProvider,
      maxLookahead: MAX_LOOKAHEAD,
      skipValidations: options.validate !== true,
      lookaheadStrategy: new LazyLookahead(options.lookahead),
    });
    const recorded = options.recorded;
    if (recorded !== undefined) {
      // Chevrotain records each rule through this method while it analyses the grammar.
      const record = (this as unknown as { topLevelRuleRecord: RuleRecorder }).topLevelRuleRecord;
      const replay: RuleRecorder = (name, definition) =>
        recorded[name] ?? record.call(this, name, definition);
      Object.defineProperty(this, 'topLevelRuleRecord', { value: replay });
    }
    this.performSelfAnalysis();
  }

  private isIdent(offset: number, ...words: string[]): boolean {
    const token = this.LA(offset);
    return token.tokenType === T.Identifier && words.includes(token.image.toLowerCase());
  }

  private consumeWord(idx: number, word: string): IToken {
    const token = this.consumeIdent(idx);
    if (token.image.toLowerCase() !== word && !this.RECORDING_PHASE) {
      throw this.wordError(token, word);
    }
    return token;
  }

  private wordError(token: IToken, word: string): Error {
    return new ExpectedWordError(token, [`'${word}'`]);
  }

  private consumeIdent(idx: number): IToken {
    switch (idx) {
      case 1:
        return this.CONSUME1(T.Identifier);
      case 2:
        return this.CONSUME2(T.Identifier);
      case 3:
        return this.CONSUME3(T.Identifier);
      case 4:
        return this.CONSUME4(T.Identifier);
      case 5:
        return this.CONSUME5(T.Identifier);
      case 6:
        return this.CONSUME6(T.Identifier);
      case 7:
        return this.CONSUME7(T.Identifier);
      default:
        return this.CONSUME8(T.Identifier);
    }
  }

  // ───────────────────────────── module items ─────────────────────────────

  /** One schema or statement (the module splitter calls this per `;`-separated item). */
  item = this.RULE('item', (): ModuleItem => {
    return this.OR({
      // Annotations and a `context` prefix may precede any statement: gates look past them.
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.LA(1).tokenType === T.Create && this.LA(2).tokenType === T.Schema,
          ALT: () => this.SUBRULE(this.createSchema),
        },
        { GATE: () => this.startsInfraItem(), ALT: () => this.SUBRULE(this.infraItem) },
        { ALT: () => this.SUBRULE(this.selectStatement) },
      ],
    });
  });

  createSchema = this.RULE('createSchema', (): A.CreateSchema => {
    const first = this.CONSUME(T.Create);
    this.CONSUME(T.Schema);
    const name = ident(this.CONSUME(T.Identifier));
    this.CONSUME(T.LParen);
    const properties: A.SchemaProperty[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => properties.push(this.SUBRULE(this.schemaProperty)),
    });
    let last = this.CONSUME(T.RParen);
    let timestampProperty: A.Identifier | undefined;
    let open = false;
    this.MANY(() => {
      this.OR([
        {
          GATE: () => this.isIdent(1, 'timestamp'),
          ALT: () => {
            this.consumeIdent(2);
            const t = this.consumeIdent(3);
            timestampProperty = ident(t);
            last = t;
          },
        },
        {
          GATE: () => this.isIdent(1, 'open'),
          ALT: () => {
            last = this.consumeIdent(4);
            open = true;
          },
        },
      ]);
    });
    return { kind: 'CreateSchema', name, properties, timestampProperty, open, span: spanOf(first, last) };
  });

  schemaProperty = this.RULE('schemaProperty', (): A.SchemaProperty => {
    const name = this.CONSUME(T.Identifier);
    const typeToken = this.CONSUME2(T.Identifier);
    const type = SCHEMA_TYPES[typeToken.image.toLowerCase()];
    if (type === undefined && !this.RECORDING_PHASE) {
      throw new ExpectedWordError(typeToken, ["'string'", "'int'", "'long'", "'double'", "'boolean'"]);
    }
    return { name: ident(name), type: type ?? 'string', span: spanOf(name, typeToken) };
  });

  annotation = this.RULE('annotation', (): A.Annotation => {
    const at = this.CONSUME(T.At);
    const name = ident(this.CONSUME(T.Identifier));
    let value: A.Literal | undefined;
    let last = at;
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => {
        value = this.SUBRULE(this.literal);
      });
      last = this.CONSUME(T.RParen);
    });
    return { name, value, span: value === undefined ? spanOf(at, last) : spanOf(at, last) };
  });

  selector = this.RULE('selector', (): A.StreamSelector => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Istream);
          return 'istream' as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Rstream);
          return 'rstream' as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Irstream);
          return 'irstream' as const;
        },
      },
    ]);
  });

  /** Subqueries seen so far in the statement being parsed (Esper numbers them for names). */
  private subqueryCount = 0;

  selectStatement = this.RULE('selectStatement', (): A.SelectStatement => {
    this.ACTION(() => {
      this.subqueryCount = 0;
    });
    const annotations: A.Annotation[] = [];
    this.MANY(() => annotations.push(this.SUBRULE(this.annotation)));
    let context: A.Identifier | undefined;
    this.option(10, {
      GATE: () => this.isContextPrefix(),
      DEF: () => {
        context = this.SUBRULE(this.contextPrefix);
      },
    });
    let intoTable: A.Identifier | undefined;
    this.option(11, () => {
      intoTable = this.SUBRULE(this.intoTableClause);
    });
    let insertInto: A.InsertInto | undefined;
    this.OPTION(() => {
      const ins = this.CONSUME(T.Insert);
      let sel: A.StreamSelector = 'istream';
      this.OPTION2(() => {
        sel = this.SUBRULE(this.selector);
      });
      this.CONSUME(T.Into);
      const target = this.CONSUME(T.Identifier);
      insertInto = { selector: sel, target: ident(target), span: spanOf(ins, target) };
    });
    const selectTok = this.CONSUME(T.Select);
    let selector: A.StreamSelector | undefined;
    this.OPTION3(() => {
      selector = this.SUBRULE2(this.selector);
    });
    let distinct = false;
    this.OPTION4(() => {
      this.CONSUME(T.Distinct);
      distinct = true;
    });
    const selectList: A.SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => selectList.push(this.SUBRULE(this.selectItem)) });
    this.CONSUME(T.From);
    const from: A.FromItem[] = [this.SUBRULE(this.fromItem)];
    const joins: A.JoinClause[] = [];
    this.MANY2(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Comma);
            from.push(this.SUBRULE2(this.fromItem));
          },
        },
        {
          ALT: () => {
            const join = this.SUBRULE(this.joinClause);
            from.push(join.item);
            joins.push(join.clause);
          },
        },
      ]);
    });
    let where: A.Expr | undefined;
    this.OPTION5(() => {
      this.CONSUME(T.Where);
      where = this.SUBRULE(this.expr);
    });
    const groupBy: A.Expr[] = [];
    this.OPTION6(() => {
      this.CONSUME(T.Group);
      this.CONSUME(T.By);
      this.AT_LEAST_ONE_SEP3({ SEP: T.Comma, DEF: () => groupBy.push(this.SUBRULE2(this.expr)) });
    });
    let having: A.Expr | undefined;
    this.OPTION7(() => {
      this.CONSUME(T.Having);
      having = this.SUBRULE3(this.expr);
    });
    let output: A.OutputClause | undefined;
    this.option(20, () => {
      output = this.SUBRULE(this.outputClause);
    });
    const orderBy: A.OrderByItem[] = [];
    this.OPTION8(() => {
      this.CONSUME(T.Order);
      this.CONSUME2(T.By);
      this.AT_LEAST_ONE_SEP4({ SEP: T.Comma, DEF: () => orderBy.push(this.SUBRULE(this.orderByItem)) });
    });
    let limit: A.LimitClause | undefined;
    this.OPTION9(() => {
      limit = this.SUBRULE(this.limitClause);
    });
    const lastTok = this.LA(0);
    const first = annotations[0]?.span ?? insertInto?.span ?? spanOf(selectTok);
    const span = this.RECORDING_PHASE ? first : spanFrom(first, spanOf(lastTok));
    return {
      kind: 'Select',
      annotations,
      context,
      intoTable,
      insertInto,
      selector,
      distinct,
      selectList,
      from,
      joins,
      where,
      groupBy,
      having,
      output,
      orderBy,
      limit,
      text: '',
      span,
    };
  });

  /**
   * `output [after p | after n events] [all|first|last|snapshot] [every n events | every p |
   * at (crontab) | when expr | when terminated] [and when terminated]` (Esper's outputLimit).
   * The words after `output` are contextual: `all`, `first`, `last`, `snapshot`, `after`,
   * `events`, `at`, `terminated` stay usable as property names elsewhere.
   */
  outputClause = this.RULE('outputClause', (): A.OutputClause => {
    const first = this.CONSUME(T.Output);
    let last: Span | undefined;
    let after: A.OutputClause['after'];
    this.OPTION({
      GATE: () => this.isIdent(1, 'after'),
      DEF: () => {
        this.consumeWord(1, 'after');
        const amount = this.SUBRULE(this.numberOrPeriod);
        let events: IToken | undefined;
        this.OPTION2({
          GATE: () => this.isIdent(1, 'events'),
          DEF: () => {
            events = this.consumeWord(2, 'events');
          },
        });
        after = events === undefined ? { kind: 'time', period: amount } : { kind: 'events', count: amount };
        last = events === undefined ? amount.span : spanOf(events);
      },
    });
    let type: A.OutputLimitType = 'default';
    this.OPTION3({
      GATE: () => this.isIdent(1, 'all', 'first', 'last', 'snapshot'),
      DEF: () => {
        const word = this.consumeIdent(3);
        type = word.image.toLowerCase() as A.OutputLimitType;
        last = spanOf(word);
      },
    });
    let rate: A.OutputRate | undefined;
    this.OPTION4(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Every);
            const amount = this.SUBRULE2(this.numberOrPeriod);
            let events: IToken | undefined;
            this.OPTION5({
              GATE: () => this.isIdent(1, 'events'),
              DEF: () => {
                events = this.consumeWord(4, 'events');
              },
            });
            rate =
              events === undefined ? { kind: 'time', period: amount } : { kind: 'events', count: amount };
            last = events === undefined ? amount.span : spanOf(events);
          },
        },
        {
          GATE: () => this.isIdent(1, 'at'),
          ALT: () => {
            this.consumeWord(5, 'at');
            this.CONSUME(T.LParen);
            const fields: A.CrontabField[] = [];
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => fields.push(this.SUBRULE(this.crontabField)) });
            last = spanOf(this.CONSUME(T.RParen));
            rate = { kind: 'crontab', fields };
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.When);
            this.OR2([
              {
                GATE: () => this.isIdent(1, 'terminated'),
                ALT: () => {
                  last = spanOf(this.consumeWord(6, 'terminated'));
                  rate = { kind: 'terminated' };
                },
              },
              {
                ALT: () => {
                  const condition = this.SUBRULE(this.expr);
                  last = condition.span;
                  rate = { kind: 'when', condition };
                },
              },
            ]);
          },
        },
      ]);
    });
    let andWhenTerminated = false;
    this.OPTION6(() => {
      this.CONSUME(T.And);
      this.CONSUME2(T.When);
      last = spanOf(this.consumeWord(7, 'terminated'));
      andWhenTerminated = true;
    });
    if (rate === undefined && after === undefined && !this.RECORDING_PHASE) {
      throw new ExpectedWordError(this.LA(1), ["'every'", "'at'", "'when'", "'after'"]);
    }
    const span = last === undefined ? spanOf(first) : spanFrom(spanOf(first), last);
    return { type, rate, after, andWhenTerminated, span };
  });

  /** A crontab field: `*`, `5`, `1:5`, `*\/4`, `1:30/5`, `[0, 15, 30:40]`. */
  crontabField = this.RULE('crontabField', (): A.CrontabField => {
    return this.OR([
      {
        ALT: () => {
          const open = this.CONSUME(T.LBracket);
          const items: A.CrontabField[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.crontabRange)) });
          const close = this.CONSUME(T.RBracket);
          return { kind: 'list' as const, items, span: spanOf(open, close) };
        },
      },
      { ALT: () => this.SUBRULE2(this.crontabRange) },
    ]);
  });

  crontabRange = this.RULE('crontabRange', (): A.CrontabField => {
    let range: A.CrontabField = this.OR([
      {
        ALT: () => ({ kind: 'any' as const, span: spanOf(this.CONSUME(T.Star)) }),
      },
      {
        ALT: () => {
          const low = this.SUBRULE(this.unaryExpr);
          let high: A.Expr | undefined;
          this.OPTION(() => {
            this.CONSUME(T.Colon);
            high = this.SUBRULE2(this.unaryExpr);
          });
          return high === undefined
            ? { kind: 'value' as const, value: low, span: low.span }
            : { kind: 'range' as const, low, high, span: spanFrom(low.span, high.span) };
        },
      },
    ]);
    this.OPTION2(() => {
      this.CONSUME(T.Slash);
      const step = this.SUBRULE3(this.unaryExpr);
      range = { kind: 'frequency', range, step, span: spanFrom(range.span, step.span) };
    });
    return range;
  });

  /** `[inner] join B on cond`, `left|right|full [outer] join B on cond` (Esper's ANSI form). */
  joinClause = this.RULE('joinClause', (): { item: A.FromItem; clause: A.JoinClause } => {
    let kind: A.JoinClause['kind'] = 'inner';
    const first = this.LA(1);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Inner) },
        {
          ALT: () => {
            kind = this.OR2([
              {
                ALT: () => {
                  this.CONSUME(T.Left);
                  return 'left' as const;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Right);
                  return 'right' as const;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Full);
                  return 'full' as const;
                },
              },
            ]);
            this.OPTION2(() => this.CONSUME(T.Outer));
          },
        },
      ]);
    });
    this.CONSUME(T.Join);
    const item = this.SUBRULE(this.fromItem);
    this.CONSUME(T.On);
    const on = this.SUBRULE(this.expr);
    const span = this.RECORDING_PHASE ? spanOf(first) : spanFrom(spanOf(first), on.span);
    return { item, clause: { kind, on, span } };
  });

  /** `(select … from Stream#win [as a] [where …] [group by …] [having …])`. */
  subquery = this.RULE('subquery', (): A.Subquery => {
    const open = this.CONSUME(T.LParen);
    this.CONSUME(T.Select);
    let distinct = false;
    this.OPTION(() => {
      this.CONSUME(T.Distinct);
      distinct = true;
    });
    const selectList: A.SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => selectList.push(this.SUBRULE(this.selectItem)) });
    this.CONSUME(T.From);
    const from = this.SUBRULE(this.streamSource);
    let where: A.Expr | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.Where);
      where = this.SUBRULE(this.expr);
    });
    const groupBy: A.Expr[] = [];
    this.OPTION3(() => {
      this.CONSUME(T.Group);
      this.CONSUME(T.By);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => groupBy.push(this.SUBRULE2(this.expr)) });
    });
    let having: A.Expr | undefined;
    this.OPTION4(() => {
      this.CONSUME(T.Having);
      having = this.SUBRULE3(this.expr);
    });
    const close = this.CONSUME(T.RParen);
    const number = this.ACTION(() => ++this.subqueryCount) ?? 0;
    return { distinct, selectList, from, where, groupBy, having, number, span: spanOf(open, close) };
  });

  limitClause = this.RULE('limitClause', (): A.LimitClause => {
    const l = this.CONSUME(T.Limit);
    const count = this.SUBRULE(this.expr);
    let offset: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Offset);
      offset = this.SUBRULE2(this.expr);
    });
    return { count, offset, span: spanFrom(spanOf(l), (offset ?? count).span) };
  });

  selectItem = this.RULE('selectItem', (): A.SelectItem => {
    return this.OR([
      { ALT: () => ({ kind: 'SelectWildcard' as const, span: spanOf(this.CONSUME(T.Star)) }) },
      {
        GATE: () =>
          this.LA(1).tokenType === T.Identifier &&
          this.LA(2).tokenType === T.Dot &&
          this.LA(3).tokenType === T.Star,
        ALT: () => {
          const s = this.CONSUME(T.Identifier);
          this.CONSUME(T.Dot);
          const star = this.CONSUME2(T.Star);
          return { kind: 'SelectStreamWildcard' as const, stream: ident(s), span: spanOf(s, star) };
        },
      },
      {
        ALT: () => {
          const expr = this.SUBRULE(this.expr);
          let alias: A.Identifier | undefined;
          this.OPTION(() => {
            this.CONSUME(T.As);
            alias = ident(this.CONSUME2(T.Identifier));
          });
          return {
            kind: 'SelectExpr' as const,
            expr,
            alias,
            span: alias === undefined ? expr.span : spanFrom(expr.span, alias.span),
          };
        },
      },
    ]);
  });

  orderByItem = this.RULE('orderByItem', (): A.OrderByItem => {
    const expr = this.SUBRULE(this.expr);
    let descending = false;
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Asc) },
        {
          ALT: () => {
            this.CONSUME(T.Desc);
            descending = true;
          },
        },
      ]);
    });
    return { expr, descending, span: expr.span };
  });

  // ───────────────────────────── from ─────────────────────────────

  fromItem = this.RULE('fromItem', (): A.FromItem => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.patternSource) },
      { ALT: () => this.SUBRULE(this.streamSource) },
    ]);
  });

  alias = this.RULE('alias', (): A.Identifier => {
    this.OPTION(() => this.CONSUME(T.As));
    return ident(this.CONSUME(T.Identifier));
  });

  patternSource = this.RULE('patternSource', (): A.PatternSource => {
    const first = this.CONSUME(T.Pattern);
    this.CONSUME(T.LBracket);
    const pattern = this.SUBRULE(this.patternExpr);
    const last = this.CONSUME(T.RBracket);
    let alias: A.Identifier | undefined;
    this.OPTION(() => {
      alias = this.SUBRULE(this.alias);
    });
    return { kind: 'PatternSource', pattern, alias, span: spanOf(first, last) };
  });

  streamSource = this.RULE('streamSource', (): A.StreamSource => {
    const name = this.CONSUME(T.Identifier);
    let last = name;
    const filters: A.Expr[] = [];
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => filters.push(this.SUBRULE(this.expr)) });
      last = this.CONSUME(T.RParen);
    });
    const windows: A.WindowSpec[] = [];
    this.MANY(() => {
      const w = this.SUBRULE(this.windowSpec);
      windows.push(w);
    });
    let retain: A.StreamSource['retain'];
    let retainSpan: Span | undefined;
    this.OPTION5(() => {
      const t = this.OR2([
        { ALT: () => this.CONSUME(T.RetainUnion) },
        { ALT: () => this.CONSUME(T.RetainIntersection) },
      ]);
      retain = t.tokenType === T.RetainUnion ? 'union' : 'intersection';
      retainSpan = spanOf(t);
    });
    let matchRecognize: A.MatchRecognize | undefined;
    this.OPTION2(() => {
      matchRecognize = this.SUBRULE(this.matchRecognize);
    });
    let alias: A.Identifier | undefined;
    this.OPTION3(() => {
      alias = this.SUBRULE(this.alias);
    });
    let unidirectional: Span | undefined;
    this.OPTION4(() => {
      unidirectional = spanOf(this.CONSUME(T.Unidirectional));
    });
    const lastSpan =
      unidirectional ??
      alias?.span ??
      matchRecognize?.span ??
      retainSpan ??
      windows[windows.length - 1]?.span ??
      spanOf(last);
    return {
      kind: 'StreamSource',
      stream: ident(name),
      filters,
      windows,
      matchRecognize,
      alias,
      unidirectional: unidirectional !== undefined,
      retain,
      span: spanFrom(spanOf(name), lastSpan),
    };
  });

  /** `#name(args)`, `#keepall`, or Esper's older `.win:name(args)`. */
  windowSpec = this.RULE('windowSpec', (): A.WindowSpec => {
    const first = this.OR([
      { ALT: () => this.CONSUME(T.Hash) },
      {
        ALT: () => {
          const dot = this.CONSUME(T.Dot);
          this.CONSUME(T.Identifier);
          this.CONSUME(T.Colon);
          return dot;
        },
      },
    ]);
    const name = this.CONSUME2(T.Identifier);
    let last = name;
    const args: A.WindowArg[] = [];
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.windowArg)) });
      last = this.CONSUME(T.RParen);
    });
    return { name: ident(name), args, span: spanOf(first, last) };
  });

  windowArg = this.RULE('windowArg', (): A.WindowArg => {
    const expr = this.SUBRULE(this.expr);
    let direction: IToken | undefined;
    this.OPTION(() => {
      direction = this.OR([{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => this.CONSUME(T.Desc) }]);
    });
    if (direction === undefined) return expr;
    return {
      kind: 'SortedArg',
      expr,
      descending: direction.tokenType === T.Desc,
      span: spanFrom(expr.span, spanOf(direction)),
    };
  });

  // ───────────────────────────── expressions ─────────────────────────────

  expr = this.RULE('expr', (): A.Expr => this.SUBRULE(this.orExpr));

  private binary(op: A.BinaryOp, opText: string, left: A.Expr, right: A.Expr): A.BinaryExpr {
    return { kind: 'Binary', op, opText, left, right, span: spanFrom(left.span, right.span) };
  }

  orExpr = this.RULE('orExpr', (): A.Expr => {
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      const right = this.SUBRULE2(this.andExpr);
      left = this.binary('or', 'or', left, right);
    });
    return left;
  });

  andExpr = this.RULE('andExpr', (): A.Expr => {
    let left = this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      const right = this.SUBRULE2(this.notExpr);
      left = this.binary('and', 'and', left, right);
    });
    return left;
  });

  notExpr = this.RULE('notExpr', (): A.Expr => {
    return this.OR([
      {
        ALT: () => {
          const not = this.CONSUME(T.Not);
          const operand = this.SUBRULE(this.notExpr);
          return {
            kind: 'Unary' as const,
            op: 'not' as const,
            operand,
            span: spanFrom(spanOf(not), operand.span),
          };
        },
      },
      { ALT: () => this.SUBRULE(this.equalityExpr) },
    ]);
  });

  equalityExpr = this.RULE('equalityExpr', (): A.Expr => {
    let left = this.SUBRULE(this.relationalExpr);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.OR2([
              { ALT: () => this.CONSUME(T.Equals) },
              { ALT: () => this.CONSUME(T.NotEquals) },
            ]);
            const opName = op.tokenType === T.Equals ? '=' : '!=';
            left = this.OR3([
              {
                GATE: () => this.isQuantifier(),
                ALT: () => this.SUBRULE(this.quantified, { ARGS: [left, opName] }),
              },
              {
                ALT: () => {
                  const right = this.SUBRULE2(this.relationalExpr);
                  return this.binary(opName, op.image, left, right);
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            let negated = false;
            this.OPTION(() => {
              this.CONSUME(T.Not);
              negated = true;
            });
            const n = this.CONSUME(T.Null);
            left = { kind: 'IsNull', operand: left, negated, span: spanFrom(left.span, spanOf(n)) };
          },
        },
      ]);
    });
    return left;
  });

  relationalExpr = this.RULE('relationalExpr', (): A.Expr => {
    const left = this.SUBRULE(this.concatExpr);
    let result: A.Expr = left;
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.OR2([
              { ALT: () => this.CONSUME(T.Less) },
              { ALT: () => this.CONSUME(T.LessEquals) },
              { ALT: () => this.CONSUME(T.Greater) },
              { ALT: () => this.CONSUME(T.GreaterEquals) },
            ]);
            result = this.OR5([
              {
                GATE: () => this.isQuantifier(),
                ALT: () => this.SUBRULE(this.quantified, { ARGS: [left, op.image] }),
              },
              {
                ALT: () => {
                  const right = this.SUBRULE2(this.concatExpr);
                  return this.binary(op.image as A.BinaryOp, op.image, left, right);
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            let negated = false;
            this.OPTION2(() => {
              this.CONSUME(T.Not);
              negated = true;
            });
            result = this.OR3([
              {
                ALT: () => {
                  this.CONSUME(T.In);
                  return this.OR4([
                    {
                      GATE: () => this.LA(2).tokenType === T.Select,
                      ALT: () => {
                        const query = this.SUBRULE(this.subquery);
                        return {
                          kind: 'InSubquery' as const,
                          operand: left,
                          query,
                          negated,
                          span: spanFrom(left.span, query.span),
                        };
                      },
                    },
                    {
                      ALT: () => {
                        this.CONSUME(T.LParen);
                        const list: A.Expr[] = [];
                        this.AT_LEAST_ONE_SEP({
                          SEP: T.Comma,
                          DEF: () => list.push(this.SUBRULE(this.expr)),
                        });
                        const close = this.CONSUME(T.RParen);
                        return {
                          kind: 'In' as const,
                          operand: left,
                          list,
                          negated,
                          span: spanFrom(left.span, spanOf(close)),
                        };
                      },
                    },
                  ]);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Between);
                  const low = this.SUBRULE3(this.concatExpr);
                  this.CONSUME(T.And);
                  const high = this.SUBRULE4(this.concatExpr);
                  return {
                    kind: 'Between' as const,
                    operand: left,
                    low,
                    high,
                    negated,
                    span: spanFrom(left.span, high.span),
                  };
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Like);
                  const pattern = this.SUBRULE5(this.concatExpr);
                  let escapeExpr: A.Expr | undefined;
                  this.OPTION3(() => {
                    this.CONSUME(T.Escape);
                    escapeExpr = this.SUBRULE6(this.concatExpr);
                  });
                  return {
                    kind: 'Like' as const,
                    operand: left,
                    pattern,
                    escape: escapeExpr,
                    negated,
                    span: spanFrom(left.span, (escapeExpr ?? pattern).span),
                  };
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Regexp);
                  const pattern = this.SUBRULE7(this.concatExpr);
                  return {
                    kind: 'Regexp' as const,
                    operand: left,
                    pattern,
                    negated,
                    span: spanFrom(left.span, pattern.span),
                  };
                },
              },
            ]);
          },
        },
      ]);
    });
    return result;
  });

  /** `any (…)`, `some (…)`, `all (…)` after a comparison operator. */
  private isQuantifier(): boolean {
    return this.isIdent(1, 'any', 'some', 'all') && this.LA(2).tokenType === T.LParen;
  }

  /** `op any|some|all (select …)` or `op any|some|all (a, b, …)`; the operand and operator are parsed already. */
  quantified = this.RULE('quantified', (left: A.Expr, op: string): A.Expr => {
    const word = this.CONSUME(T.Identifier);
    const quantifier: 'any' | 'all' = word.image.toLowerCase() === 'all' ? 'all' : 'any';
    const cmp = op as A.QuantifiedExpr['op'];
    return this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.Select,
        ALT: () => {
          const query = this.SUBRULE(this.subquery);
          return {
            kind: 'Quantified' as const,
            op: cmp,
            quantifier,
            operand: left,
            query,
            list: [],
            span: spanFrom(left?.span, query.span),
          };
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const list: A.Expr[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => list.push(this.SUBRULE(this.expr)) });
          const close = this.CONSUME(T.RParen);
          return {
            kind: 'Quantified' as const,
            op: cmp,
            quantifier,
            operand: left,
            query: undefined,
            list,
            span: spanFrom(left?.span, spanOf(close)),
          };
        },
      },
    ]);
  });

  concatExpr = this.RULE('concatExpr', (): A.Expr => {
    let left = this.SUBRULE(this.additiveExpr);
    this.MANY(() => {
      this.CONSUME(T.Concat);
      const right = this.SUBRULE2(this.additiveExpr);
      left = this.binary('||', '||', left, right);
    });
    return left;
  });

  additiveExpr = this.RULE('additiveExpr', (): A.Expr => {
    let left = this.SUBRULE(this.multiplicativeExpr);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      const right = this.SUBRULE2(this.multiplicativeExpr);
      left = this.binary(op.image as A.BinaryOp, op.image, left, right);
    });
    return left;
  });

  multiplicativeExpr = this.RULE('multiplicativeExpr', (): A.Expr => {
    let left = this.SUBRULE(this.unaryExpr);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        { ALT: () => this.CONSUME(T.Slash) },
        { ALT: () => this.CONSUME(T.Percent) },
      ]);
      const right = this.SUBRULE2(this.unaryExpr);
      left = this.binary(op.image as A.BinaryOp, op.image, left, right);
    });
    return left;
  });

  unaryExpr = this.RULE('unaryExpr', (): A.Expr => {
    return this.OR([
      {
        ALT: () => {
          const op = this.OR2([{ ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(T.Plus) }]);
          const operand = this.SUBRULE(this.unaryExpr);
          return {
            kind: 'Unary' as const,
            op: op.image as '-' | '+',
            operand,
            span: spanFrom(spanOf(op), operand.span),
          };
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  primary = this.RULE('primary', (): A.Expr => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.numberOrPeriod) },
      { ALT: () => this.SUBRULE(this.wordLiteral) },
      {
        GATE: () => this.LA(2).tokenType === T.Select,
        ALT: () => {
          const query = this.SUBRULE(this.subquery);
          return { kind: 'Subquery' as const, query, span: query.span };
        },
      },
      {
        GATE: () =>
          this.isIdent(1, 'exists') && this.LA(2).tokenType === T.LParen && this.LA(3).tokenType === T.Select,
        ALT: () => {
          const word = this.CONSUME2(T.Identifier);
          const query = this.SUBRULE2(this.subquery);
          return { kind: 'Exists' as const, query, span: spanFrom(spanOf(word), query.span) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const e = this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
          return e;
        },
      },
      { ALT: () => this.SUBRULE(this.caseExpr) },
      { ALT: () => this.SUBRULE(this.castExpr) },
      {
        GATE: () => this.LA(2).tokenType === T.LParen,
        ALT: () => this.SUBRULE(this.callExpr),
      },
      {
        GATE: () => this.isTableAccess(),
        IGNORE_AMBIGUITIES: true,
        ALT: () => this.SUBRULE(this.tableAccess),
      },
      { ALT: () => this.SUBRULE(this.propertyRef) },
    ]);
  });

  /** A number, or a time period when units follow: `5`, `5 sec`, `1 min 30 sec`. */
  numberOrPeriod = this.RULE('numberOrPeriod', (): A.Expr => {
    const first = this.CONSUME(T.NumberLiteral);
    const num = numberLiteral(first);
    const parts: { value: A.Expr; unit: A.TimeUnit }[] = [];
    let last = first;
    this.OPTION({
      GATE: () => this.isUnit(1),
      DEF: () => {
        const unit = this.CONSUME(T.Identifier);
        last = unit;
        parts.push({ value: num, unit: TIME_UNITS[unit.image.toLowerCase()] ?? 'second' });
        this.MANY({
          GATE: () => this.isUnit(2),
          DEF: () => {
            const value = numberLiteral(this.CONSUME2(T.NumberLiteral));
            const next = this.CONSUME2(T.Identifier);
            last = next;
            parts.push({ value, unit: TIME_UNITS[next.image.toLowerCase()] ?? 'second' });
          },
        });
      },
    });
    if (parts.length === 0) return num;
    return { kind: 'TimePeriod', parts, span: spanOf(first, last) };
  });

  private isUnit(offset: number): boolean {
    const t = this.LA(offset);
    return (
      t.tokenType === T.Identifier &&
      TIME_UNITS[t.image.toLowerCase()] !== undefined &&
      this.LA(offset + 1).tokenType !== T.LParen
    );
  }

  literal = this.RULE('literal', (): A.Literal => {
    return this.OR([
      { ALT: () => numberLiteral(this.CONSUME(T.NumberLiteral)) },
      { ALT: () => this.SUBRULE(this.wordLiteral) },
    ]);
  });

  /** Literals other than numbers (numbers may start a time period). */
  wordLiteral = this.RULE('wordLiteral', (): A.Literal => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(T.StringLiteral);
          return {
            kind: 'Literal' as const,
            value: unquote(t.image),
            literalType: 'string' as const,
            text: t.image,
            span: spanOf(t),
          };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.True);
          return {
            kind: 'Literal' as const,
            value: true,
            literalType: 'boolean' as const,
            text: t.image,
            span: spanOf(t),
          };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.False);
          return {
            kind: 'Literal' as const,
            value: false,
            literalType: 'boolean' as const,
            text: t.image,
            span: spanOf(t),
          };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(T.Null);
          return {
            kind: 'Literal' as const,
            value: null,
            literalType: 'null' as const,
            text: t.image,
            span: spanOf(t),
          };
        },
      },
    ]);
  });

  caseExpr = this.RULE('caseExpr', (): A.CaseExpr => {
    const first = this.CONSUME(T.Case);
    let operand: A.Expr | undefined;
    this.OPTION(() => {
      operand = this.SUBRULE(this.expr);
    });
    const whens: { when: A.Expr; then: A.Expr }[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.When);
      const when = this.SUBRULE2(this.expr);
      this.CONSUME(T.Then);
      const then = this.SUBRULE3(this.expr);
      whens.push({ when, then });
    });
    let otherwise: A.Expr | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.Else);
      otherwise = this.SUBRULE4(this.expr);
    });
    const last = this.CONSUME(T.End);
    return { kind: 'Case', operand, whens, otherwise, span: spanOf(first, last) };
  });

  castExpr = this.RULE('castExpr', (): A.CastExpr => {
    const first = this.CONSUME(T.Cast);
    this.CONSUME(T.LParen);
    const operand = this.SUBRULE(this.expr);
    this.OR([{ ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.CONSUME(T.As) }]);
    const typeTok = this.CONSUME(T.Identifier);
    const last = this.CONSUME(T.RParen);
    const targetType = SCHEMA_TYPES[typeTok.image.toLowerCase()];
    if (targetType === undefined && !this.RECORDING_PHASE) {
      throw new ExpectedWordError(typeTok, ["'string'", "'int'", "'long'", "'double'", "'boolean'"]);
    }
    return { kind: 'Cast', operand, targetType: targetType ?? 'string', span: spanOf(first, last) };
  });

  callExpr = this.RULE('callExpr', (): A.CallExpr => {
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    let distinct = false;
    let star = false;
    const args: A.Expr[] = [];
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Star);
          star = true;
        },
      },
      {
        ALT: () => {
          this.OPTION(() => {
            this.CONSUME(T.Distinct);
            distinct = true;
          });
          this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.expr)) });
        },
      },
    ]);
    const last = this.CONSUME(T.RParen);
    return { kind: 'Call', name: ident(name), args, distinct, star, span: spanOf(name, last) };
  });

  propertyRef = this.RULE('propertyRef', (): A.PropertyRef => {
    const path: A.PathSegment[] = [];
    const segment = (token: IToken, index: IToken | undefined, close: IToken | undefined) => {
      path.push({
        name: identName(token),
        index: index === undefined ? undefined : Number(index.image),
        span: spanOf(token, close ?? token),
      });
    };
    const first = this.CONSUME(T.Identifier);
    let index: IToken | undefined;
    let close: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(T.LBracket);
      index = this.CONSUME(T.NumberLiteral);
      close = this.CONSUME(T.RBracket);
    });
    segment(first, index, close);
    let last = close ?? first;
    this.MANY({
      GATE: () =>
        this.LA(1).tokenType === T.Dot &&
        this.LA(2).tokenType === T.Identifier &&
        this.LA(3).tokenType !== T.Colon,
      DEF: () => {
        this.CONSUME(T.Dot);
        const name = this.CONSUME2(T.Identifier);
        let idx: IToken | undefined;
        let cl: IToken | undefined;
        this.OPTION2(() => {
          this.CONSUME2(T.LBracket);
          idx = this.CONSUME2(T.NumberLiteral);
          cl = this.CONSUME2(T.RBracket);
        });
        segment(name, idx, cl);
        last = cl ?? name;
      },
    });
    return { kind: 'PropertyRef', path, span: spanOf(first, last) };
  });

  // ───────────────────────────── patterns ─────────────────────────────

  patternExpr = this.RULE('patternExpr', (): A.PatternExpr => {
    const children = [this.SUBRULE(this.patternOr)];
    this.MANY(() => {
      this.CONSUME(T.Arrow);
      children.push(this.SUBRULE2(this.patternOr));
    });
    return flatten('PatternFollowedBy', children);
  });

  patternOr = this.RULE('patternOr', (): A.PatternExpr => {
    const children = [this.SUBRULE(this.patternAnd)];
    this.MANY(() => {
      this.CONSUME(T.Or);
      children.push(this.SUBRULE2(this.patternAnd));
    });
    return flatten('PatternOr', children);
  });

  patternAnd = this.RULE('patternAnd', (): A.PatternExpr => {
    const children = [this.SUBRULE(this.patternUntil)];
    this.MANY(() => {
      this.CONSUME(T.And);
      children.push(this.SUBRULE2(this.patternUntil));
    });
    return flatten('PatternAnd', children);
  });

  /** `[range] qualified [until qualified]` (Esper's matchUntilExpression). */
  patternUntil = this.RULE('patternUntil', (): A.PatternExpr => {
    let range: RepeatRange | undefined;
    this.OPTION(() => {
      range = this.SUBRULE(this.repeatRange);
    });
    const child = this.SUBRULE(this.patternQualified);
    let until: A.PatternExpr | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.Until);
      until = this.SUBRULE2(this.patternQualified);
    });
    if (range === undefined && until === undefined) return child;
    const r: RepeatRange = range ?? { min: undefined, max: undefined, exact: false, span: child.span };
    return {
      kind: 'PatternRepeat',
      min: r.min,
      max: r.max,
      exact: r.exact,
      child,
      until,
      span: spanFrom(r.span, (until ?? child).span),
    };
  });

  repeatRange = this.RULE('repeatRange', (): RepeatRange => {
    const open = this.CONSUME(T.LBracket);
    let min: A.Expr | undefined;
    let max: A.Expr | undefined;
    let exact = true;
    this.OPTION(() => {
      min = this.SUBRULE(this.expr);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Colon);
      exact = false;
      this.OPTION3(() => {
        max = this.SUBRULE2(this.expr);
      });
    });
    const close = this.CONSUME(T.RBracket);
    return { min, max: exact ? min : max, exact, span: spanOf(open, close) };
  });

  /** `every`/`not`/`every-distinct(…)` [range] guarded (Esper's qualifyExpression). */
  patternQualified = this.RULE('patternQualified', (): A.PatternExpr => {
    return this.OR([
      {
        ALT: () => {
          const op = this.OR2([{ ALT: () => this.CONSUME(T.Every) }, { ALT: () => this.CONSUME(T.Not) }]);
          const child = this.SUBRULE(this.rangedGuarded);
          const span = spanFrom(spanOf(op), child.span);
          return op.tokenType === T.Every
            ? { kind: 'PatternEvery' as const, child, span }
            : { kind: 'PatternNot' as const, child, span };
        },
      },
      {
        ALT: () => {
          const op = this.CONSUME(T.EveryDistinct);
          this.CONSUME(T.LParen);
          const args: A.Expr[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.expr)) });
          this.CONSUME(T.RParen);
          const child = this.SUBRULE2(this.rangedGuarded);
          const last = args[args.length - 1];
          const period = args.length > 1 && last?.kind === 'TimePeriod' ? last : undefined;
          return {
            kind: 'PatternEveryDistinct' as const,
            keys: period === undefined ? args : args.slice(0, -1),
            period,
            child,
            span: spanFrom(spanOf(op), child.span),
          };
        },
      },
      { ALT: () => this.SUBRULE(this.patternGuarded) },
    ]);
  });

  rangedGuarded = this.RULE('rangedGuarded', (): A.PatternExpr => {
    let range: RepeatRange | undefined;
    this.OPTION(() => {
      range = this.SUBRULE(this.repeatRange);
    });
    const child = this.SUBRULE(this.patternGuarded);
    if (range === undefined) return child;
    return {
      kind: 'PatternRepeat',
      min: range.min,
      max: range.max,
      exact: range.exact,
      child,
      until: undefined,
      span: spanFrom(range.span, child.span),
    };
  });

  patternGuarded = this.RULE('patternGuarded', (): A.PatternExpr => {
    let child: A.PatternExpr = this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const e = this.SUBRULE(this.patternExpr);
          this.CONSUME(T.RParen);
          return e;
        },
      },
      { ALT: () => this.SUBRULE(this.patternAtom) },
    ]);
    this.OPTION(() => {
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(T.Where);
            this.consumeWord(1, 'timer');
            this.CONSUME(T.Colon);
            const name = this.consumeIdent(2);
            const guard = name.image.toLowerCase();
            if (guard !== 'within' && guard !== 'withinmax' && !this.RECORDING_PHASE) {
              throw new ExpectedWordError(name, ["'within'", "'withinmax'"]);
            }
            this.CONSUME2(T.LParen);
            const args: A.Expr[] = [];
            this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.expr)) });
            const close = this.CONSUME2(T.RParen);
            child = {
              kind: 'PatternGuard',
              child,
              guard: guard === 'withinmax' ? 'withinmax' : 'within',
              args,
              span: spanFrom(child.span, spanOf(close)),
            };
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.While);
            this.CONSUME3(T.LParen);
            const cond = this.SUBRULE2(this.expr);
            const close = this.CONSUME3(T.RParen);
            child = {
              kind: 'PatternGuard',
              child,
              guard: 'while',
              args: [cond],
              span: spanFrom(child.span, spanOf(close)),
            };
          },
        },
      ]);
    });
    return child;
  });

  patternAtom = this.RULE('patternAtom', (): A.PatternExpr => {
    return this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.Colon,
        ALT: () => {
          const ns = this.consumeWord(1, 'timer');
          this.CONSUME(T.Colon);
          const name = this.consumeIdent(2);
          const observer = name.image.toLowerCase();
          if (observer !== 'interval' && observer !== 'at' && !this.RECORDING_PHASE) {
            throw new ExpectedWordError(name, ["'interval'", "'at'"]);
          }
          this.CONSUME(T.LParen);
          const args: A.Expr[] = [];
          this.MANY_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.observerArg)) });
          const close = this.CONSUME(T.RParen);
          return {
            kind: 'PatternObserver' as const,
            observer: observer === 'at' ? ('at' as const) : ('interval' as const),
            args,
            span: spanOf(ns, close),
          };
        },
      },
      { ALT: () => this.SUBRULE(this.patternFilter) },
    ]);
  });

  /** Crontab arguments may be `*` (any), written here as a null literal. */
  observerArg = this.RULE('observerArg', (): A.Expr => {
    return this.OR([
      {
        ALT: () => {
          const star = this.CONSUME(T.Star);
          return {
            kind: 'Literal' as const,
            value: null,
            literalType: 'null' as const,
            text: '*',
            span: spanOf(star),
          };
        },
      },
      { ALT: () => this.SUBRULE(this.expr) },
    ]);
  });

  patternFilter = this.RULE('patternFilter', (): A.PatternFilter => {
    let tag: A.Identifier | undefined;
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Equals,
      DEF: () => {
        tag = ident(this.CONSUME(T.Identifier));
        this.CONSUME(T.Equals);
      },
    });
    const stream = this.CONSUME2(T.Identifier);
    let last = stream;
    const filters: A.Expr[] = [];
    this.OPTION2(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => filters.push(this.SUBRULE(this.expr)) });
      last = this.CONSUME(T.RParen);
    });
    const start = tag?.span ?? spanOf(stream);
    return {
      kind: 'PatternFilter',
      tag,
      stream: ident(stream),
      filters,
      span: spanFrom(start, spanOf(last)),
    };
  });

  // ───────────────────────────── match_recognize ─────────────────────────────

  matchRecognize = this.RULE('matchRecognize', (): A.MatchRecognize => {
    const first = this.CONSUME(T.MatchRecognize);
    this.CONSUME(T.LParen);
    const partitionBy: A.Expr[] = [];
    this.OPTION(() => {
      this.CONSUME(T.Partition);
      this.CONSUME(T.By);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => partitionBy.push(this.SUBRULE(this.expr)) });
    });
    this.CONSUME(T.Measures);
    const measures: { expr: A.Expr; alias: A.Identifier; span: Span }[] = [];
    this.AT_LEAST_ONE_SEP2({
      SEP: T.Comma,
      DEF: () => {
        const expr = this.SUBRULE2(this.expr);
        this.CONSUME(T.As);
        const alias = ident(this.CONSUME(T.Identifier));
        measures.push({ expr, alias, span: spanFrom(expr.span, alias.span) });
      },
    });
    let allMatches = false;
    this.OPTION2({
      GATE: () => this.isIdent(1, 'all'),
      DEF: () => {
        this.SUBRULE(this.mrAllMatches);
        allMatches = true;
      },
    });
    let skip: A.SkipStrategy = 'past-last-row';
    this.OPTION3({
      GATE: () => this.isIdent(1, 'after'),
      DEF: () => {
        skip = this.SUBRULE(this.mrSkip);
      },
    });
    this.CONSUME(T.Pattern);
    this.CONSUME2(T.LParen);
    const pattern = this.SUBRULE(this.rowAlternation);
    this.CONSUME2(T.RParen);
    let interval: { period: A.Expr; orTerminated: boolean } | undefined;
    this.OPTION4({
      GATE: () => this.isIdent(1, 'interval'),
      DEF: () => {
        interval = this.SUBRULE(this.mrInterval);
      },
    });
    this.CONSUME(T.Define);
    const defines: { variable: A.Identifier; condition: A.Expr; span: Span }[] = [];
    this.AT_LEAST_ONE_SEP3({
      SEP: T.Comma,
      DEF: () => {
        const variable = ident(this.CONSUME2(T.Identifier));
        this.CONSUME2(T.As);
        const condition = this.SUBRULE4(this.expr);
        defines.push({ variable, condition, span: spanFrom(variable.span, condition.span) });
      },
    });
    const last = this.CONSUME3(T.RParen);
    return { partitionBy, measures, allMatches, skip, pattern, interval, defines, span: spanOf(first, last) };
  });

  mrAllMatches = this.RULE('mrAllMatches', (): void => {
    this.consumeWord(1, 'all');
    this.consumeWord(2, 'matches');
  });

  mrSkip = this.RULE('mrSkip', (): A.SkipStrategy => {
    this.consumeWord(1, 'after');
    this.consumeWord(2, 'match');
    this.consumeWord(3, 'skip');
    return this.OR([
      {
        GATE: () => this.isIdent(1, 'past'),
        ALT: () => {
          this.consumeWord(4, 'past');
          this.consumeWord(5, 'last');
          this.consumeWord(6, 'row');
          return 'past-last-row' as const;
        },
      },
      {
        GATE: () => this.isIdent(1, 'to'),
        ALT: () => {
          this.consumeWord(7, 'to');
          const which = this.consumeIdent(8);
          this.CONSUME(T.Identifier);
          const w = which.image.toLowerCase();
          if (w !== 'next' && w !== 'current' && !this.RECORDING_PHASE) throw this.wordError(which, 'next');
          return w === 'current' ? ('to-current-row' as const) : ('to-next-row' as const);
        },
      },
    ]);
  });

  mrInterval = this.RULE('mrInterval', (): { period: A.Expr; orTerminated: boolean } => {
    this.consumeWord(1, 'interval');
    // Only a number or time period: a full expression would swallow `or terminated`.
    const period = this.SUBRULE(this.numberOrPeriod);
    let orTerminated = false;
    this.OPTION(() => {
      this.CONSUME(T.Or);
      this.consumeWord(2, 'terminated');
      orTerminated = true;
    });
    return { period, orTerminated };
  });

  rowAlternation = this.RULE('rowAlternation', (): A.RowPattern => {
    const alternatives = [this.SUBRULE(this.rowConcatenation)];
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      alternatives.push(this.SUBRULE2(this.rowConcatenation));
    });
    if (alternatives.length === 1) return alternatives[0] as A.RowPattern;
    const span = spanFrom(
      (alternatives[0] as A.RowPattern).span,
      (alternatives[alternatives.length - 1] as A.RowPattern).span,
    );
    return { kind: 'RowAlt', alternatives, span };
  });

  rowConcatenation = this.RULE('rowConcatenation', (): A.RowPattern => {
    const items: A.RowPattern[] = [];
    this.AT_LEAST_ONE(() => items.push(this.SUBRULE(this.rowItem)));
    if (items.length === 1) return items[0] as A.RowPattern;
    const span = spanFrom((items[0] as A.RowPattern).span, (items[items.length - 1] as A.RowPattern).span);
    return { kind: 'RowConcat', items, span };
  });

  rowItem = this.RULE('rowItem', (): A.RowPattern => {
    return this.OR([
      {
        ALT: () => {
          const name = this.CONSUME(T.Identifier);
          let quantifier: A.Quantifier | undefined;
          this.OPTION(() => {
            quantifier = this.SUBRULE(this.quantifier);
          });
          return { kind: 'RowVar' as const, name: ident(name), quantifier, span: spanOf(name, this.LA(0)) };
        },
      },
      {
        ALT: () => {
          const open = this.CONSUME(T.LParen);
          const child = this.SUBRULE(this.rowAlternation);
          const close = this.CONSUME(T.RParen);
          let quantifier: A.Quantifier | undefined;
          this.OPTION2(() => {
            quantifier = this.SUBRULE2(this.quantifier);
          });
          return {
            kind: 'RowGroup' as const,
            child,
            quantifier,
            span: spanOf(open, quantifier === undefined ? close : this.LA(0)),
          };
        },
      },
    ]);
  });

  quantifier = this.RULE('quantifier', (): A.Quantifier => {
    const first = this.LA(1);
    let op: A.Quantifier['op'];
    let reluctant = false;
    let repeat: A.RepeatBounds | undefined;
    this.OR([
      {
        ALT: () => {
          op = this.OR2([
            {
              ALT: () => {
                this.CONSUME(T.Star);
                return '*' as const;
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Plus);
                return '+' as const;
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Question);
                return '?' as const;
              },
            },
          ]);
          this.OPTION(() => {
            this.CONSUME2(T.Question);
            reluctant = true;
          });
          this.OPTION2(() => {
            repeat = this.SUBRULE(this.rowRepeat);
          });
        },
      },
      {
        ALT: () => {
          repeat = this.SUBRULE2(this.rowRepeat);
        },
      },
    ]);
    return { op, reluctant, repeat, span: spanOf(first, this.LA(0)) };
  });

  /** `{n}`, `{n,}`, `{,m}`, `{n,m}` after a row-pattern variable or group. */
  rowRepeat = this.RULE('rowRepeat', (): A.RepeatBounds => {
    const open = this.CONSUME(T.LBrace);
    const bound = (t: IToken) => ({ text: t.image, span: spanOf(t) });
    let lower: A.RepeatBounds['lower'];
    let upper: A.RepeatBounds['upper'];
    let single = false;
    this.OR([
      {
        ALT: () => {
          lower = bound(this.CONSUME(T.NumberLiteral));
          single = true;
          this.OPTION(() => {
            this.CONSUME(T.Comma);
            single = false;
            this.OPTION2(() => {
              upper = bound(this.CONSUME2(T.NumberLiteral));
            });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Comma);
          upper = bound(this.CONSUME3(T.NumberLiteral));
        },
      },
    ]);
    const close = this.CONSUME(T.RBrace);
    return { single, lower, upper, span: spanOf(open, close) };
  });

  // ───────────── named windows, tables, contexts, variables, on triggers (infra-ast.ts) ─────────────
  // Their words (window, table, index, context, variable, merge, update, delete, set, matched,
  // start, initiated, terminated, after…) are identifiers recognised by position, not reserved
  // keywords: properties keep these common names.

  private static readonly CREATE_WORDS = new Set([
    'window',
    'index',
    'unique',
    'table',
    'context',
    'variable',
    'constant',
  ]);
  private static readonly ACTION_WORDS = new Set(['delete', 'update', 'merge', 'set']);

  /** Index of the first token after leading annotations (`@name('x')`, `@Hint(…)`). */
  private afterAnnotations(): number {
    let i = 1;
    while (this.LA(i).tokenType === T.At) {
      i += 2;
      if (this.LA(i).tokenType !== T.LParen) continue;
      let depth = 0;
      do {
        const t = this.LA(i).tokenType;
        if (t === T.LParen) depth++;
        else if (t === T.RParen) depth--;
        else if (t === EOF) return i;
        i++;
      } while (depth > 0);
    }
    return i;
  }

  private isContextPrefixAt(i: number): boolean {
    return this.isIdent(i, 'context') && this.LA(i + 1).tokenType === T.Identifier;
  }

  private isContextPrefix(): boolean {
    return this.isContextPrefixAt(1);
  }

  /** Whether the item is a create window/index/table/context/variable or an `on` statement. */
  private startsInfraItem(): boolean {
    let i = this.afterAnnotations();
    if (this.isContextPrefixAt(i)) i += 2;
    const t = this.LA(i);
    if (t.tokenType === T.On) return true;
    return t.tokenType === T.Create && this.isIdent(i + 1, ...EplParser.CREATE_WORDS);
  }

  /** `Name[expr, …]` where the brackets hold more than one number (that is an indexed property). */
  private isTableAccess(): boolean {
    if (this.LA(1).tokenType !== T.Identifier || this.LA(2).tokenType !== T.LBracket) return false;
    return !(this.LA(3).tokenType === T.NumberLiteral && this.LA(4).tokenType === T.RBracket);
  }

  /** A contextual word (not a reserved keyword); `idx` is unique within the calling rule. */
  private word(idx: number, word: string): IToken {
    const token = this.consume(idx, T.Identifier);
    if (token.image.toLowerCase() !== word && !this.RECORDING_PHASE) throw this.wordError(token, word);
    return token;
  }

  contextPrefix = this.RULE('contextPrefix', (): A.Identifier => {
    this.word(21, 'context');
    return ident(this.consume(54, T.Identifier));
  });

  intoTableClause = this.RULE('intoTableClause', (): A.Identifier => {
    this.CONSUME(T.Into);
    this.word(22, 'table');
    return ident(this.consume(55, T.Identifier));
  });

  /** `Table[key, …][.column]`. */
  tableAccess = this.RULE('tableAccess', (): A.TableAccessExpr => {
    const name = this.consume(56, T.Identifier);
    this.CONSUME(T.LBracket);
    const keys: A.Expr[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => keys.push(this.SUBRULE(this.expr)) });
    let last = this.CONSUME(T.RBracket);
    let column: A.Identifier | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Dot);
      last = this.consume(57, T.Identifier);
      column = ident(last);
    });
    return { kind: 'TableAccess', table: ident(name), keys, column, span: spanOf(name, last) };
  });

  infraItem = this.RULE('infraItem', (): AI.InfraItem => {
    const annotations: A.Annotation[] = [];
    this.MANY(() => annotations.push(this.SUBRULE(this.annotation)));
    let context: A.Identifier | undefined;
    this.OPTION({
      GATE: () => this.isContextPrefix(),
      DEF: () => {
        context = this.SUBRULE(this.contextPrefix);
      },
    });
    const first = this.LA(1);
    const item = this.OR([
      { ALT: () => this.SUBRULE(this.onTrigger) },
      { GATE: () => this.isIdent(2, 'window'), ALT: () => this.SUBRULE(this.createWindow) },
      { GATE: () => this.isIdent(2, 'index', 'unique'), ALT: () => this.SUBRULE(this.createIndex) },
      { GATE: () => this.isIdent(2, 'table'), ALT: () => this.SUBRULE(this.createTable) },
      { GATE: () => this.isIdent(2, 'context'), ALT: () => this.SUBRULE(this.createContext) },
      { ALT: () => this.SUBRULE(this.createVariable) },
    ]);
    const head = annotations[0]?.span ?? context?.span ?? spanOf(first);
    const span = this.RECORDING_PHASE ? head : spanFrom(head, spanOf(this.LA(0)));
    return { ...item, annotations, context, text: '', span } as AI.InfraItem;
  });

  createWindow = this.RULE('createWindow', (): Body<AI.CreateWindow> => {
    this.CONSUME(T.Create);
    this.word(23, 'window');
    const name = ident(this.consume(58, T.Identifier));
    const windows: A.WindowSpec[] = [];
    this.MANY(() => windows.push(this.SUBRULE(this.windowSpec)));
    this.OPTION(() => this.CONSUME(T.As));
    const model = this.OR([
      {
        ALT: (): AI.WindowModel => {
          this.CONSUME(T.LParen);
          const columns: A.SchemaProperty[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => columns.push(this.SUBRULE(this.schemaProperty)) });
          this.CONSUME(T.RParen);
          return { kind: 'columns', columns };
        },
      },
      {
        ALT: (): AI.WindowModel => {
          this.CONSUME(T.Select);
          const items: A.SelectItem[] = [];
          this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.selectItem)) });
          this.CONSUME(T.From);
          return { kind: 'select', items, from: ident(this.consume(59, T.Identifier)) };
        },
      },
      { ALT: (): AI.WindowModel => ({ kind: 'type', type: ident(this.consume(60, T.Identifier)) }) },
    ]);
    let insertFrom: { where: A.Expr | undefined } | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.Insert);
      let where: A.Expr | undefined;
      this.OPTION3(() => {
        this.CONSUME(T.Where);
        where = this.SUBRULE(this.expr);
      });
      insertFrom = { where };
    });
    return { kind: 'CreateWindow', name, windows, model, insertFrom };
  });

  createIndex = this.RULE('createIndex', (): Body<AI.CreateIndex> => {
    this.CONSUME(T.Create);
    let unique = false;
    this.OPTION({
      GATE: () => this.isIdent(1, 'unique'),
      DEF: () => {
        this.word(24, 'unique');
        unique = true;
      },
    });
    this.word(25, 'index');
    const name = ident(this.consume(61, T.Identifier));
    this.CONSUME(T.On);
    const window = ident(this.consume(62, T.Identifier));
    this.CONSUME(T.LParen);
    const columns: { property: A.Identifier; indexKind: AI.IndexColumnKind; span: Span }[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const prop = this.consume(63, T.Identifier);
        let indexKind: AI.IndexColumnKind = 'hash';
        let last = prop;
        this.OPTION2(() => {
          const kind = this.consume(53, T.Identifier);
          const word = kind.image.toLowerCase();
          if (word !== 'hash' && word !== 'btree' && !this.RECORDING_PHASE) {
            throw new ExpectedWordError(kind, ["'hash'", "'btree'"]);
          }
          indexKind = word === 'btree' ? 'btree' : 'hash';
          last = kind;
        });
        columns.push({ property: ident(prop), indexKind, span: spanOf(prop, last) });
      },
    });
    this.CONSUME(T.RParen);
    return { kind: 'CreateIndex', unique, name, window, columns };
  });

  createTable = this.RULE('createTable', (): Body<AI.CreateTable> => {
    this.CONSUME(T.Create);
    this.word(26, 'table');
    const name = ident(this.consume(64, T.Identifier));
    this.OPTION(() => this.CONSUME(T.As));
    this.CONSUME(T.LParen);
    const columns: AI.TableColumnDef[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => columns.push(this.SUBRULE(this.tableColumn)) });
    this.CONSUME(T.RParen);
    return { kind: 'CreateTable', name, columns };
  });

  /** `name type [primary key]` or `name aggregation(argtype…) [@type(EventType)]`. */
  tableColumn = this.RULE('tableColumn', (): AI.TableColumnDef => {
    const nameTok = this.consume(65, T.Identifier);
    let type: A.SchemaPropertyType | undefined;
    let aggregate: AI.TableColumnDef['aggregate'];
    let last = nameTok;
    this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.LParen,
        ALT: () => {
          const fn = this.consume(66, T.Identifier);
          this.CONSUME(T.LParen);
          const argTypes: A.Identifier[] = [];
          let star = false;
          let distinct = false;
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(T.Star);
                star = true;
              },
            },
            {
              ALT: () => {
                this.OPTION(() => {
                  this.CONSUME(T.Distinct);
                  distinct = true;
                });
                this.MANY_SEP({
                  SEP: T.Comma,
                  DEF: () => argTypes.push(ident(this.consume(67, T.Identifier))),
                });
              },
            },
          ]);
          last = this.CONSUME(T.RParen);
          aggregate = {
            fn: ident(fn),
            argTypes,
            star,
            distinct,
            eventType: undefined,
            span: spanOf(fn, last),
          };
        },
      },
      {
        ALT: () => {
          const typeTok = this.consume(68, T.Identifier);
          type = SCHEMA_TYPES[typeTok.image.toLowerCase()];
          if (type === undefined && !this.RECORDING_PHASE) {
            throw new ExpectedWordError(typeTok, [
              "'string'",
              "'int'",
              "'long'",
              "'double'",
              "'boolean'",
              'an aggregation such as sum(long)',
            ]);
          }
          last = typeTok;
        },
      },
    ]);
    let primaryKey = false;
    this.MANY(() => {
      this.OR3([
        {
          GATE: () => this.isIdent(1, 'primary'),
          ALT: () => {
            this.word(27, 'primary');
            last = this.word(28, 'key');
            primaryKey = true;
          },
        },
        {
          ALT: () => {
            const at = this.CONSUME(T.At);
            const word = this.word(29, 'type');
            this.CONSUME2(T.LParen);
            const eventType = ident(this.consume(69, T.Identifier));
            last = this.CONSUME2(T.RParen);
            if (aggregate === undefined && !this.RECORDING_PHASE) throw this.wordError(word, 'primary');
            if (aggregate !== undefined) aggregate = { ...aggregate, eventType };
            void at;
          },
        },
      ]);
    });
    return { name: ident(nameTok), type, aggregate, primaryKey, span: spanOf(nameTok, last) };
  });

  createVariable = this.RULE('createVariable', (): Body<AI.CreateVariable> => {
    this.CONSUME(T.Create);
    let constant = false;
    this.OPTION({
      GATE: () => this.isIdent(1, 'constant'),
      DEF: () => {
        this.word(30, 'constant');
        constant = true;
      },
    });
    this.word(31, 'variable');
    const typeTok = this.consume(70, T.Identifier);
    const type = SCHEMA_TYPES[typeTok.image.toLowerCase()];
    if (type === undefined && !this.RECORDING_PHASE) {
      throw new ExpectedWordError(typeTok, ["'string'", "'int'", "'long'", "'double'", "'boolean'"]);
    }
    const name = ident(this.consume(71, T.Identifier));
    let initial: A.Expr | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      initial = this.SUBRULE(this.expr);
    });
    return { kind: 'CreateVariable', constant, type: type ?? 'string', name, initial };
  });

  createContext = this.RULE('createContext', (): Body<AI.CreateContext> => {
    this.CONSUME(T.Create);
    this.word(32, 'context');
    const name = ident(this.consume(72, T.Identifier));
    this.OPTION(() => this.CONSUME(T.As));
    const detail = this.OR([
      {
        GATE: () => this.isIdent(1, 'context'),
        ALT: () => {
          const levels: { name: A.Identifier; detail: AI.ContextDetail }[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => levels.push(this.SUBRULE(this.nestedContext)) });
          const firstLevel = levels[0];
          const lastLevel = levels[levels.length - 1];
          const span =
            this.RECORDING_PHASE || firstLevel === undefined || lastLevel === undefined
              ? RECORDING_SPAN
              : spanFrom(firstLevel.name.span, lastLevel.detail.span);
          return { kind: 'nested' as const, levels, span };
        },
      },
      { ALT: () => this.SUBRULE(this.contextDetail) },
    ]);
    return { kind: 'CreateContext', name, detail };
  });

  nestedContext = this.RULE('nestedContext', (): { name: A.Identifier; detail: AI.ContextDetail } => {
    this.word(33, 'context');
    const name = ident(this.consume(73, T.Identifier));
    this.OPTION(() => this.CONSUME(T.As));
    return { name, detail: this.SUBRULE(this.contextDetail) };
  });

  contextDetail = this.RULE('contextDetail', (): AI.ContextDetail => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.keyedContext) },
      { ALT: () => this.SUBRULE(this.categoryContext) },
      { GATE: () => this.isIdent(1, 'initiated'), ALT: () => this.SUBRULE(this.initiatedContext) },
      { GATE: () => this.isIdent(1, 'start'), ALT: () => this.SUBRULE(this.startEndContext) },
    ]);
  });

  /** `partition [by] a [and b] from T(filter) [as t], … [initiated [by] …] [terminated [by] …]`. */
  keyedContext = this.RULE('keyedContext', (): AI.ContextDetail => {
    const first = this.CONSUME(T.Partition);
    this.OPTION(() => this.CONSUME(T.By));
    const items: AI.KeyedContextItem[] = [this.SUBRULE(this.keyedItem)];
    this.MANY({
      // `, context B …` starts the next level of a nested context, not another item.
      GATE: () => this.LA(1).tokenType === T.Comma && !this.isIdent(2, 'context'),
      DEF: () => {
        this.CONSUME(T.Comma);
        items.push(this.SUBRULE2(this.keyedItem));
      },
    });
    const initiatedBy: AI.FilteredStream[] = [];
    this.OPTION2({
      GATE: () => this.isIdent(1, 'initiated'),
      DEF: () => {
        this.word(34, 'initiated');
        this.OPTION3(() => this.CONSUME2(T.By));
        initiatedBy.push(this.SUBRULE2(this.filteredStream));
        this.MANY2({
          GATE: () => this.LA(1).tokenType === T.Comma && !this.isIdent(2, 'context'),
          DEF: () => {
            this.CONSUME2(T.Comma);
            initiatedBy.push(this.SUBRULE3(this.filteredStream));
          },
        });
      },
    });
    let terminatedBy: AI.ContextCondition | undefined;
    this.OPTION4({
      GATE: () => this.isIdent(1, 'terminated'),
      DEF: () => {
        terminatedBy = this.SUBRULE(this.terminatedClause);
      },
    });
    return {
      kind: 'keyed',
      items,
      initiatedBy,
      terminatedBy,
      span: spanFrom(spanOf(first), spanOf(this.LA(0))),
    };
  });

  keyedItem = this.RULE('keyedItem', (): AI.KeyedContextItem => {
    const properties: A.Expr[] = [this.SUBRULE(this.propertyRef)];
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.And) }, { ALT: () => this.CONSUME(T.Comma) }]);
      properties.push(this.SUBRULE2(this.propertyRef));
    });
    this.CONSUME(T.From);
    const filter = this.SUBRULE(this.filteredStream);
    const head = properties[0];
    const span =
      this.RECORDING_PHASE || head === undefined ? RECORDING_SPAN : spanFrom(head.span, filter.span);
    return { properties, filter, span };
  });

  /** `terminated [by] cond`. */
  terminatedClause = this.RULE('terminatedClause', (): AI.ContextCondition => {
    this.word(1, 'terminated');
    this.OPTION(() => this.CONSUME(T.By));
    return this.SUBRULE(this.contextCondition);
  });

  /** `group [by] cond as label, … from T(filter)`. */
  categoryContext = this.RULE('categoryContext', (): AI.ContextDetail => {
    const first = this.LA(1);
    const groups: { condition: A.Expr; label: A.Identifier }[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        this.CONSUME(T.Group);
        this.OPTION(() => this.CONSUME(T.By));
        const condition = this.SUBRULE(this.expr);
        this.CONSUME(T.As);
        groups.push({ condition, label: ident(this.consume(74, T.Identifier)) });
      },
    });
    this.CONSUME(T.From);
    const from = this.SUBRULE(this.filteredStream);
    const span = this.RECORDING_PHASE ? RECORDING_SPAN : spanFrom(spanOf(first), from.span);
    return { kind: 'category', groups, from, span };
  });

  /** `initiated [by] [distinct(…)] [@now and] cond [terminated [by] cond]`. */
  initiatedContext = this.RULE('initiatedContext', (): AI.ContextDetail => {
    const first = this.word(36, 'initiated');
    this.OPTION(() => this.CONSUME(T.By));
    let distinct: A.Expr[] | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.Distinct);
      this.CONSUME(T.LParen);
      const keys: A.Expr[] = [];
      this.MANY_SEP({ SEP: T.Comma, DEF: () => keys.push(this.SUBRULE(this.expr)) });
      this.CONSUME(T.RParen);
      distinct = keys;
    });
    let now = false;
    this.OPTION3({
      GATE: () => this.LA(1).tokenType === T.At && this.isIdent(2, 'now'),
      DEF: () => {
        this.CONSUME(T.At);
        this.word(37, 'now');
        this.CONSUME(T.And);
        now = true;
      },
    });
    const start = this.SUBRULE(this.contextCondition);
    let end: AI.ContextCondition | undefined;
    this.OPTION4({
      GATE: () => this.isIdent(1, 'terminated'),
      DEF: () => {
        end = this.SUBRULE(this.terminatedClause);
      },
    });
    return {
      kind: 'initiated',
      now,
      distinct,
      start,
      end,
      span: spanFrom(spanOf(first), spanOf(this.LA(0))),
    };
  });

  /** `start (@now | cond) [end cond]`. */
  startEndContext = this.RULE('startEndContext', (): AI.ContextDetail => {
    const first = this.word(39, 'start');
    const start = this.OR([
      {
        GATE: () => this.LA(1).tokenType === T.At,
        ALT: () => {
          this.CONSUME(T.At);
          this.word(40, 'now');
          return 'now' as const;
        },
      },
      { ALT: () => this.SUBRULE(this.contextCondition) },
    ]);
    let end: AI.ContextCondition | undefined;
    this.OPTION(() => {
      this.CONSUME(T.End);
      end = this.SUBRULE2(this.contextCondition);
    });
    return { kind: 'start-end', start, end, span: spanFrom(spanOf(first), spanOf(this.LA(0))) };
  });

  /** A context start or end: `T(filter) [as t]`, `pattern […]`, `(crontab)`, `after <period>`. */
  contextCondition = this.RULE('contextCondition', (): AI.ContextCondition => {
    return this.OR([
      {
        GATE: () => this.isIdent(1, 'after'),
        ALT: () => {
          const after = this.word(41, 'after');
          const period = this.SUBRULE(this.expr);
          return { kind: 'after' as const, period, span: spanFrom(spanOf(after), period.span) };
        },
      },
      {
        ALT: () => {
          const first = this.CONSUME(T.Pattern);
          this.CONSUME(T.LBracket);
          const pattern = this.SUBRULE(this.patternExpr);
          let last = this.CONSUME(T.RBracket);
          let inclusive = false;
          this.OPTION({
            GATE: () => this.LA(1).tokenType === T.At,
            DEF: () => {
              this.CONSUME(T.At);
              last = this.word(42, 'inclusive');
              inclusive = true;
            },
          });
          let alias: A.Identifier | undefined;
          this.OPTION2({
            GATE: () => this.isConditionAlias(),
            DEF: () => {
              alias = this.SUBRULE(this.alias);
            },
          });
          return {
            kind: 'pattern' as const,
            pattern,
            inclusive,
            alias,
            span: spanFrom(spanOf(first), alias?.span ?? spanOf(last)),
          };
        },
      },
      {
        ALT: () => {
          const first = this.LA(1);
          const schedules: A.CrontabField[][] = [this.SUBRULE(this.crontabSchedule)];
          this.MANY({
            GATE: () => this.LA(1).tokenType === T.Comma && this.LA(2).tokenType === T.LParen,
            DEF: () => {
              this.CONSUME(T.Comma);
              schedules.push(this.SUBRULE2(this.crontabSchedule));
            },
          });
          return { kind: 'crontab' as const, schedules, span: spanFrom(spanOf(first), spanOf(this.LA(0))) };
        },
      },
      {
        ALT: () => {
          const filter = this.SUBRULE(this.filteredStream);
          return {
            kind: 'filter' as const,
            filter,
            span: this.RECORDING_PHASE ? RECORDING_SPAN : filter.span,
          };
        },
      },
    ]);
  });

  /** `(minutes, hours, days of month, months, days of week [, seconds])`, fields as in `output at`. */
  crontabSchedule = this.RULE('crontabSchedule', (): A.CrontabField[] => {
    this.CONSUME(T.LParen);
    const fields: A.CrontabField[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => fields.push(this.SUBRULE(this.crontabField)) });
    this.CONSUME(T.RParen);
    return fields;
  });

  /** An alias after a context condition: not the next clause's word. */
  private isConditionAlias(): boolean {
    if (this.LA(1).tokenType === T.As) return true;
    return (
      this.LA(1).tokenType === T.Identifier && !this.isIdent(1, 'terminated', 'initiated', 'end', 'start')
    );
  }

  /** `Type[(filter, …)] [[as] alias]` (the alias is never one of the words that may follow). */
  filteredStream = this.RULE('filteredStream', (): AI.FilteredStream => {
    const name = this.consume(75, T.Identifier);
    let last = name;
    const filters: A.Expr[] = [];
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => filters.push(this.SUBRULE(this.expr)) });
      last = this.CONSUME(T.RParen);
    });
    let alias: A.Identifier | undefined;
    this.OPTION2({
      GATE: () => this.isConditionAlias() && !this.isIdent(1, ...EplParser.ACTION_WORDS),
      DEF: () => {
        alias = this.SUBRULE(this.alias);
      },
    });
    return { stream: ident(name), filters, alias, span: spanFrom(spanOf(name), alias?.span ?? spanOf(last)) };
  });

  onTrigger = this.RULE('onTrigger', (): Body<AI.OnTrigger> => {
    this.CONSUME(T.On);
    const trigger = this.OR([
      {
        ALT: (): AI.OnTriggerSource => {
          const first = this.CONSUME(T.Pattern);
          this.CONSUME(T.LBracket);
          const pattern = this.SUBRULE(this.patternExpr);
          const last = this.CONSUME(T.RBracket);
          let alias: A.Identifier | undefined;
          this.OPTION({
            GATE: () =>
              this.LA(1).tokenType === T.As ||
              (this.LA(1).tokenType === T.Identifier && !this.isIdent(1, ...EplParser.ACTION_WORDS)),
            DEF: () => {
              alias = this.SUBRULE(this.alias);
            },
          });
          return {
            kind: 'pattern',
            pattern,
            alias,
            span: spanFrom(spanOf(first), alias?.span ?? spanOf(last)),
          };
        },
      },
      { ALT: (): AI.OnTriggerSource => ({ kind: 'stream', filter: this.SUBRULE(this.filteredStream) }) },
    ]);
    const action = this.OR2([
      { ALT: () => this.SUBRULE(this.onSelect) },
      { GATE: () => this.isIdent(1, 'delete'), ALT: () => this.SUBRULE(this.onDelete) },
      { GATE: () => this.isIdent(1, 'update'), ALT: () => this.SUBRULE(this.onUpdate) },
      { GATE: () => this.isIdent(1, 'merge'), ALT: () => this.SUBRULE(this.onMerge) },
      { GATE: () => this.isIdent(1, 'set'), ALT: () => this.SUBRULE(this.onSet) },
    ]);
    return { kind: 'OnTrigger', trigger, action };
  });

  /** `W [as w]`: the window or table an `on` action reads or changes. */
  infraTarget = this.RULE('infraTarget', (): AI.InfraTarget => {
    const name = this.consume(76, T.Identifier);
    let alias: A.Identifier | undefined;
    this.OPTION({
      GATE: () =>
        this.LA(1).tokenType === T.As || (this.LA(1).tokenType === T.Identifier && !this.isIdent(1, 'set')),
      DEF: () => {
        alias = this.SUBRULE(this.alias);
      },
    });
    return { name: ident(name), alias, span: spanFrom(spanOf(name), alias?.span ?? spanOf(name)) };
  });

  onSelect = this.RULE('onSelect', (): AI.OnAction => {
    const first = this.LA(1);
    let insertInto: A.InsertInto | undefined;
    this.OPTION(() => {
      const ins = this.CONSUME(T.Insert);
      let sel: A.StreamSelector = 'istream';
      this.OPTION2(() => {
        sel = this.SUBRULE(this.selector);
      });
      this.CONSUME(T.Into);
      const target = this.consume(77, T.Identifier);
      insertInto = { selector: sel, target: ident(target), span: spanOf(ins, target) };
    });
    this.CONSUME(T.Select);
    let andDelete = false;
    this.OPTION3({
      GATE: () => this.isIdent(1, 'delete') || (this.LA(1).tokenType === T.And && this.isIdent(2, 'delete')),
      DEF: () => {
        this.OPTION4(() => this.CONSUME(T.And));
        this.word(43, 'delete');
        andDelete = true;
      },
    });
    let selector: A.StreamSelector | undefined;
    this.OPTION5(() => {
      selector = this.SUBRULE2(this.selector);
    });
    let distinct = false;
    this.OPTION6(() => {
      this.CONSUME(T.Distinct);
      distinct = true;
    });
    const selectList: A.SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => selectList.push(this.SUBRULE(this.selectItem)) });
    let from: AI.InfraTarget | undefined;
    this.OPTION7(() => {
      this.CONSUME(T.From);
      from = this.SUBRULE(this.infraTarget);
    });
    let where: A.Expr | undefined;
    this.OPTION8(() => {
      this.CONSUME(T.Where);
      where = this.SUBRULE(this.expr);
    });
    const groupBy: A.Expr[] = [];
    this.OPTION9(() => {
      this.CONSUME(T.Group);
      this.CONSUME(T.By);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => groupBy.push(this.SUBRULE2(this.expr)) });
    });
    let having: A.Expr | undefined;
    this.option(10, () => {
      this.CONSUME(T.Having);
      having = this.SUBRULE3(this.expr);
    });
    const orderBy: A.OrderByItem[] = [];
    this.option(11, () => {
      this.CONSUME(T.Order);
      this.CONSUME2(T.By);
      this.AT_LEAST_ONE_SEP3({ SEP: T.Comma, DEF: () => orderBy.push(this.SUBRULE(this.orderByItem)) });
    });
    let limit: A.LimitClause | undefined;
    this.option(12, () => {
      limit = this.SUBRULE(this.limitClause);
    });
    return {
      kind: 'select',
      insertInto,
      selector,
      andDelete,
      distinct,
      selectList,
      from,
      where,
      groupBy,
      having,
      orderBy,
      limit,
      span: spanFrom(spanOf(first), spanOf(this.LA(0))),
    };
  });

  onDelete = this.RULE('onDelete', (): AI.OnAction => {
    const first = this.word(44, 'delete');
    this.CONSUME(T.From);
    const from = this.SUBRULE(this.infraTarget);
    let where: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Where);
      where = this.SUBRULE(this.expr);
    });
    return { kind: 'delete', from, where, span: spanFrom(spanOf(first), spanOf(this.LA(0))) };
  });

  onUpdate = this.RULE('onUpdate', (): AI.OnAction => {
    const first = this.word(45, 'update');
    const target = this.SUBRULE(this.infraTarget);
    this.word(46, 'set');
    const assignments = this.SUBRULE(this.assignmentList);
    let where: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Where);
      where = this.SUBRULE(this.expr);
    });
    return { kind: 'update', target, assignments, where, span: spanFrom(spanOf(first), spanOf(this.LA(0))) };
  });

  onSet = this.RULE('onSet', (): AI.OnAction => {
    const first = this.word(47, 'set');
    const assignments = this.SUBRULE(this.assignmentList);
    return { kind: 'set', assignments, span: spanFrom(spanOf(first), spanOf(this.LA(0))) };
  });

  assignmentList = this.RULE('assignmentList', (): AI.Assignment[] => {
    const list: AI.Assignment[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const ref = this.SUBRULE(this.propertyRef);
        this.CONSUME(T.Equals);
        const value = this.SUBRULE(this.expr);
        list.push({
          target: this.RECORDING_PHASE ? [] : ref.path.map((seg) => ({ name: seg.name, span: seg.span })),
          value,
          span: spanFrom(ref.span, value.span),
        });
      },
    });
    return list;
  });

  onMerge = this.RULE('onMerge', (): AI.OnAction => {
    const first = this.word(48, 'merge');
    this.OPTION(() => this.CONSUME(T.Into));
    const target = this.SUBRULE(this.infraTarget);
    let where: A.Expr | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.Where);
      where = this.SUBRULE(this.expr);
    });
    const clauses: AI.MergeClause[] = [];
    this.AT_LEAST_ONE(() => clauses.push(this.SUBRULE(this.mergeClause)));
    return { kind: 'merge', target, where, clauses, span: spanFrom(spanOf(first), spanOf(this.LA(0))) };
  });

  /** `when [not] matched [and cond] then action …`. */
  mergeClause = this.RULE('mergeClause', (): AI.MergeClause => {
    const first = this.CONSUME(T.When);
    let matched = true;
    this.OPTION(() => {
      this.CONSUME(T.Not);
      matched = false;
    });
    this.word(49, 'matched');
    let condition: A.Expr | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.And);
      condition = this.SUBRULE(this.expr);
    });
    const actions: AI.MergeAction[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.Then);
      actions.push(this.SUBRULE(this.mergeAction));
    });
    return { matched, condition, actions, span: spanFrom(spanOf(first), spanOf(this.LA(0))) };
  });

  optionalWhere = this.RULE('optionalWhere', (): A.Expr | undefined => {
    let cond: A.Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Where);
      cond = this.SUBRULE(this.expr);
    });
    return cond;
  });

  mergeAction = this.RULE('mergeAction', (): AI.MergeAction => {
    const first = this.LA(1);
    return this.OR([
      {
        GATE: () => this.isIdent(1, 'update'),
        ALT: () => {
          this.word(50, 'update');
          this.word(51, 'set');
          const assignments = this.SUBRULE(this.assignmentList);
          const cond = this.subrule(1, this.optionalWhere);
          return {
            kind: 'update' as const,
            assignments,
            where: cond,
            span: spanFrom(spanOf(first), spanOf(this.LA(0))),
          };
        },
      },
      {
        GATE: () => this.isIdent(1, 'delete'),
        ALT: () => {
          this.word(52, 'delete');
          const cond = this.subrule(2, this.optionalWhere);
          return { kind: 'delete' as const, where: cond, span: spanFrom(spanOf(first), spanOf(this.LA(0))) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Insert);
          let into: A.Identifier | undefined;
          this.OPTION2(() => {
            this.CONSUME(T.Into);
            into = ident(this.consume(78, T.Identifier));
          });
          const columns: A.Identifier[] = [];
          this.OPTION3(() => {
            this.CONSUME(T.LParen);
            this.AT_LEAST_ONE_SEP({
              SEP: T.Comma,
              DEF: () => columns.push(ident(this.consume(79, T.Identifier))),
            });
            this.CONSUME(T.RParen);
          });
          this.CONSUME(T.Select);
          const selectList: A.SelectItem[] = [];
          this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => selectList.push(this.SUBRULE(this.selectItem)) });
          const cond = this.subrule(3, this.optionalWhere);
          return {
            kind: 'insert' as const,
            into,
            columns,
            selectList,
            where: cond,
            span: spanFrom(spanOf(first), spanOf(this.LA(0))),
          };
        },
      },
    ]);
  });
}

/** A statement body as its rule returns it; `infraItem` adds the header. */
type Body<T extends AI.InfraItem> = Omit<T, keyof AI.StatementHeader>;

interface RepeatRange {
  readonly min: A.Expr | undefined;
  readonly max: A.Expr | undefined;
  readonly exact: boolean;
  readonly span: Span;
}

function flatten<K extends 'PatternFollowedBy' | 'PatternOr' | 'PatternAnd'>(
  kind: K,
  children: A.PatternExpr[],
): A.PatternExpr {
  if (children.length === 1) return children[0] as A.PatternExpr;
  const span = spanFrom(
    (children[0] as A.PatternExpr).span,
    (children[children.length - 1] as A.PatternExpr).span,
  );
  return { kind, children, span } as A.PatternExpr;
}

/** Token types by name, for error rendering. */
export const TOKENS_BY_NAME: ReadonlyMap<string, TokenType> = new Map(T.allTokens.map((t) => [t.name, t]));
