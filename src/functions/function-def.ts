/**
 * A scalar function is one FunctionDef in one file plus one line in registry.ts.
 * `impl` receives evaluated arguments; unless `nullSafe`, a null argument yields null
 * without calling it (SQL null propagation).
 */
import type { EplType } from '../common/types.js';

export interface FunctionDef {
  readonly name: string;
  readonly syntax: string;
  readonly doc: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Result type from argument types; throws a WeirError('analyze/invalid-argument') for bad types. */
  resultType(argTypes: readonly EplType[]): EplType;
  /** Handles nulls itself (coalesce); otherwise a null argument short-circuits to null. */
  readonly nullSafe: boolean;
  readonly impl: (...args: never[]) => unknown;
}
