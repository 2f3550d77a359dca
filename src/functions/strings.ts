/** String scalar functions, with Java's String semantics. */
import { WeirError } from '../common/errors.js';
import { isNumericType } from '../common/types.js';
import { stringArg } from './arg-checks.js';
import type { FunctionDef } from './function-def.js';

function unary(
  name: string,
  doc: string,
  impl: (s: string) => unknown,
  result: 'string' | 'int',
): FunctionDef {
  return {
    name,
    syntax: `${name}(s)`,
    doc,
    minArgs: 1,
    maxArgs: 1,
    nullSafe: false,
    resultType: (types) => {
      stringArg(name, types[0]);
      return result;
    },
    impl: impl as (...args: never[]) => unknown,
  };
}

export const lower = unary('lower', 'Lower case.', (s) => s.toLowerCase(), 'string');
export const upper = unary('upper', 'Upper case.', (s) => s.toUpperCase(), 'string');
export const length = unary('length', 'Number of characters.', (s) => s.length, 'int');
export const strlen = unary('strlen', 'Number of characters (same as length).', (s) => s.length, 'int');
export const trim = unary('trim', 'Removes leading and trailing white space.', (s) => s.trim(), 'string');

export const substring: FunctionDef = {
  name: 'substring',
  syntax: 'substring(s, start [, end])',
  doc: "Characters from start (0-based) up to end (exclusive), as Java's String.substring; out-of-range bounds are clamped.",
  minArgs: 2,
  maxArgs: 3,
  nullSafe: false,
  resultType: (types) => {
    stringArg('substring', types[0]);
    for (const t of types.slice(1)) {
      if (!isNumericType(t))
        throw new WeirError('analyze/invalid-argument', `substring bounds must be numeric, got ${t}`);
    }
    return 'string';
  },
  impl: ((s: string, start: number, end?: number) => {
    const from = Math.max(0, Math.min(s.length, Math.trunc(start)));
    const to = end === undefined ? s.length : Math.max(from, Math.min(s.length, Math.trunc(end)));
    return s.substring(from, to);
  }) as (...args: never[]) => unknown,
};
