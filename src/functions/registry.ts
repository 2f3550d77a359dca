/** Scalar functions by name. Adding one: a FunctionDef in its file and a line here. */
import { coalesce } from './coalesce.js';
import type { FunctionDef } from './function-def.js';
import { abs, ceil, exp, floor, ln, maxOf, minOf, pow, round, sign, sqrt } from './math.js';
import { length, lower, strlen, substring, trim, upper } from './strings.js';

export const functionRegistry: ReadonlyMap<string, FunctionDef> = new Map(
  [
    abs,
    round,
    floor,
    ceil,
    sqrt,
    exp,
    ln,
    pow,
    sign,
    minOf,
    maxOf,
    coalesce,
    lower,
    upper,
    length,
    strlen,
    substring,
    trim,
  ].map((f) => [f.name, f]),
);

export function lookupFunction(name: string): FunctionDef | undefined {
  return functionRegistry.get(name.toLowerCase());
}
