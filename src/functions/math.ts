/** Numeric scalar functions, with Java's Math semantics. */
import type { EplType } from '../common/types.js';
import { numericArgs } from './arg-checks.js';
import type { FunctionDef } from './function-def.js';

function numeric(
  name: string,
  doc: string,
  impl: (x: number) => number,
  result: (t: EplType) => EplType,
): FunctionDef {
  return {
    name,
    syntax: `${name}(x)`,
    doc,
    minArgs: 1,
    maxArgs: 1,
    nullSafe: false,
    resultType: (types) => result(numericArgs(name, types)),
    impl: impl as (...args: never[]) => unknown,
  };
}

const same = (t: EplType) => t;
const double = () => 'double' as EplType;

export const abs = numeric('abs', 'Absolute value.', Math.abs, same);
export const floor = numeric('floor', 'Largest integer not above x, as a double.', Math.floor, double);
export const ceil = numeric('ceil', 'Smallest integer not below x, as a double.', Math.ceil, double);
export const sqrt = numeric('sqrt', 'Square root.', Math.sqrt, double);
export const exp = numeric('exp', 'e raised to x.', Math.exp, double);
export const ln = numeric('ln', 'Natural logarithm.', Math.log, double);
export const sign = numeric('sign', 'Sign of x: -1, 0 or 1.', Math.sign, () => 'int');

/** Java Math.round: half up (toward positive infinity). */
function roundHalfUp(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.floor(x * f + 0.5) / f;
}

export const round: FunctionDef = {
  name: 'round',
  syntax: 'round(x [, digits])',
  doc: 'Rounds half up; with digits, to that many decimal places.',
  minArgs: 1,
  maxArgs: 2,
  nullSafe: false,
  resultType: (types) => {
    const t = numericArgs('round', types);
    return types.length === 2 ? 'double' : t === 'double' ? 'long' : t;
  },
  impl: ((x: number, digits?: number) => roundHalfUp(x, digits ?? 0)) as (...args: never[]) => unknown,
};

export const pow: FunctionDef = {
  name: 'pow',
  syntax: 'pow(x, y)',
  doc: 'x raised to y.',
  minArgs: 2,
  maxArgs: 2,
  nullSafe: false,
  resultType: (types) => {
    numericArgs('pow', types);
    return 'double';
  },
  impl: Math.pow as (...args: never[]) => unknown,
};

function extremum(name: 'min' | 'max'): FunctionDef {
  const pick = name === 'min' ? Math.min : Math.max;
  return {
    name,
    syntax: `${name}(a, b, …)`,
    doc: `The ${name === 'min' ? 'smallest' : 'largest'} of two or more values (null if any is null). With one argument, the aggregate.`,
    minArgs: 2,
    maxArgs: 64,
    nullSafe: false,
    resultType: (types) => numericArgs(name, types),
    impl: pick as (...args: never[]) => unknown,
  };
}

export const minOf = extremum('min');
export const maxOf = extremum('max');
