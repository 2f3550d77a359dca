/**
 * The tokens declare whether they can span a line end (`line_breaks`, src/parser/tokens.ts)
 * instead of Chevrotain working it out from their patterns at every start. The declarations
 * must be what Chevrotain works out, or the lexer counts lines wrong after a token: checked
 * against Chevrotain's own analysis of the same patterns, and by the positions of tokens
 * after each kind of token with a line end inside (counted by hand).
 */
import { Lexer, type TokenType, createToken } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { LEXER_CONFIG, allTokens, eplLexer } from '../../src/parser/tokens.js';

/** What Chevrotain decides per token (its lexer's per-pattern config; not part of its typed API). */
function canLineTerminator(lexer: Lexer): boolean[] {
  const configs = (
    lexer as unknown as { patternIdxToConfig: Record<string, { canLineTerminator: boolean }[]> }
  ).patternIdxToConfig;
  const modeConfigs = Object.values(configs)[0] ?? [];
  return modeConfigs.map((c) => c.canLineTerminator);
}

describe('the tokens that can span a line end', () => {
  it('are the ones Chevrotain finds from their patterns', () => {
    // The same tokens with no declaration: Chevrotain analyses each pattern.
    const undeclared: TokenType[] = allTokens.map((t) =>
      createToken({
        name: `${t.name}Undeclared`,
        pattern: t.PATTERN as RegExp,
        ...(t.GROUP === undefined ? {} : { group: t.GROUP }),
      }),
    );
    const analysed = canLineTerminator(new Lexer(undeclared, { ...LEXER_CONFIG, skipValidations: true }));
    const declared = allTokens.map((t) => t.LINE_BREAKS);
    expect(declared.every((d) => typeof d === 'boolean')).toBe(true);
    expect(analysed).toHaveLength(allTokens.length);
    expect(declared).toEqual(analysed);
    expect(canLineTerminator(eplLexer)).toEqual(analysed);
    expect(declared.filter((d) => d).length).toBe(4);
  });

  it('count lines for the tokens after them', () => {
    const texts: [string, string][] = [
      ['select\n  a from S', 'from'],
      ['select /* one\ntwo\n */ a from S', 'from'],
      ["select 'x\ny' as a from S", 'from'],
      ['select `odd\nname` from S', 'from'],
      ['select a -- note\nfrom S', 'from'],
      ['select a // note\r\nfrom S', 'from'],
    ];
    for (const [text, word] of texts) {
      const token = eplLexer.tokenize(text).tokens.find((t) => t.image.toLowerCase() === word);
      const before = text.slice(0, text.indexOf(word));
      const lines = before.split(/\r\n|\r|\n/);
      expect({ text, line: token?.startLine, column: token?.startColumn }).toEqual({
        text,
        line: lines.length,
        column: (lines.at(-1) as string).length + 1,
      });
    }
  });
});
