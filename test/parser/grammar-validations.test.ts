/**
 * The parser and lexer skip Chevrotain's definition validations at start (they depend on the
 * grammar only, and cost a large part of `weir run`'s start): this test runs them, so an
 * ambiguous alternative or a bad token pattern still fails the suite.
 */
import { Lexer } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { EplParser } from '../../src/parser/parser.js';
import { LEXER_CONFIG, allTokens } from '../../src/parser/tokens.js';

describe('grammar definition', () => {
  it("passes Chevrotain's parser validations (ambiguities, left recursion, empty alternatives)", () => {
    expect(() => new EplParser({ validate: true })).not.toThrow();
  });

  it("passes Chevrotain's lexer validations", () => {
    const lexer = new Lexer(allTokens, { ...LEXER_CONFIG, skipValidations: false });
    expect(lexer.lexerDefinitionErrors).toEqual([]);
  });
});
