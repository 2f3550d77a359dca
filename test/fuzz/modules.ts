/**
 * Generated EPL modules (issue 13 §2): the schemas and one to three fragments drawn from
 * every statement shape (generators.ts: single-stream selects, joins, patterns,
 * match_recognize, insert into; feature-shapes.ts: output clauses, outer joins, subqueries,
 * prev family, retain-union, named windows, tables, contexts, variables), and the same
 * modules mutated at the token level.
 */
import fc from 'fast-check';
import { FEATURE_SHAPES } from './feature-shapes.js';
import {
  SCHEMAS,
  infraModule,
  insertIntoModule,
  joinStatement,
  matchRecognize,
  patternStatement,
  selectStatement,
} from './generators.js';

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

/** Every statement shape the generator knows; add new features here. */
export const STATEMENT_SHAPES: readonly fc.Arbitrary<string>[] = [
  selectStatement,
  joinStatement,
  patternStatement,
  matchRecognize,
  infraModule,
  insertIntoModule,
  ...FEATURE_SHAPES,
];

/** A module: the schemas and one to three statements. */
export const validModule = fc
  .array(fc.oneof(...STATEMENT_SHAPES), { minLength: 1, maxLength: 3 })
  .map((statements) => `${SCHEMAS}\n${statements.join(';\n')};`);

export const MUTATION_TOKENS = [
  '(',
  ')',
  '[',
  ']',
  ',',
  ';',
  '#',
  '.',
  '*',
  '-',
  '--',
  "'",
  '"',
  '`',
  'select',
  'from',
  'where',
  'every',
  '->',
  'and',
  'not',
  'null',
  '1e999',
  '-0',
  '99999999999999999999',
  'A',
  'B',
  'Q',
  'as',
  'group by',
  'output',
  'pattern',
  'match_recognize',
  '{',
  '}',
  'on',
  'merge',
  'when',
  'matched',
  'then',
  'context',
  'window',
  'table',
  'exists',
  'in',
  'any',
  'left',
  'outer',
  'join',
  'retain-union',
  'primary key',
  'terminated',
  '@now',
  'set',
  'delete',
  'insert into',
  'having',
  'prevtail',
  'T[',
  '\u0000',
  '\n',
  'π',
  '😀',
];

/** A valid module with one to four token-level mutations (delete, duplicate, insert, swap, truncate). */
export const mutatedModule = fc
  .tuple(
    validModule,
    fc.array(
      fc.tuple(
        pick(['delete', 'duplicate', 'insert', 'swap', 'truncate'] as const),
        fc.nat(),
        pick(MUTATION_TOKENS),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([text, mutations]) => {
    // Tokens: words, numbers, quoted strings, single other characters; whitespace kept.
    const tokens = text.match(/'[^']*'|\w+|\s+|./gsu) ?? [];
    for (const [kind, at, token] of mutations) {
      const i = tokens.length === 0 ? 0 : at % tokens.length;
      switch (kind) {
        case 'delete':
          tokens.splice(i, 1);
          break;
        case 'duplicate':
          tokens.splice(i, 0, tokens[i] ?? '');
          break;
        case 'insert':
          tokens.splice(i, 0, ` ${token} `);
          break;
        case 'swap':
          if (i + 2 < tokens.length)
            [tokens[i], tokens[i + 2]] = [tokens[i + 2] as string, tokens[i] as string];
          break;
        case 'truncate':
          tokens.length = Math.max(i, SCHEMAS.length > 0 ? 1 : 0);
          break;
      }
    }
    return tokens.join('');
  });
