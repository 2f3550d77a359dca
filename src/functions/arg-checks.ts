/** Argument type checks shared by scalar functions. */
import { WeirError } from '../common/errors.js';
import { type EplType, isNumericType, widenNumeric } from '../common/types.js';

export function numericArgs(name: string, types: readonly EplType[]): EplType {
  for (const t of types) {
    if (!isNumericType(t)) {
      throw new WeirError(
        'analyze/invalid-argument',
        `Function '${name}' requires numeric arguments, got ${t}`,
      );
    }
  }
  return types.reduce<EplType>((a, b) => widenNumeric(a, b), 'null');
}

export function stringArg(name: string, t: EplType | undefined): void {
  if (t !== undefined && t !== 'string' && t !== 'any' && t !== 'null') {
    throw new WeirError(
      'analyze/invalid-argument',
      `Function '${name}' requires a string argument, got ${t}`,
    );
  }
}
