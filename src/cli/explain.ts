/** `weir explain <file.epl> [--verbose]`: logical, optimized and physical plans. */
import { readFile } from 'node:fs/promises';
import { explainModule } from '../runtime/explain-module.js';
import type { CommandIO } from './io-streams.js';

export async function explainCommand(file: string, verbose: boolean, io: CommandIO): Promise<number> {
  const text = await readFile(file, 'utf8');
  io.stdout.write(explainModule(text, { file, verbose }));
  return 0;
}
