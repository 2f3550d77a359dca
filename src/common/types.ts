/**
 * EPL value types. `long` and `int` are both JavaScript numbers (exact up to 2^53);
 * the distinction matters for typing (`/` always yields double, int % int stays int).
 * Every type admits null.
 */
export type EplType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'any' | 'null';

export const SCHEMA_TYPES: readonly EplType[] = ['string', 'int', 'long', 'double', 'boolean'];

export function isNumericType(t: EplType): boolean {
  return t === 'int' || t === 'long' || t === 'double' || t === 'any' || t === 'null';
}

/** The result type of arithmetic on two numeric types (Esper's numeric widening). */
export function widenNumeric(a: EplType, b: EplType): EplType {
  if (a === 'any' || b === 'any') return 'any';
  if (a === 'double' || b === 'double') return 'double';
  if (a === 'long' || b === 'long') return 'long';
  if (a === 'null') return b;
  if (b === 'null') return a;
  return 'int';
}
