/**
 * The end-to-end table of issue 15: whole processes, file to file, on flat StockTick NDJSON
 * (1M events, 100 symbols by default), median of interleaved runs:
 *
 *   weir        node dist/cli/main.js run <query.epl> --events <file> --type StockTick --format ndjson --out <f> --quiet
 *   DuckDB      one thread, COPY (<the same query in SQL>) TO <f> (FORMAT json)   (duckdb-child.ts)
 *   readline    readline + JSON.parse into the hand-written baseline, writing nothing (hand-child.ts)
 *   bytes       the hand byte parser into the baseline, writing nothing (hand-child.ts)
 *
 * plus startup: weir and DuckDB on an empty file. Every child is plain `node` on compiled
 * JavaScript (bench/.build, compiled here by tsc), so no side pays for a TypeScript loader.
 *
 * Correctness first, from the same files: Weir's rows must equal DuckDB's for filter and
 * tumbling-count (same values, compared as multisets), and Weir's listener calls (a
 * `--format updates` run) must have the hand baselines' checksum on every workload (the
 * sliding workloads differ from DuckDB in row count by Esper's semantics: Weir also posts a
 * row when an event leaves the window).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Checksum } from '../checksum.js';
import {
  DATA_DIR,
  flatStockTickFile,
  stockTickFile,
  writeFlatStockTickFile,
  writeStockTickFiles,
} from '../generate-data.js';
import { queryPath, workload } from '../workload-registry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const build = `${root}bench/.build`;
const cli = `${root}dist/cli/main.js`;
const OUT_DIR = `${DATA_DIR}/e2e-out`;

/** The rows of the table (a workload, or `<workload>-csv`: the same on the CSV file), with the label of its first column. */
const ROWS = [
  ['filter', 'filter `price > 50`'],
  ['sliding-avg', 'sliding 30 s avg per key'],
  ['tumbling-count', '1 s tumbling count per key'],
  ['sliding-max', 'sliding 30 s max per key'],
  ['sliding-median', 'sliding 30 s median per key'],
  ['filter-csv', 'filter `price > 50`, CSV input'],
] as const;

/** A row's workload and whether it reads the CSV file (the hand pipelines read NDJSON only). */
const rowInput = (row: string) =>
  row.endsWith('-csv') ? { name: row.slice(0, -'-csv'.length), csv: true } : { name: row, csv: false };

/** Rows whose rows must equal DuckDB's, with the columns compared. */
const SAME_AS_DUCKDB: Record<string, (row: Record<string, unknown>, time: unknown) => unknown[]> = {
  filter: (r) => [r.symbol, r.price, r.volume, r.ts],
  'filter-csv': (r) => [r.symbol, r.price, r.volume, r.ts],
  'tumbling-count': (r, time) => [time, r.symbol, r['count(*)']],
};

export interface EndToEndOptions {
  readonly events: number;
  readonly runs: number;
  readonly workloads?: readonly string[];
}

export interface EndToEndRow {
  readonly workload: string;
  readonly rows: { readonly weir: number; readonly duckdb: number };
  /** Median wall seconds per side. */
  readonly seconds: { weir: number; duckdb: number; readline: number; bytes: number };
  /** Median CPU seconds (user + system, all threads) per side. */
  readonly cpu: { weir: number; duckdb: number; readline: number; bytes: number };
  readonly check: string;
  readonly ok: boolean;
}

function compileChildren(): void {
  execFileSync(
    `${root}node_modules/.bin/tsc`,
    [
      '--outDir',
      build,
      '--rootDir',
      `${root}bench`,
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--target',
      'ES2022',
      '--skipLibCheck',
      '--types',
      'node',
      `${root}bench/e2e/duckdb-child.ts`,
      `${root}bench/e2e/hand-child.ts`,
    ],
    { stdio: 'inherit' },
  );
  // The compiled files are ES modules like their sources.
  writeFileSync(`${build}/package.json`, '{"type":"module"}\n');
}

const TIME = '/usr/bin/time';
const cpuFile = `${DATA_DIR}/e2e-cpu.txt`;

/**
 * Wall time of `node <args>`, and its CPU time (user + system, all threads) through
 * /usr/bin/time when the machine has it: on a shared machine wall time moves with the load,
 * CPU time much less (it counts the work, not the waiting).
 */
function timed(args: readonly string[]): { seconds: number; cpu: number; stdout: string } {
  const withTime = existsSync(TIME);
  const [command, argv] = withTime
    ? [TIME, ['-f', '%U %S', '-o', cpuFile, 'node', ...args]]
    : ['node', [...args]];
  const started = process.hrtime.bigint();
  const r = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  const cpu = withTime
    ? readFileSync(cpuFile, 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number)
        .reduce((a, b) => a + b, 0)
    : Number.NaN;
  return { seconds, cpu, stdout: r.stdout };
}

const weirArgs = (row: string, file: string, out: string, format = 'ndjson') => [
  cli,
  'run',
  queryPath(workload(rowInput(row).name)),
  '--events',
  file,
  '--type',
  'StockTick',
  '--format',
  format,
  '--out',
  out,
  '--quiet',
];

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const jsonLines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** A multiset of value tuples, as sorted keys. */
const multiset = (tuples: readonly unknown[][]) => tuples.map((t) => JSON.stringify(t)).sort();

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Weir's listener calls (a --format updates file) hashed as the baselines hash theirs. */
function updatesChecksum(path: string): string {
  const out = new Checksum();
  for (const call of jsonLines(path)) {
    const rows = call.new as Record<string, unknown>[] | null;
    if (rows === null || rows.length === 0) continue;
    const s = out.statement(call.stmt as string);
    s.begin(call.time as number);
    for (const row of rows) {
      for (const v of Object.values(row)) s.value(v);
      s.endRow();
    }
    s.end();
  }
  return out.value;
}

function check(
  name: string,
  file: string,
  weirOut: string,
  duckOut: string,
  handChecksum: string | undefined,
): string {
  const problems: string[] = [];
  const updates = `${OUT_DIR}/${name}.updates.ndjson`;
  timed(weirArgs(name, file, updates, 'updates'));
  const weirSum = updatesChecksum(updates);
  rmSync(updates);
  if (handChecksum !== undefined && weirSum !== handChecksum)
    problems.push(`weir calls ${weirSum} ≠ hand baselines ${handChecksum}`);
  const columns = SAME_AS_DUCKDB[name];
  if (columns !== undefined) {
    const weirRows = multiset(
      jsonLines(weirOut).map((l) => columns(l.row as Record<string, unknown>, l.time)),
    );
    const duckRows = multiset(jsonLines(duckOut).map((r) => columns(r, r.time)));
    if (!sameMultiset(weirRows, duckRows))
      problems.push(`weir's ${weirRows.length} rows ≠ DuckDB's ${duckRows.length} rows`);
  }
  if (problems.length > 0) return `MISMATCH: ${problems.join('; ')}`;
  const same = [
    ...(columns === undefined ? [] : ['= DuckDB']),
    ...(handChecksum === undefined ? [] : ['= hand baselines']),
  ];
  return `ok (${same.join(', ')})`;
}

const lineCount = (path: string) => {
  let n = 0;
  const text = readFileSync(path);
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++;
  return n;
};

export async function runEndToEndTable(
  o: EndToEndOptions,
): Promise<{ rows: EndToEndRow[]; startup: Record<string, number> }> {
  compileChildren();
  mkdirSync(OUT_DIR, { recursive: true });
  const file = flatStockTickFile(DATA_DIR, o.events, 100);
  if (!existsSync(file)) await writeFlatStockTickFile(DATA_DIR, o.events, 100);
  const csvFile = stockTickFile(DATA_DIR, o.events, 100, 'csv');
  if (!existsSync(csvFile)) await writeStockTickFiles(DATA_DIR, o.events, 100);
  const inputOf = (row: string) => (rowInput(row).csv ? csvFile : file);
  const empty = `${DATA_DIR}/empty.ndjson`;
  if (!existsSync(empty)) writeFileSync(empty, '');
  const selected = ROWS.filter(
    ([name]) => o.workloads === undefined || o.workloads.includes(rowInput(name).name),
  );
  const duck = (name: string, input: string, out: string) => [
    `${build}/e2e/duckdb-child.js`,
    name,
    input,
    out,
  ];
  const hand = (mode: string, row: string) => [`${build}/e2e/hand-child.js`, mode, row, file];

  type Sides = { weir: number[]; duckdb: number[]; readline: number[]; bytes: number[] };
  const samples = new Map<string, Sides>();
  const cpuSamples = new Map<string, Sides>();
  const startup = { weir: [] as number[], duckdb: [] as number[] };
  const handChecksums = new Map<string, string>();
  // Interleaved: each round runs every side of every workload once, so a change in the
  // machine's load falls on all of them.
  for (let run = 0; run < o.runs; run++) {
    process.stderr.write(`end to end: round ${run + 1} of ${o.runs}…\n`);
    startup.weir.push(timed(weirArgs('filter', empty, `${OUT_DIR}/empty.out`)).seconds);
    startup.duckdb.push(timed(duck('filter', empty, `${OUT_DIR}/empty.json`)).seconds);
    for (const [name] of selected) {
      const s = samples.get(name) ?? { weir: [], duckdb: [], readline: [], bytes: [] };
      const c = cpuSamples.get(name) ?? { weir: [], duckdb: [], readline: [], bytes: [] };
      samples.set(name, s);
      cpuSamples.set(name, c);
      const input = inputOf(name);
      const weir = timed(weirArgs(name, input, `${OUT_DIR}/${name}.weir.ndjson`));
      const duckdb = timed(duck(rowInput(name).name, input, `${OUT_DIR}/${name}.duckdb.json`));
      // The hand pipelines read NDJSON: a CSV row shows the NDJSON row's figures for them.
      const none = { seconds: Number.NaN, cpu: Number.NaN, stdout: '' };
      const readline = rowInput(name).csv ? none : timed(hand('readline', name));
      const bytes = rowInput(name).csv ? none : timed(hand('bytes', name));
      for (const [side, r] of [
        ['weir', weir],
        ['duckdb', duckdb],
        ['readline', readline],
        ['bytes', bytes],
      ] as const) {
        s[side].push(r.seconds);
        c[side].push(r.cpu);
      }
      for (const r of rowInput(name).csv ? [] : [readline, bytes]) {
        const sum = (JSON.parse(r.stdout.trim()) as { checksum: string }).checksum;
        const before = handChecksums.get(name);
        if (before !== undefined && before !== sum)
          throw new Error(`${name}: the hand pipelines disagree (${before} vs ${sum})`);
        handChecksums.set(name, sum);
      }
    }
  }
  const rows = selected.map(([name]): EndToEndRow => {
    const s = samples.get(name) as Sides;
    const c = cpuSamples.get(name) as Sides;
    const weirOut = `${OUT_DIR}/${name}.weir.ndjson`;
    const duckOut = `${OUT_DIR}/${name}.duckdb.json`;
    const verdict = check(name, inputOf(name), weirOut, duckOut, handChecksums.get(rowInput(name).name));
    const medians = (x: Sides) => ({
      weir: median(x.weir),
      duckdb: median(x.duckdb),
      readline: median(x.readline),
      bytes: median(x.bytes),
    });
    return {
      workload: name,
      rows: { weir: lineCount(weirOut), duckdb: lineCount(duckOut) },
      seconds: medians(s),
      cpu: medians(c),
      check: verdict,
      ok: !verdict.startsWith('MISMATCH'),
    };
  });
  return { rows, startup: { weir: median(startup.weir), duckdb: median(startup.duckdb) } };
}

const cpuCell = (c: EndToEndRow['cpu']) =>
  Number.isNaN(c.weir)
    ? '—'
    : [c.weir, c.duckdb, c.readline, c.bytes].map((x) => (Number.isNaN(x) ? '—' : x.toFixed(2))).join(' / ');

const millions = (n: number) => `${(n / 1e6).toFixed(n >= 1e6 ? 2 : 1)}M`;

/** The table as Markdown, in the shape plus the ratio and the check. */
export function formatEndToEndTable(result: Awaited<ReturnType<typeof runEndToEndTable>>): string {
  const label = new Map<string, string>(ROWS);
  const header = [
    'workload (rows written)',
    '`weir run … --format ndjson --out f`',
    'DuckDB 1 thread, `COPY (query) TO f (FORMAT json)`',
    'hand readline + JSON.parse, writing nothing',
    'hand byte parser, writing nothing',
    'speed vs DuckDB',
    'CPU s: weir / DuckDB / readline / bytes',
    'check',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of result.rows) {
    const rows =
      r.rows.weir === r.rows.duckdb
        ? `${millions(r.rows.weir)} rows`
        : `DuckDB ${millions(r.rows.duckdb)} rows, Weir ${millions(r.rows.weir)}`;
    const s = r.seconds;
    const sec = (x: number) => (Number.isNaN(x) ? '—' : `${x.toFixed(2)} s`);
    lines.push(
      `| ${label.get(r.workload)} (${rows}) | ${sec(s.weir)} | ${sec(s.duckdb)} | ${sec(s.readline)} | ${sec(s.bytes)} | ${(s.duckdb / s.weir).toFixed(2)} | ${cpuCell(r.cpu)} | ${r.check} |`,
    );
  }
  lines.push(
    `| startup (empty file) | ${result.startup.weir?.toFixed(2)} s | ${result.startup.duckdb?.toFixed(2)} s | | | ${((result.startup.duckdb as number) / (result.startup.weir as number)).toFixed(2)} | | |`,
  );
  return lines.join('\n');
}
