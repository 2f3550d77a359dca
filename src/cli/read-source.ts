/** Reading a query file, and telling query errors from other failures. */
import { readFileSync } from 'node:fs';
import { WeirError, WeirErrors } from '../common/errors.js';

/** The file's text; a missing file is a WeirError naming it as the user wrote it. */
export function readSource(path: string, shown: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${(e as Error).message})`;
    throw new WeirError('io/file-not-found', `query file '${shown}' ${what}`);
  }
}

/** The errors a deploy/parse threw (WeirErrors or one WeirError), or undefined for anything else. */
export function queryErrors(e: unknown): readonly WeirError[] | undefined {
  if (e instanceof WeirErrors) return e.errors;
  if (e instanceof WeirError) return [e];
  return undefined;
}
