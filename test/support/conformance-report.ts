/**
 * Developer tool, not a test: runs every case folder of a conformance directory (default
 * ../shared/conformance, the Esper-produced cases of all issues) through the same
 * `weir run --format updates $(cat args)` path as test/conformance.test.ts and prints one
 * line per failing case plus pass/fail counts per prefix. Shows how far an issue's prefixes
 * are from passing before they are copied into test/conformance/.
 *
 *   npm run conformance -- [regex over case names] [--dir <cases directory>]
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareUpdates, parseLines } from './compare-updates.js';
import { runCli } from './run-cli.js';

const argv = process.argv.slice(2);
const dirFlag = argv.indexOf('--dir');
const root =
  dirFlag >= 0 ? resolve(argv[dirFlag + 1] ?? '.') : join(import.meta.dirname, '../../../shared/conformance');
const pattern = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--dir');
const filter = new RegExp(pattern ?? '.*');

/** `pat-r012-x` → `pat-r`, `core-agg-x` → `core`: the prefixes issues name. */
function prefixOf(name: string): string {
  const head = name.replace(/-.*/, '');
  return /^[a-z]+-r\d/.test(name) ? `${head}-r` : head;
}

async function failureOf(dir: string): Promise<string | undefined> {
  const args = existsSync(join(dir, 'args'))
    ? readFileSync(join(dir, 'args'), 'utf8').trim().split(/\s+/).filter(Boolean)
    : [];
  const query = readFileSync(join(dir, 'query.epl'), 'utf8');
  const result = await runCli(
    ['run', 'query.epl', '--events', 'events.ndjson', '--format', 'updates', '--quiet', ...args],
    { cwd: dir },
  );
  if (result.code !== 0 || result.stderr !== '') {
    return `exit ${result.code}: ${result.stderr.split('\n').slice(0, 3).join(' | ')}`;
  }
  const expected = parseLines(readFileSync(join(dir, 'expected.ndjson'), 'utf8'));
  return compareUpdates(parseLines(result.stdout), expected, /order\s+by/i.test(query));
}

const counts = new Map<string, { pass: number; fail: number }>();
for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  if (!filter.test(name) || !existsSync(join(dir, 'query.epl'))) continue;
  let failure: string | undefined;
  try {
    failure = await failureOf(dir);
  } catch (e) {
    failure = `threw ${(e as Error).stack ?? e}`;
  }
  const count = counts.get(prefixOf(name)) ?? { pass: 0, fail: 0 };
  counts.set(prefixOf(name), count);
  if (failure === undefined) count.pass++;
  else {
    count.fail++;
    console.log(`FAIL ${name}: ${failure.slice(0, 400)}`);
  }
}
let pass = 0;
let fail = 0;
for (const [prefix, c] of counts) {
  console.log(`${prefix.padEnd(8)} ${c.pass} pass, ${c.fail} fail`);
  pass += c.pass;
  fail += c.fail;
}
console.log(`total    ${pass} pass, ${fail} fail`);
