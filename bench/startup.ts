/**
 * `npm run bench:startup`: how long `weir run` takes to start, the way scripts and editors
 * run it: `weir run empty.epl --events empty.ndjson`, each run a fresh process, interleaved
 * with the two references measured in the same session:
 *   node        `node -e 0`, the floor no Node program goes below;
 *   unbundled   the same command through tsc's per-file output (dist/cli/run.js), which
 *               is what `weir` ran before the CLI was bundled (Chevrotain's many modules);
 *   weir        the bundled bin, dist/cli/main.js, as `npx weir` runs it.
 * Prints the median, minimum and 90th percentile wall time of each (default 21 runs), and the
 * median CPU time (user + system, read by a preloaded module as the process exits): on a busy
 * machine wall time includes waiting for a core, CPU time much less so.
 *
 *   npm run bench:startup [-- --runs 41]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/cli/main.js');
const unbundled = join(root, 'dist/cli/run.js');

function runsOption(argv: readonly string[]): number {
  const i = argv.indexOf('--runs');
  const n = i < 0 ? 21 : Number(argv[i + 1]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('usage: npm run bench:startup [-- --runs N]');
  return n;
}

function ensureBuilt(): void {
  const fresh =
    existsSync(bin) &&
    existsSync(unbundled) &&
    statSync(bin).mtimeMs >= statSync(join(root, 'src/cli/run.ts')).mtimeMs;
  if (fresh) return;
  process.stderr.write('dist/ is missing or older than src/cli: npm run build…\n');
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed');
}

/** Prints the process's CPU time as it exits (preloaded with --import). */
const CPU_PROBE = `import { writeSync } from 'node:fs';
process.on('exit', () => { const u = process.cpuUsage(); writeSync(2, '\\ncpu-ms ' + (u.user + u.system) / 1000 + '\\n'); });`;

function timeOnce(args: readonly string[], cwd: string, probe: string): { wall: number; cpu: number } {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', probe, ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const wall = performance.now() - started;
  const cpu = /cpu-ms ([\d.]+)/.exec(r.stderr)?.[1];
  if (r.status !== 0 || cpu === undefined)
    throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: Number(cpu) };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const runs = runsOption(process.argv.slice(2));
ensureBuilt();
const dir = mkdtempSync(join(tmpdir(), 'weir-startup-'));
writeFileSync(join(dir, 'empty.epl'), '');
writeFileSync(join(dir, 'empty.ndjson'), '');
const probe = join(dir, 'cpu-probe.mjs');
writeFileSync(probe, CPU_PROBE);
const command = ['run', 'empty.epl', '--events', 'empty.ndjson', '--quiet'];
const variants: Record<string, readonly string[]> = {
  node: ['-e', '0'],
  unbundled: [
    '--input-type=module',
    '-e',
    `import { runCommand } from ${JSON.stringify(unbundled)};
     process.exitCode = await runCommand(${JSON.stringify(command)}, { stdout: process.stdout, stderr: process.stderr });`,
  ],
  weir: [bin, ...command],
};
const times: Record<string, { wall: number; cpu: number }[]> = { node: [], unbundled: [], weir: [] };
for (const args of Object.values(variants)) timeOnce(args, dir, probe); // warm the file cache
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(variants)) times[name]?.push(timeOnce(args, dir, probe));
}
const ms = (n: number) => `${n.toFixed(0)} ms`;
process.stdout.write(`weir run on an empty file, ${runs} runs each, interleaved (wall time)\n`);
process.stdout.write(
  '| variant   | median  | min     | p90     | median CPU |\n|-----------|---------|---------|---------|------------|\n',
);
for (const [name, list] of Object.entries(times)) {
  const wall = list.map((t) => t.wall).sort((a, b) => a - b);
  const cpu = list.map((t) => t.cpu).sort((a, b) => a - b);
  const cells = [quantile(wall, 0.5), wall[0] as number, quantile(wall, 0.9)].map((n) => ms(n).padEnd(7));
  process.stdout.write(
    `| ${name.padEnd(9)} | ${cells.join(' | ')} | ${ms(quantile(cpu, 0.5)).padEnd(10)} |\n`,
  );
}
