/** `weir explain <file.epl> [--verbose] [--no-columnar-aggregation]`: logical, optimized and physical plans, and the physical rules applied. */
import { resolve } from 'node:path';
import { explainModule } from '../runtime/explain-module.js';
import type { CommandIO } from './io-streams.js';
import { queryErrors, readSource } from './read-source.js';
import { renderErrors } from './render-error.js';

export async function explainCommand(
  file: string,
  verbose: boolean,
  io: CommandIO,
  columnarAggregation = true,
): Promise<number> {
  const text = readSource(resolve(io.cwd ?? process.cwd(), file), file);
  let plan: string;
  try {
    plan = explainModule(text, { file, verbose, columnarAggregation });
  } catch (e) {
    const errors = queryErrors(e);
    if (errors === undefined) throw e;
    io.stderr.write(`${renderErrors(errors, text, file)}\n`);
    return 1;
  }
  io.stdout.write(plan.endsWith('\n') ? plan : `${plan}\n`);
  return 0;
}
