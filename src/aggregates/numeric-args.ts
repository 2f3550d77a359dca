/** Type rules shared by the numeric aggregates. */
import { WeirError } from '../common/errors.js';
import { type EplType, isNumericType } from '../common/types.js';

const JAVA_TYPE: Partial<Record<EplType, string>> = { string: 'String', boolean: 'Boolean' };

export function requireNumeric(name: string, types: readonly EplType[]): EplType {
  const t = types[0] ?? 'any';
  if (!isNumericType(t)) {
    throw new WeirError(
      'analyze/invalid-aggregate',
      `Implicit conversion from datatype '${JAVA_TYPE[t] ?? t}' to numeric is not allowed for aggregation function '${name}'`,
    );
  }
  return t;
}

export const ONE_ARG = { minArgs: 1, maxArgs: 1, star: false, distinct: true } as const;
