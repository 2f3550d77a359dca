/**
 * `npm run bench`: every workload in fresh processes (median of --runs), Weir in memory vs
 * its hand-written baseline on the same events, their ratio, checksums compared, latency
 * p50/p99, peak RSS; then end to end, `weir run` on the NDJSON file vs a hand-written NDJSON
 * pipeline. Prints a table and writes bench/results/<timestamp>.json.
 *
 *   npm run bench                      1,000,000 events, 3 runs
 *   npm run bench -- --quick           100,000 events, 1 run, no end-to-end
 *   npm run bench -- --workload sliding-avg --events 10000000
 *   npm run bench -- --flat-memory     sliding-avg RSS at 1M vs 10M events
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeStockFiles } from './generate-data.js';
import type { Measurement } from './measure.js';
import { WORKLOADS, type Workload } from './workloads.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const quick = flag('--quick');
const events = option('--events', quick ? 100_000 : 1_000_000);
const runs = option('--runs', quick ? 1 : 3);
const only = args.includes('--workload') ? args[args.indexOf('--workload') + 1] : undefined;
const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = `${root}node_modules/.bin/tsx`;

function child(script: string, ...rest: string[]): Record<string, unknown> {
  const output = execFileSync(tsx, [`${root}bench/${script}`, ...rest], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(output.trim().split('\n').pop() as string) as Record<string, unknown>;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function measureMany(w: Workload, mode: 'weir' | 'baseline', count: number): Measurement & { all: number[] } {
  const results = Array.from(
    { length: runs },
    () => child('run-one.ts', w.name, mode, String(count)) as unknown as Measurement,
  );
  const best = results[0] as Measurement;
  return {
    ...best,
    eventsPerSecond: median(results.map((r) => r.eventsPerSecond)),
    all: results.map((r) => r.eventsPerSecond),
  };
}

function endToEnd(w: Workload): { weir: number; pipeline: number } | undefined {
  if (w.symbols === undefined) return undefined;
  if (!existsSync(`${root}dist/cli/main.js`)) execFileSync('npm', ['run', 'build'], { cwd: root });
  const dir = `${root}bench/data`;
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/stocktick-${events}-${w.symbols}.ndjson`;
  if (!existsSync(file))
    execFileSync(tsx, [
      `${root}bench/generate-data.ts`,
      '--events',
      String(events),
      '--symbols',
      String(w.symbols),
    ]);
  const query = `${dir}/${w.name}.epl`;
  writeFileSync(query, w.epl(events));
  const weir = median(
    Array.from({ length: runs }, () => {
      const started = process.hrtime.bigint();
      execFileSync('node', [
        `${root}dist/cli/main.js`,
        'run',
        query,
        '--events',
        file,
        '--format',
        'ndjson',
        '--out',
        '/dev/null',
        '--quiet',
      ]);
      return events / (Number(process.hrtime.bigint() - started) / 1e9);
    }),
  );
  const pipeline = median(
    Array.from({ length: runs }, () => Number(child('ndjson-pipeline.ts', w.name, file).eventsPerSecond)),
  );
  return { weir, pipeline };
}

const fmt = (n: number | undefined) =>
  n === undefined ? '—' : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`;
const rows: Record<string, unknown>[] = [];
let mismatch = false;

if (flag('--flat-memory')) {
  const w = WORKLOADS.find((x) => x.name === 'sliding-avg') as Workload;
  const small = child('run-one.ts', w.name, 'weir', '1000000') as unknown as Measurement;
  const large = child('run-one.ts', w.name, 'weir', '10000000') as unknown as Measurement;
  process.stdout.write(
    `sliding-avg peak RSS: ${small.maxRssMb.toFixed(0)} MB at 1M events, ${large.maxRssMb.toFixed(0)} MB at 10M (ratio ${(large.maxRssMb / small.maxRssMb).toFixed(2)}; input arrays are preloaded in memory)\n`,
  );
  process.exit(0);
}

process.stdout.write(
  `Weir benchmark: ${events.toLocaleString('en')} events, median of ${runs} run(s), ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n\n`,
);
const header = [
  'workload',
  'weir ev/s',
  'baseline ev/s',
  'ratio',
  'checksums',
  'p50 µs',
  'p99 µs',
  'RSS MB',
  'e2e weir',
  'e2e hand',
  'e2e ratio',
];
process.stdout.write(`${header.join(' | ')}\n${header.map(() => '---').join(' | ')}\n`);
for (const w of WORKLOADS) {
  if (only !== undefined && w.name !== only) continue;
  if (w.baseline === undefined) {
    process.stdout.write(`${w.name} | pending: ${w.pending} |||||||||\n`);
    rows.push({ workload: w.name, pending: w.pending });
    continue;
  }
  const weir = measureMany(w, 'weir', events);
  const base = measureMany(w, 'baseline', events);
  const same = weir.checksum === base.checksum;
  mismatch ||= !same;
  const e2e = quick ? undefined : endToEnd(w);
  const row = {
    workload: w.name,
    description: w.description,
    weirEventsPerSecond: weir.eventsPerSecond,
    baselineEventsPerSecond: base.eventsPerSecond,
    ratio: weir.eventsPerSecond / base.eventsPerSecond,
    checksumWeir: weir.checksum,
    checksumBaseline: base.checksum,
    p50us: weir.p50us,
    p99us: weir.p99us,
    maxRssMb: weir.maxRssMb,
    e2eWeir: e2e?.weir,
    e2eHand: e2e?.pipeline,
  };
  rows.push(row);
  process.stdout.write(
    `${[
      w.name,
      fmt(row.weirEventsPerSecond),
      fmt(row.baselineEventsPerSecond),
      row.ratio.toFixed(2),
      same ? `ok (${weir.rows} rows)` : `MISMATCH ${weir.checksum} vs ${base.checksum}`,
      row.p50us?.toFixed(1) ?? '—',
      row.p99us?.toFixed(1) ?? '—',
      row.maxRssMb.toFixed(0),
      fmt(e2e?.weir),
      fmt(e2e?.pipeline),
      e2e === undefined ? '—' : (e2e.weir / e2e.pipeline).toFixed(2),
    ].join(' | ')}\n`,
  );
}
mkdirSync(`${root}bench/results`, { recursive: true });
const out = `${root}bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(
  out,
  JSON.stringify({ events, runs, node: process.version, cpus: cpus().length, rows }, null, 2),
);
process.stdout.write(`\nwrote ${out}\n`);
if (mismatch) {
  process.stderr.write('CHECKSUM MISMATCH: Weir and a baseline disagree (see the table)\n');
  process.exit(1);
}
