/**
 * `npm run bench`: every workload in fresh child processes (median of --runs): Weir in
 * memory through the API vs its hand-written baseline on the same preloaded events, their
 * ratio, the two output checksums (a mismatch fails the run), per-send latency, peak RSS;
 * then end to end, `weir run` on the NDJSON file vs a hand-written NDJSON pipeline.
 * Prints a table and writes bench/results/<timestamp>.json.
 *
 *   npm run bench                                  1,000,000 events, median of 3 runs
 *   npm run bench -- --quick                       20,000 events, 1 run, no end-to-end (add --e2e)
 *   npm run bench -- --workload sliding-avg --events 10000000 --runs 1
 *   npm run bench -- --symbols 10000               StockTick workloads on 10,000 symbols
 *   npm run bench -- --no-e2e                      in-memory comparison only
 *   npm run bench -- --flat-memory                 sliding-avg peak RSS at 1M vs 10M events
 *   npm run bench -- --e2e-only                    only the end-to-end table against DuckDB (e2e/table.ts)
 *
 * After the in-memory table (unless --no-e2e) comes the end-to-end table of issue 15: `weir
 * run` file to file against DuckDB on one thread and the hand-written pipelines, whole
 * processes on flat NDJSON (bench/e2e/table.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatEndToEndTable, runEndToEndTable } from './e2e/table.js';
import { DATA_DIR, DEFAULT_EVENTS } from './generate-data.js';
import type { Measurement, Pending } from './measure.js';
import {
  WORKLOADS,
  type Workload,
  ensureDataFile,
  queryPath,
  withSymbols,
  workload,
} from './workload-registry.js';

interface Options {
  readonly events: number;
  readonly runs: number;
  readonly workloads: readonly Workload[];
  readonly symbols: number | undefined;
  readonly e2e: boolean;
  readonly flatMemory: boolean;
  readonly e2eOnly: boolean;
}

const USAGE =
  'usage: npm run bench -- [--quick] [--events N] [--runs N] [--workload name]... [--symbols N] [--no-e2e | --e2e | --e2e-only] [--flat-memory]';

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv[i + 1];
  };
  const count = (name: string, fallback: number) => {
    const n = Number(value(name) ?? fallback);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer\n${USAGE}`);
    return n;
  };
  const quick = argv.includes('--quick');
  const names = argv.flatMap((a, i) => (a === '--workload' ? (argv[i + 1] ?? '').split(',') : []));
  const symbols = value('--symbols');
  return {
    events: count('--events', quick ? 20_000 : DEFAULT_EVENTS),
    runs: count('--runs', quick ? 1 : 3),
    workloads: names.length === 0 ? WORKLOADS : names.map(workload),
    symbols: symbols === undefined ? undefined : count('--symbols', 100),
    // On --quick's small input the end-to-end figures would be process-start noise.
    e2e: argv.includes('--e2e') || (!quick && !argv.includes('--no-e2e')),
    flatMemory: argv.includes('--flat-memory'),
    e2eOnly: argv.includes('--e2e-only'),
  };
}

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = `${root}node_modules/.bin/tsx`;
const cli = `${root}dist/cli/main.js`;
// Preloaded into the `weir run` process: reports its peak RSS and its CPU time (user + system,
// all threads, since process start) on stderr when it exits.
const RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nweir-bench-maxrss-kb ' + u.maxRSS + '\\nweir-bench-cpu-us ' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });",
)}`;

function lastJsonLine<T>(output: string): T {
  return JSON.parse(output.trim().split('\n').pop() as string) as T;
}

/** A measurement in a fresh process; --expose-gc lets it collect the input's garbage before timing (measure.ts). */
function child<T>(script: string, args: readonly string[]): T {
  return lastJsonLine<T>(
    execFileSync(tsx, ['--expose-gc', `${root}bench/${script}`, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  );
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const isPending = <T extends object>(m: T | Pending): m is Pending => 'pending' in m;

interface Side {
  readonly eventsPerSecond: number;
  readonly checksum: string;
  readonly checksums: readonly string[];
  readonly rows: number;
  readonly p50us: number | undefined;
  readonly p99us: number | undefined;
  readonly maxRssMb: number;
}

function measureSide(w: Workload, mode: 'weir' | 'baseline', o: Options): Side | Pending {
  const args = [w.name, mode, String(o.events), ...(o.symbols === undefined ? [] : [String(o.symbols)])];
  const results: Measurement[] = [];
  for (let i = 0; i < o.runs; i++) {
    const m = child<Measurement | Pending>('run-one.ts', args);
    if (isPending(m)) return m;
    results.push(m);
  }
  const first = results[0] as Measurement;
  const p50 = results.map((r) => r.p50us).filter((x) => x !== undefined);
  const p99 = results.map((r) => r.p99us).filter((x) => x !== undefined);
  return {
    eventsPerSecond: median(results.map((r) => r.eventsPerSecond)),
    checksum: first.checksum,
    checksums: results.map((r) => r.checksum),
    rows: first.rows,
    p50us: p50.length === 0 ? undefined : median(p50),
    p99us: p99.length === 0 ? undefined : median(p99),
    maxRssMb: median(results.map((r) => r.maxRssMb)),
  };
}

interface EndToEnd {
  readonly weirEventsPerSecond: number;
  readonly handEventsPerSecond: number;
  /** The same figures from CPU time (user + system) instead of wall time: steadier on a shared machine. */
  readonly weirCpuEventsPerSecond: number;
  readonly handCpuEventsPerSecond: number;
  readonly weirMaxRssMb: number;
  readonly handMaxRssMb: number;
  readonly handChecksum: string;
}

function wallSeconds(run: () => string): { seconds: number; output: string } {
  const started = process.hrtime.bigint();
  const output = run();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, output };
}

/**
 * Both sides are timed the same way, from this process: wall time on the file minus wall
 * time on an empty file (process start, module loading and statement compilation).
 */
function endToEnd(w: Workload, file: string, o: Options): EndToEnd {
  const empty = `${DATA_DIR}/empty.ndjson`;
  if (!existsSync(empty)) writeFileSync(empty, '');
  const weirRun = (events: string) =>
    wallSeconds(() => {
      const args = ['--import', RSS_PROBE, cli, 'run', queryPath(w), '--events', events];
      const r = spawnSync('node', [...args, '--format', 'ndjson', '--out', '/dev/null', '--quiet'], {
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      if (r.status !== 0) throw new Error(`weir run failed on ${events} (exit ${r.status}):\n${r.stderr}`);
      // stderr carries the RSS probe's line; the output itself went to /dev/null.
      return r.stderr;
    });
  const symbolArgs = o.symbols === undefined ? [] : [String(o.symbols)];
  const handRun = (events: string) =>
    wallSeconds(() =>
      execFileSync(tsx, [`${root}bench/ndjson-pipeline.ts`, w.name, events, '/dev/null', ...symbolArgs], {
        encoding: 'utf8',
      }),
    );
  const weirEmpty = Array.from({ length: o.runs }, () => weirRun(empty));
  const handEmpty = Array.from({ length: o.runs }, () => handRun(empty));
  const weirRuns = Array.from({ length: o.runs }, () => weirRun(file));
  const handRuns = Array.from({ length: o.runs }, () => handRun(file));
  const rssOf = (stderr: string) =>
    Number(/weir-bench-maxrss-kb (\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1024;
  const weirCpuOf = (stderr: string) =>
    Number(/weir-bench-cpu-us (\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1e6;
  const handOf = (output: string) =>
    lastJsonLine<{ checksum: string; maxRssMb: number; cpuSeconds: number }>(output);
  const hand = handRuns.map((r) => handOf(r.output));
  const weirStartup = median(weirEmpty.map((r) => r.seconds));
  const handStartup = median(handEmpty.map((r) => r.seconds));
  const weirCpu = (runs: { output: string }[]) => median(runs.map((r) => weirCpuOf(r.output)));
  const handCpu = (runs: { output: string }[]) => median(runs.map((r) => handOf(r.output).cpuSeconds));
  // Too little input to rise above process-start noise: no figure rather than a wrong one.
  const perSecond = (seconds: number) => (seconds > 0.01 ? o.events / seconds : Number.NaN);
  return {
    weirEventsPerSecond: perSecond(median(weirRuns.map((r) => r.seconds)) - weirStartup),
    handEventsPerSecond: perSecond(median(handRuns.map((r) => r.seconds)) - handStartup),
    weirCpuEventsPerSecond: perSecond(weirCpu(weirRuns) - weirCpu(weirEmpty)),
    handCpuEventsPerSecond: perSecond(handCpu(handRuns) - handCpu(handEmpty)),
    weirMaxRssMb: median(weirRuns.map((r) => rssOf(r.output))),
    handMaxRssMb: median(hand.map((h) => h.maxRssMb)),
    handChecksum: (hand[0] as { checksum: string }).checksum,
  };
}

/** Newest modification time of a file under `dir` (ms). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(`${entry.parentPath}/${entry.name}`).mtimeMs);
  }
  return newest;
}

/** `weir run` must be the current source: build dist/ when it is missing or older than src/. */
function ensureBuilt(): void {
  if (existsSync(cli) && statSync(cli).mtimeMs >= newestMtime(`${root}src`)) return;
  process.stderr.write('dist/ is missing or older than src/: npm run build…\n');
  try {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    process.stderr.write('npm run build failed; the end-to-end figures use whatever dist/ holds\n');
  }
}

const rate = (n: number | undefined) =>
  n === undefined || Number.isNaN(n)
    ? '—'
    : n >= 1e6
      ? `${(n / 1e6).toFixed(2)}M`
      : `${(n / 1e3).toFixed(0)}k`;
const fixed = (n: number | undefined, digits: number) =>
  n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits);

function printTable(rows: readonly (readonly string[])[]): void {
  const widths = (rows[0] as readonly string[]).map((_, c) =>
    Math.max(...rows.map((r) => (r[c] ?? '').length)),
  );
  const line = (r: readonly string[]) =>
    `| ${r.map((cell, c) => cell.padEnd(widths[c] as number)).join(' | ')} |`;
  const [head, ...body] = rows;
  process.stdout.write(
    `${line(head as readonly string[])}\n|${widths.map((n) => '-'.repeat(n + 2)).join('|')}|\n`,
  );
  for (const r of body) process.stdout.write(`${line(r)}\n`);
}

function writeResults(report: Record<string, unknown>): string {
  mkdirSync(`${root}bench/results`, { recursive: true });
  const path = `${root}bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

function flatMemory(o: Options): void {
  const w = workload('sliding-avg');
  const small = Math.min(o.events, DEFAULT_EVENTS);
  const sizes = [small, small * 10];
  process.stdout.write(`memory flatness: ${w.name}, Weir on streamed events (input never held)\n`);
  const results = sizes.map((n) => {
    process.stderr.write(`  ${n.toLocaleString('en')} events…\n`);
    const m = child<Measurement | Pending>('run-one.ts', [w.name, 'weir-streamed', String(n)]);
    if (isPending(m)) throw new Error(`${w.name} is pending: ${m.pending}`);
    return m;
  });
  const [a, b] = results as [Measurement, Measurement];
  const ratio = b.maxRssMb / a.maxRssMb;
  printTable([
    ['events', 'peak RSS MB', 'heap used MB', 'ev/s'],
    ...results.map((m) => [
      m.events.toLocaleString('en'),
      fixed(m.maxRssMb, 0),
      fixed(m.heapUsedMb, 0),
      rate(m.eventsPerSecond),
    ]),
  ]);
  const flat = ratio < 1.5;
  process.stdout.write(
    `\npeak RSS ratio ${ratio.toFixed(2)} for 10× the events: ${flat ? 'flat' : 'GROWS WITH INPUT'}\n`,
  );
  const path = writeResults({
    kind: 'flat-memory',
    workload: w.name,
    node: process.version,
    results,
    ratio,
    flat,
  });
  process.stdout.write(`wrote ${path}\n`);
}

/** The issue's targets, from this run's figures (workloads not run are left out). */
function printTargets(rows: readonly Record<string, unknown>[]): void {
  const byName = new Map(rows.map((r) => [r.workload as string, r]));
  const weirRate = (name: string) =>
    (byName.get(name)?.weir as { eventsPerSecond: number } | undefined)?.eventsPerSecond;
  const lines: string[] = [];
  const check = (label: string, value: number | undefined, target: number) => {
    if (value === undefined || !Number.isFinite(value)) return;
    lines.push(
      `  ${value >= target ? 'met    ' : 'not met'}  ${label}: ${value.toFixed(2)} (target ≥ ${target})`,
    );
  };
  for (const name of ['filter', 'sliding-avg', 'tumbling-count', 'sliding-max', 'sliding-median'])
    check(`${name} weir / baseline`, byName.get(name)?.ratio as number | undefined, 0.5);
  const many = weirRate('many-statements');
  const one = weirRate('one-statement');
  if (many !== undefined && one !== undefined)
    check('many-statements / one-statement (weir)', many / one, 0.5);
  const users = weirRate('pattern-100k-users');
  const user = weirRate('pattern-1-user');
  if (users !== undefined && user !== undefined)
    check('pattern 100k users / 1 user (weir)', users / user, 0.5);
  for (const r of rows) check(`${r.workload} end to end weir / hand`, r.e2eRatio as number | undefined, 0.8);
  if (lines.length > 0) process.stdout.write(`\ntargets:\n${lines.join('\n')}\n`);
}

/** The end-to-end table against DuckDB; false when a check failed. */
async function endToEndTable(o: Options, names: readonly string[] | undefined): Promise<boolean> {
  ensureBuilt();
  process.stdout.write(
    `\nend to end, file to file: ${o.events.toLocaleString('en')} flat StockTick NDJSON events, 100 symbols, whole-process wall time, median of ${o.runs} interleaved run(s)\n\n`,
  );
  const result = await runEndToEndTable({
    events: o.events,
    runs: o.runs,
    ...(names ? { workloads: names } : {}),
  });
  process.stdout.write(`${formatEndToEndTable(result)}\n`);
  const path = writeResults({
    kind: 'end-to-end',
    date: new Date().toISOString(),
    node: process.version,
    ...result,
  });
  process.stdout.write(`\nwrote ${path}\n`);
  return result.rows.every((r) => r.ok);
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (o.flatMemory) {
    flatMemory(o);
    return;
  }
  const named = process.argv.includes('--workload') ? o.workloads.map((w) => w.name) : undefined;
  if (o.e2eOnly) {
    if (!(await endToEndTable(o, named))) process.exit(1);
    return;
  }
  if (o.e2e) ensureBuilt();
  process.stdout.write(
    `Weir benchmark: ${o.events.toLocaleString('en')} events per workload, median of ${o.runs} run(s)${o.symbols === undefined ? '' : `, ${o.symbols.toLocaleString('en')} symbols`}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n\n`,
  );
  const table: string[][] = [
    [
      'workload',
      'weir ev/s',
      'baseline ev/s',
      'ratio',
      'checksum',
      'p50 µs',
      'p99 µs',
      'RSS MB',
      'e2e weir',
      'e2e hand',
      'e2e ratio',
      'e2e cpu ratio',
    ],
  ];
  const rows: Record<string, unknown>[] = [];
  const mismatches: string[] = [];
  for (const base of o.workloads) {
    const w = withSymbols(base, o.symbols);
    process.stderr.write(`${w.name}…\n`);
    const weir = measureSide(w, 'weir', o);
    const baseline = measureSide(w, 'baseline', o) as Side;
    let e2e: EndToEnd | undefined;
    let e2eError: string | undefined;
    if (o.e2e && !isPending(weir)) {
      try {
        e2e = endToEnd(w, await ensureDataFile(w, o.events), o);
      } catch (e) {
        e2eError = (e as Error).message;
        process.stderr.write(`  end to end failed: ${e2eError}\n`);
      }
    }
    let verdict: string;
    if (isPending(weir)) verdict = `pending: ${weir.pending}`;
    else {
      const parties: [string, readonly string[]][] = [
        ['weir', weir.checksums],
        ['baseline', baseline.checksums],
        ...(e2e ? [['NDJSON pipeline', [e2e.handChecksum]] as [string, readonly string[]]] : []),
      ];
      const all = new Set(parties.flatMap(([, sums]) => sums));
      if (all.size === 1) verdict = `ok (${weir.rows.toLocaleString('en')} rows)`;
      else {
        verdict = `MISMATCH ${parties.map(([who, sums]) => `${who} ${[...new Set(sums)].join('/')}`).join(' vs ')}`;
        mismatches.push(`${w.name}: ${verdict}`);
      }
    }
    const ratio = isPending(weir) ? undefined : weir.eventsPerSecond / baseline.eventsPerSecond;
    rows.push({
      workload: w.name,
      description: w.description,
      data: w.data,
      pending: isPending(weir) ? weir.pending : undefined,
      weir: isPending(weir) ? undefined : weir,
      baseline,
      ratio,
      checksumsEqual: !isPending(weir) && !verdict.startsWith('MISMATCH'),
      e2e,
      e2eError,
      e2eRatio: e2e ? e2e.weirEventsPerSecond / e2e.handEventsPerSecond : undefined,
      e2eCpuRatio: e2e ? e2e.weirCpuEventsPerSecond / e2e.handCpuEventsPerSecond : undefined,
    });
    const side = isPending(weir) ? undefined : weir;
    table.push([
      w.name,
      rate(side?.eventsPerSecond),
      rate(baseline.eventsPerSecond),
      fixed(ratio, 2),
      verdict,
      fixed(side?.p50us, 1),
      fixed(side?.p99us, 1),
      fixed(side?.maxRssMb, 0),
      e2eError === undefined ? rate(e2e?.weirEventsPerSecond) : 'failed',
      e2eError === undefined ? rate(e2e?.handEventsPerSecond) : 'failed',
      fixed(e2e ? e2e.weirEventsPerSecond / e2e.handEventsPerSecond : undefined, 2),
      fixed(e2e ? e2e.weirCpuEventsPerSecond / e2e.handCpuEventsPerSecond : undefined, 2),
    ]);
  }
  printTable(table);
  printTargets(rows);
  const path = writeResults({
    kind: 'throughput',
    date: new Date().toISOString(),
    events: o.events,
    runs: o.runs,
    symbols: o.symbols,
    node: process.version,
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
    rows,
  });
  process.stdout.write(`\nwrote ${path}\n`);
  if (o.e2e && !(await endToEndTable(o, named)))
    mismatches.push('end to end: Weir, DuckDB and the hand pipelines disagree (see the table)');
  if (mismatches.length > 0) {
    const bar = '!'.repeat(78);
    process.stderr.write(
      `\n${bar}\nCHECKSUM MISMATCH: Weir and a hand-written baseline disagree\n${mismatches.join('\n')}\n${bar}\n`,
    );
    process.exit(1);
  }
}

await main();
