/**
 * Snapshot and restore figures (issue 10 §5): for a workload run over n events, the time of
 * `engine.snapshot()`, its size, the time of `createEngine({ restore })`, and the size of the
 * raw state it holds (events held × their encoded size), each in a fresh process.
 *
 *   npm run bench:snapshot                           # sliding-avg and pattern-100k-users, 1M events
 *   npm run bench:snapshot -- --events 100000        # fewer events
 *   npm run bench:snapshot -- --workload sliding-avg # one workload
 *
 * Also checks the restore: the restored engine's statements, stats and its output on the next
 * 10,000 events equal the snapshotted engine's (a mismatch exits 1).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pack } from 'msgpackr';
import { createEngine } from '../src/index.js';
import { eventStream, readQuery, workload } from './workload-registry.js';

const DEFAULT_WORKLOADS = ['sliding-avg', 'pattern-100k-users'];
const CONTINUE = 10_000;

interface Figures {
  readonly workload: string;
  readonly events: number;
  readonly snapshotMs: number;
  readonly restoreMs: number;
  readonly bytes: number;
  /** Events the engine holds (windows, partial matches) × their msgpack size. */
  readonly rawBytes: number;
  readonly held: number;
  readonly checked: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** In the child: run, snapshot, restore, compare the continuations. */
function measure(name: string, n: number): Figures {
  const w = workload(name);
  const engine = createEngine();
  engine.deploy(readQuery(w));
  const events = [...eventStream(w, n + CONTINUE)];
  for (let i = 0; i < n; i++) {
    const e = events[i] as (typeof events)[number];
    engine.send(e.type, e.data, e.ts);
  }
  // Held events: the windows' sizes and the partial matches (the engine's own accounting).
  const held = engine.statements().reduce((sum, s) => sum + s.stats().windowSize, 0);
  const sample = events.slice(Math.max(0, n - held), n);
  const rawBytes = sample.reduce((sum, e) => sum + pack(e.data).length, 0);
  const snapshotTimes: number[] = [];
  let bytes: Uint8Array = new Uint8Array();
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    bytes = engine.snapshot();
    snapshotTimes.push(performance.now() - t0);
  }
  const restoreTimes: number[] = [];
  let restored = createEngine({ restore: bytes });
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    restored = createEngine({ restore: bytes });
    restoreTimes.push(performance.now() - t0);
  }
  const calls = (target: typeof engine) => {
    const out: string[] = [];
    for (const s of target.statements())
      s.subscribe((nw, o, c) => out.push(JSON.stringify([c.statement, c.time, nw, o])));
    for (let i = n; i < n + CONTINUE; i++) {
      const e = events[i] as (typeof events)[number];
      target.send(e.type, e.data, e.ts);
    }
    return out;
  };
  const same =
    JSON.stringify(restored.stats()) === JSON.stringify(engine.stats()) &&
    JSON.stringify(calls(restored)) === JSON.stringify(calls(engine));
  return {
    workload: name,
    events: n,
    snapshotMs: median(snapshotTimes),
    restoreMs: median(restoreTimes),
    bytes: bytes.length,
    rawBytes,
    held,
    checked: same,
  };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

if (process.argv[2] === '--child') {
  process.stdout.write(`${JSON.stringify(measure(process.argv[3] as string, Number(process.argv[4])))}\n`);
} else {
  const events = Number(arg('--events') ?? 1_000_000);
  const names = arg('--workload')?.split(',') ?? DEFAULT_WORKLOADS;
  const rows: Figures[] = [];
  for (const name of names) {
    process.stderr.write(`snapshot bench: ${name}, ${events} events…\n`);
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name, String(events)],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    rows.push(JSON.parse(out) as Figures);
  }
  const mb = (b: number) => (b / 1048576).toFixed(2);
  console.log(
    '| workload | events | held | snapshot ms | restore ms | snapshot MB | raw state MB | size / raw | restore checked |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = r.rawBytes > 0 ? (r.bytes / r.rawBytes).toFixed(2) : '—';
    console.log(
      `| ${r.workload} | ${r.events} | ${r.held} | ${r.snapshotMs.toFixed(1)} | ${r.restoreMs.toFixed(1)} | ${mb(r.bytes)} | ${mb(r.rawBytes)} | ${ratio} | ${r.checked ? 'ok' : 'MISMATCH'} |`,
    );
  }
  if (rows.some((r) => !r.checked)) {
    console.error('!!! a restored engine did not continue as the snapshotted one');
    process.exit(1);
  }
}
