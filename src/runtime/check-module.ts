/** `weir check`: every parse and analysis error in a module, without starting anything. */
import { WeirError, WeirErrors } from '../common/errors.js';
import { compileModule } from './compile-module.js';

export function checkModule(text: string, file?: string): WeirError[] {
  try {
    compileModule(text, file === undefined ? {} : { file });
    return [];
  } catch (e) {
    if (e instanceof WeirErrors) return [...e.errors];
    if (e instanceof WeirError) return [e];
    throw e;
  }
}
