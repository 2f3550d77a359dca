/** The common type of several values (case branches, coalesce arguments). */
import { type EplType, isNumericType, widenNumeric } from './types.js';

export function unifyTypes(types: readonly EplType[]): EplType {
  const known = types.filter((t) => t !== 'null');
  if (known.length === 0) return 'null';
  if (known.every((t) => t === known[0])) return known[0] ?? 'any';
  if (known.every((t) => isNumericType(t)))
    return known.reduce<EplType>((a, b) => widenNumeric(a, b), 'null');
  return 'any';
}
