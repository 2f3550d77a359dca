/** `weir check <file.epl>`: every parse and analysis error with a caret; exit 1 if any. */
import { resolve } from 'node:path';
import { parseModule } from '../parser/parse-module.js';
import { checkModule } from '../runtime/check-module.js';
import type { CommandIO } from './io-streams.js';
import { readSource } from './read-source.js';
import { renderErrors } from './render-error.js';

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function checkCommand(file: string, io: CommandIO): Promise<number> {
  const text = readSource(resolve(io.cwd ?? process.cwd(), file), file);
  const errors = checkModule(text, file);
  if (errors.length > 0) {
    io.stderr.write(`${renderErrors(errors, text, file)}\n`);
    return 1;
  }
  const items = parseModule(text, file).items;
  const statements = items.filter((i) => i.kind !== 'CreateSchema').length;
  io.stdout.write(`ok: ${count(statements, 'statement')}, ${count(items.length - statements, 'schema')}\n`);
  return 0;
}
