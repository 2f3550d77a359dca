/**
 * Golden cases through exactly the `weir run --format updates $(cat args)` code path:
 * conformance/ (expected output produced by Esper 9) and golden/ (derived by hand).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareUpdates, parseLines } from './support/compare-updates.js';
import { runCli } from './support/run-cli.js';

function cases(root: string): string[] {
  const dir = join(import.meta.dirname, root);
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'query.epl')))
    .sort()
    .map((d) => join(dir, d));
}

async function runCase(dir: string) {
  const args = existsSync(join(dir, 'args'))
    ? readFileSync(join(dir, 'args'), 'utf8').trim().split(/\s+/).filter(Boolean)
    : [];
  const query = readFileSync(join(dir, 'query.epl'), 'utf8');
  // Exactly `cd <case> && weir run query.epl --events events.ndjson --format updates $(cat args)`.
  const result = await runCli(
    ['run', 'query.epl', '--events', 'events.ndjson', '--format', 'updates', '--quiet', ...args],
    { cwd: dir },
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const expected = parseLines(readFileSync(join(dir, 'expected.ndjson'), 'utf8'));
  const diff = compareUpdates(parseLines(result.stdout), expected, /order\s+by/i.test(query));
  expect(diff).toBeUndefined();
}

describe('Esper conformance (expected output from Esper 9)', () => {
  for (const dir of cases('conformance')) {
    it(dir.split('/').pop() as string, () => runCase(dir));
  }
});

describe('hand-derived golden cases', () => {
  for (const dir of cases('golden')) {
    it(dir.split('/').pop() as string, () => runCase(dir));
  }
});
