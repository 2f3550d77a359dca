/** `weir check <file.epl>`: every parse and analysis error with a caret; exit 1 if any. */
import { readFile } from 'node:fs/promises';
import { parseModule } from '../parser/parse-module.js';
import { checkModule } from '../runtime/check-module.js';
import type { CommandIO } from './io-streams.js';
import { renderError } from './render-error.js';

export async function checkCommand(file: string, io: CommandIO): Promise<number> {
  const text = await readFile(file, 'utf8');
  const errors = checkModule(text, file);
  if (errors.length > 0) {
    for (const e of errors) {
      io.stderr.write(`${renderError(e, text, file)}\n`);
      if (e.expected !== undefined && e.expected.length > 0)
        io.stderr.write(`  expected: ${e.expected.join(', ')}\n`);
    }
    io.stderr.write(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${file}\n`);
    return 1;
  }
  const module = parseModule(text, file);
  const statements = module.items.filter((i) => i.kind === 'Select').length;
  const schemas = module.items.length - statements;
  io.stdout.write(
    `ok: ${statements} statement${statements === 1 ? '' : 's'}, ${schemas} schema${schemas === 1 ? '' : 's'}\n`,
  );
  return 0;
}
