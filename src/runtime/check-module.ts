/** `weir check`: every parse and analysis error in a module, without starting anything. */
import type { WeirError } from '../common/errors.js';

export function checkModule(_text: string, _file?: string): WeirError[] {
  throw new Error('checkModule: not implemented yet');
}
