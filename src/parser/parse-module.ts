/**
 * Text → Module. Items are separated by `;` at the token level, so a broken statement is
 * reported and the next one still parses: `weir check` shows every error in one run.
 */
import type { IToken } from 'chevrotain';
import type { Expr } from '../ast/ast.js';
import type { Module, ModuleItem } from '../ast/module.js';
import { WeirError, WeirErrors } from '../common/errors.js';
import type { Span } from '../common/span.js';
import { checkBracketDepth, checkTreeDepth } from './nesting-limits.js';
import { EplParser, MAX_LOOKAHEAD } from './parser.js';
import { type RecordedGrammar, rebuildGrammar, recordGrammarOf } from './recorded-grammar.js';
import { LookaheadFunctions } from './recorded-lookahead.js';
import { ExpectedWordError, quoted, syntaxError, tokenSpan } from './syntax-errors.js';
import { Semicolon, allTokens, eplLexer } from './tokens.js';

let shared: EplParser | undefined;
let recorded: RecordedGrammar | undefined;

/**
 * The grammar's GAST as the build recorded it (recorded-grammar.ts): the parser, when it is
 * built, takes it instead of recording the grammar again. Called before the first parse
 * (the bundled bin does); later it changes nothing.
 */
export function useRecordedGrammar(grammar: RecordedGrammar): void {
  recorded = grammar;
}

/** The grammar as the parser records it, as data (the build saves it for useRecordedGrammar). */
export function recordGrammar(): RecordedGrammar {
  return recordGrammarOf(new EplParser().getGAstProductions(), MAX_LOOKAHEAD);
}

let fromRecorded = false;

/** Whether the shared parser was built from a recorded grammar (the build checks it; tests). */
export function parserUsesRecordedGrammar(): boolean {
  return fromRecorded;
}

/** One parser instance is reused: building the grammar is the expensive part. */
function parser(): EplParser {
  if (shared !== undefined) return shared;
  if (recorded !== undefined) {
    try {
      const lookahead = recorded.lookahead;
      shared = new EplParser({
        recorded: rebuildGrammar(recorded, allTokens),
        ...(lookahead === undefined ? {} : { lookahead: new LookaheadFunctions(lookahead, allTokens) }),
      });
      fromRecorded = true;
    } catch {
      // Data that does not rebuild (another Chevrotain, a damaged file) only costs the recording.
    }
  }
  shared ??= new EplParser();
  return shared;
}

function endSpan(text: string, tokens: readonly IToken[]): Span {
  const last = tokens[tokens.length - 1];
  if (last === undefined) return { startOffset: text.length, endOffset: text.length, line: 1, column: 1 };
  const span = tokenSpan(last);
  return {
    startOffset: span.endOffset,
    endOffset: span.endOffset,
    line: span.line,
    column: span.column + (span.endOffset - span.startOffset),
  };
}

function withText(item: ModuleItem, text: string, tokens: readonly IToken[]): ModuleItem {
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  if (first === undefined || last === undefined) return item;
  const start = tokenSpan(first);
  const end = tokenSpan(last);
  const span: Span = {
    startOffset: start.startOffset,
    endOffset: end.endOffset,
    line: start.line,
    column: start.column,
  };
  if (item.kind === 'CreateSchema') return { ...item, span };
  return { ...item, text: text.slice(span.startOffset, span.endOffset), span };
}

function splitItems(tokens: readonly IToken[]): IToken[][] {
  const items: IToken[][] = [[]];
  for (const t of tokens) {
    if (t.tokenType === Semicolon) items.push([]);
    else items[items.length - 1]?.push(t);
  }
  return items.filter((i) => i.length > 0);
}

/** Every item that parses, and the syntax errors of the others (for `weir check`). */
export function parseModulePartial(text: string, file?: string): { module: Module; errors: WeirError[] } {
  const lexed = eplLexer.tokenize(text);
  const errors: WeirError[] = lexed.errors.map((e) => {
    const span: Span = {
      startOffset: e.offset,
      endOffset: e.offset + e.length,
      line: e.line ?? 1,
      column: e.column ?? 1,
    };
    const ch = text.slice(e.offset, e.offset + 1);
    const unterminated = ch === "'" || ch === '"';
    return new WeirError(
      unterminated ? 'parse/invalid-literal' : 'parse/unexpected-character',
      unterminated
        ? `Unterminated string at line ${span.line}, column ${span.column}`
        : `Unexpected character '${quoted(ch)}' at line ${span.line}, column ${span.column}`,
      { span, ...(file === undefined ? {} : { file }) },
    );
  });
  const p = parser();
  const items: ModuleItem[] = [];
  for (const tokens of splitItems(lexed.tokens)) {
    const end = endSpan(text, tokens);
    const bracketError = checkBracketDepth(tokens, file);
    if (bracketError !== undefined) {
      errors.push(bracketError);
      continue;
    }
    p.input = tokens;
    let item: ModuleItem | undefined;
    try {
      item = p.item();
    } catch (e) {
      if (e instanceof RangeError) {
        // A nesting the bracket limit does not see (a long chain of prefix operators, nested
        // case expressions) exhausted the stack: refuse the statement, as the limits do.
        errors.push(
          new WeirError(
            'parse/too-deep',
            `Statement nested too deeply to parse at line ${tokenSpan(tokens[0] as IToken).line}, column ${tokenSpan(tokens[0] as IToken).column}`,
            { span: tokenSpan(tokens[0] as IToken), ...(file === undefined ? {} : { file }) },
          ),
        );
        continue;
      }
      if (!(e instanceof ExpectedWordError)) throw e;
      errors.push(syntaxError(e.token, e.message, end, file));
      continue;
    }
    const first = p.errors[0];
    if (first !== undefined) {
      errors.push(
        syntaxError(
          first.token,
          first.message,
          end,
          file,
          (first as { previousToken?: IToken }).previousToken,
        ),
      );
      continue;
    }
    if (item === undefined) continue;
    const depthError = checkTreeDepth(item, file);
    if (depthError !== undefined) {
      errors.push(depthError);
      continue;
    }
    items.push(withText(item, text, tokens));
  }
  const span: Span = { startOffset: 0, endOffset: text.length, line: 1, column: 1 };
  return { module: { items, span }, errors };
}

/** Throws WeirErrors listing every syntax error (one per broken item). */
export function parseModule(text: string, file?: string): Module {
  const { module, errors } = parseModulePartial(text, file);
  if (errors.length > 0) throw new WeirErrors(errors);
  return module;
}

/**
 * A time period or number on its own (`2 sec`, `1 min 30 sec`, `500 msec`, `0`), read by the
 * same grammar rule as `#time(…)`: the CLI's period options mean exactly what EPL means.
 * Throws WeirErrors for anything else (trailing text included).
 */
export function parseTimePeriod(text: string): Expr {
  const lexed = eplLexer.tokenize(text);
  const bad = lexed.errors[0];
  if (bad !== undefined) {
    const span: Span = {
      startOffset: bad.offset,
      endOffset: bad.offset + bad.length,
      line: 1,
      column: bad.column ?? 1,
    };
    throw new WeirErrors([
      new WeirError(
        'parse/unexpected-character',
        `Unexpected character '${quoted(text.slice(bad.offset, bad.offset + 1))}'`,
        { span },
      ),
    ]);
  }
  const p = parser();
  p.input = lexed.tokens;
  const period = p.numberOrPeriod();
  const first = p.errors[0];
  if (first !== undefined)
    throw new WeirErrors([syntaxError(first.token, first.message, endSpan(text, lexed.tokens), undefined)]);
  return period;
}
