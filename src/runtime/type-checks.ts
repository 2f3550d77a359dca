/**
 * What a value of each declared type must be, as source text: the checks the engine's event
 * reader (event-normalizer.ts) applies to every property, shared with code that checks values
 * before they become a row (the read worker's hand-over, io/event-wire.ts). A module of its
 * own so the worker's bundle takes nothing else of the runtime.
 */
import type { EplType } from '../common/types.js';

/** A positive check per declared type; a type without one accepts any value. */
const CHECKS: Partial<Record<EplType, (v: string) => string>> = {
  string: (v) => `typeof ${v} === 'string'`,
  double: (v) => `typeof ${v} === 'number'`,
  int: (v) => `Number.isInteger(${v})`,
  // Beyond 2^53 a number is no longer exact: 9007199254740993 reads as …992. Refused, not rounded silently.
  long: (v) => `Number.isSafeInteger(${v})`,
  boolean: (v) => `typeof ${v} === 'boolean'`,
};

/** The positive check of a value of `type` (source text over the variable `v`), or undefined when any value fits. */
export function typeCheckSource(type: EplType, v: string): string | undefined {
  return CHECKS[type]?.(v);
}
