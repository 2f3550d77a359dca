/**
 * The recorded grammar (src/parser/recorded-grammar.ts): the built bin gives the parser the
 * GAST the build recorded instead of recording it at every start. The parser built that way
 * must be the parser: the data rebuilds the very structure Chevrotain records (every node's
 * class, own properties in order, and token types), and the two parsers answer every query of
 * the project (conformance cases, bundled examples, benchmarks) and broken variants of them
 * with the same syntax tree or the same errors.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { EplParser } from '../../src/parser/parser.js';
import { rebuildGrammar, recordGrammarOf } from '../../src/parser/recorded-grammar.js';
import { allTokens } from '../../src/parser/tokens.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every query.epl one level under a directory of the project. */
function queriesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      try {
        return [readFileSync(join(root, dir, d.name, 'query.epl'), 'utf8')];
      } catch {
        return [];
      }
    });
}

const corpus = [
  ...queriesUnder('test/conformance'),
  ...queriesUnder('queries'),
  ...queriesUnder('bench/workloads'),
];

/** Broken variants of a query: cut short, a word dropped, a stray parenthesis. */
function variants(text: string, i: number): string[] {
  const words = text.split(/(\s+)/);
  const dropped = words.filter((_, k) => k !== (i * 7) % words.length).join('');
  const at = i % text.length;
  return [
    text.slice(0, Math.floor(text.length * ((i % 5) + 1) * 0.15)),
    dropped,
    `${text.slice(0, at)} ) ${text.slice(at)}`,
  ];
}

type Parse = typeof import('../../src/parser/parse-module.js');

/** parse-module loaded afresh (its shared parser not built yet), given the recorded grammar or not. */
async function freshParser(withRecorded: boolean): Promise<Parse> {
  vi.resetModules();
  const parse = (await import('../../src/parser/parse-module.js')) as Parse;
  if (withRecorded) parse.useRecordedGrammar(JSON.parse(JSON.stringify(parse.recordGrammar())));
  return parse;
}

function outcome(parse: Parse, text: string): string {
  const { module, errors } = parse.parseModulePartial(text, 'q.epl');
  return JSON.stringify({ module, errors: errors.map((e) => [e.code, e.message, e.span]) });
}

/** Each node's class, own keys in order and values (token types by identity), children included. */
function shapeOf(node: object, tokens: Map<unknown, string>): unknown {
  const fields = Object.entries(node)
    .filter(([k]) => k !== 'referencedRule')
    .map(([k, v]) => [
      k,
      k === '_definition'
        ? (v as object[]).map((c) => shapeOf(c, tokens))
        : typeof v === 'object'
          ? `token:${tokens.get(v) ?? 'NOT A LEXER TOKEN'}`
          : v,
    ]);
  return [Object.getPrototypeOf(node).constructor.name, fields];
}

describe('the recorded grammar', () => {
  it('rebuilds exactly the structure Chevrotain records', () => {
    const productions = new EplParser().getGAstProductions();
    const recorded = JSON.parse(JSON.stringify(recordGrammarOf(productions)));
    const rebuilt = rebuildGrammar(recorded, allTokens);
    const tokens = new Map<unknown, string>(allTokens.map((t) => [t, t.name]));
    const names = Object.keys(productions);
    expect(names.length).toBeGreaterThan(50);
    expect(Object.keys(rebuilt)).toEqual(names);
    for (const name of names)
      expect(shapeOf(rebuilt[name] as object, tokens)).toEqual(shapeOf(productions[name] as object, tokens));
    expect(JSON.stringify(names.map((n) => shapeOf(rebuilt[n] as object, tokens)))).not.toContain(
      'NOT A LEXER TOKEN',
    );
  });

  it('is what a parser given it analyses, instead of recording the grammar', () => {
    const rebuilt = rebuildGrammar(recordGrammarOf(new EplParser().getGAstProductions()), allTokens);
    const productions = new EplParser({ recorded: rebuilt }).getGAstProductions();
    for (const [name, rule] of Object.entries(rebuilt)) expect(productions[name]).toBe(rule);
  });

  it('parses every query of the project, and broken variants of them, as the recording parser does', async () => {
    expect(corpus.length).toBeGreaterThan(700);
    const texts = corpus.flatMap((text, i) => [text, ...variants(text, i)]);
    const recording = await freshParser(false);
    const expected = texts.map((t) => outcome(recording, t));
    expect(recording.parserUsesRecordedGrammar()).toBe(false);
    const replaying = await freshParser(true);
    const actual = texts.map((t) => outcome(replaying, t));
    expect(replaying.parserUsesRecordedGrammar()).toBe(true);
    expect(actual).toEqual(expected);
    expect(expected.filter((o) => o.includes('"errors":[]')).length).toBeGreaterThan(700);
    expect(expected.filter((o) => !o.includes('"errors":[]')).length).toBeGreaterThan(1000);
  });
});

describe('the recorded lookahead', () => {
  it('has every decision of the grammar, and a parser given it computes none', async () => {
    const chevrotain = await import('chevrotain');
    const strategy = chevrotain.LLkLookaheadStrategy.prototype;
    const parse = await freshParser(true);
    const lookahead = parse.recordGrammar().lookahead ?? {};
    expect(Object.keys(lookahead).length).toBeGreaterThan(200);
    const computed = [
      vi.spyOn(strategy, 'buildLookaheadForAlternation'),
      vi.spyOn(strategy, 'buildLookaheadForOptional'),
    ];
    try {
      const texts = corpus.flatMap((text, i) => [text, ...variants(text, i)]);
      for (const t of texts) outcome(parse, t);
      expect(parse.parserUsesRecordedGrammar()).toBe(true);
      for (const spy of computed) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of computed) spy.mockRestore();
    }
  });
});
