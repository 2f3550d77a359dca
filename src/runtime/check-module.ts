/**
 * `weir check`: every parse and analysis error in a module, without starting anything.
 * Items that parse are analyzed even when others have syntax errors, so one run shows all.
 */
import { analyzeModule } from '../analyzer/analyze-module.js';
import { WeirError, WeirErrors } from '../common/errors.js';
import { parseModulePartial } from '../parser/parse-module.js';
import { compileModule } from './compile-module.js';

function position(e: WeirError): number {
  return e.span?.startOffset ?? 0;
}

export function checkModule(text: string, file?: string): WeirError[] {
  const { module, errors } = parseModulePartial(text, file);
  const found = [...errors];
  try {
    if (errors.length > 0) analyzeModule(module);
    else compileModule(text, file === undefined ? {} : { file });
  } catch (e) {
    if (e instanceof WeirErrors) found.push(...e.errors);
    else if (e instanceof WeirError) found.push(e);
    else throw e;
  }
  return found.sort((a, b) => position(a) - position(b));
}
