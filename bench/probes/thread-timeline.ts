/**
 * Which thread of a `weir run` does what, and when: runs the bundled CLI as a child process
 * and samples every thread's CPU time (/proc/<pid>/task/<tid>/schedstat, nanoseconds) every
 * 5 ms until it exits. Prints, per thread, its CPU time and a timeline of how busy it was in
 * each slice of the run (a thread busy in every slice while another idles is the one the run
 * waits for), then the groups: main, read worker, writer thread, V8's platform threads, the rest.
 *
 *   npx tsx bench/probes/thread-timeline.ts <workload> [--csv] [--threads 1|2] [--slice ms]
 *     [--format f] [--cli path/to/main.js] [--node-flags '--flag …']
 *
 * `--cli` runs another build's bundle (an A/B), `--node-flags` passes flags to node (e.g.
 * `--no-concurrent-recompilation`: what V8's background compiles cost). Linux only (procfs).
 * The sampler's own CPU is not the child's, but it takes a share of the cores: compare runs
 * taken the same way, interleaved.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DATA_DIR, flatStockTickFile, stockTickFile } from '../generate-data.js';
import { queryPath, workload } from '../workload-registry.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Sample {
  readonly at: number;
  readonly cpu: Map<number, number>;
}

function threadsOf(pid: number): Map<number, number> {
  const cpu = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return cpu;
  }
  for (const tid of tids) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      cpu.set(Number(tid), ns);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return cpu;
}

function nameOf(pid: number, tid: number): string {
  try {
    return readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const name = args[0] ?? 'filter';
  const option = (flag: string, fallback: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? (args[i + 1] as string) : fallback;
  };
  const csv = args.includes('--csv');
  const slice = Number(option('--slice', '25'));
  const file = csv
    ? stockTickFile(DATA_DIR, 1_000_000, 100, 'csv')
    : flatStockTickFile(DATA_DIR, 1_000_000, 100);
  const argv = [
    option('--cli', `${root}dist/cli/main.js`),
    'run',
    queryPath(workload(name)),
    '--events',
    file,
    '--type',
    'StockTick',
    '--format',
    option('--format', 'ndjson'),
    '--out',
    `${DATA_DIR}/timeline.out`,
    '--quiet',
    '--threads',
    option('--threads', '2'),
  ];
  const started = performance.now();
  const nodeFlags = option('--node-flags', '')
    .split(' ')
    .filter((f) => f !== '');
  const child = spawn('node', [...nodeFlags, ...argv], { stdio: 'inherit' });
  const pid = child.pid as number;
  const samples: Sample[] = [];
  const names = new Map<number, string>();
  let done = false;
  child.on('exit', () => {
    done = true;
  });
  while (!done) {
    const cpu = threadsOf(pid);
    for (const tid of cpu.keys()) if (!names.has(tid)) names.set(tid, nameOf(pid, tid));
    if (cpu.size > 0) samples.push({ at: performance.now() - started, cpu });
    await new Promise((r) => setTimeout(r, 5));
  }
  const wall = performance.now() - started;
  // Per thread: its last known CPU time, and its CPU per slice.
  const tids = [...names.keys()];
  const last = new Map<number, number>();
  for (const s of samples) for (const [tid, ns] of s.cpu) last.set(tid, ns);
  const slices = Math.ceil(wall / slice);
  const busy = new Map<number, number[]>(tids.map((t) => [t, new Array<number>(slices).fill(0)]));
  const previous = new Map<number, { at: number; ns: number }>();
  for (const s of samples) {
    for (const [tid, ns] of s.cpu) {
      const p = previous.get(tid) ?? { at: 0, ns: 0 };
      const k = Math.min(slices - 1, Math.floor(s.at / slice));
      const row = busy.get(tid) as number[];
      row[k] = (row[k] as number) + (ns - p.ns) / 1e6;
      previous.set(tid, { at: s.at, ns });
    }
  }
  // Node 20 names every thread `node`; they are told apart by when they were made: the four
  // after the first are V8's platform threads (parallel and concurrent GC, concurrent
  // optimizing compiles, for both isolates), then libuv's four (file writes) and the read
  // worker, which is the busy one among the later threads.
  const sorted = [...tids].sort((a, b) => a - b);
  const platform = new Set(sorted.filter((t) => t !== pid).slice(0, 4));
  const later = sorted.filter((t) => t !== pid && !platform.has(t));
  // The read worker and the writer thread (rows into --out, once many are written) are the busy
  // ones among the later threads: the read worker is started first (before the statements
  // compile), the writer thread later, so it has the higher id.
  const busiest = later
    .filter((t) => (last.get(t) ?? 0) > 50e6)
    .sort((a, b) => (last.get(b) ?? 0) - (last.get(a) ?? 0))
    .slice(0, option('--threads', '2') === '1' ? 0 : 2)
    .sort((a, b) => a - b);
  const worker = busiest[0] ?? -1;
  const writer = busiest[1] ?? -1;
  const label = (tid: number) =>
    tid === pid
      ? 'main'
      : tid === worker
        ? 'read worker'
        : tid === writer
          ? 'writer thread'
          : platform.has(tid)
            ? `V8 platform ${tid}`
            : `libuv? ${tid}`;
  const shown = tids
    .filter((t) => (last.get(t) ?? 0) > 2e6)
    .sort((a, b) => (last.get(b) ?? 0) - (last.get(a) ?? 0));
  process.stdout.write(
    `${name}${csv ? ' (CSV)' : ''}: wall ${(wall / 1000).toFixed(3)} s (child spawn to exit), ${samples.length} samples\n`,
  );
  const glyph = (ms: number) => ' ▁▂▃▄▅▆▇█'[Math.max(0, Math.min(8, Math.round((ms / slice) * 8)))];
  for (const tid of shown) {
    const row = busy.get(tid) as number[];
    process.stdout.write(
      `${label(tid).padEnd(22)} ${((last.get(tid) ?? 0) / 1e9).toFixed(3)} s  |${row.map(glyph).join('')}|\n`,
    );
  }
  const sum = (ts: Iterable<number>) => [...ts].reduce((a, t) => a + (last.get(t) ?? 0), 0) / 1e9;
  process.stdout.write(
    `groups: main ${sum([pid]).toFixed(3)}  read worker ${sum([worker]).toFixed(3)}  writer thread ${sum([writer]).toFixed(3)}  V8 platform ${sum(platform).toFixed(3)}  other ${sum(later.filter((t) => t !== worker && t !== writer)).toFixed(3)}\n`,
  );
  const total = [...last.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`all threads (seen)     ${(total / 1e9).toFixed(3)} s; one column = ${slice} ms\n`);
  process.stdout.write(
    `load average: ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
}

await main();
