/** coalesce(a, b, …): the first non-null argument. */
import { unifyTypes } from '../common/unify-types.js';
import type { FunctionDef } from './function-def.js';

export const coalesce: FunctionDef = {
  name: 'coalesce',
  syntax: 'coalesce(a, b, …)',
  doc: 'The first argument that is not null, or null.',
  minArgs: 1,
  maxArgs: 64,
  nullSafe: true,
  resultType: (types) => unifyTypes(types),
  impl: ((...args: unknown[]) => {
    for (const a of args) if (a !== null && a !== undefined) return a;
    return null;
  }) as (...args: never[]) => unknown,
};
