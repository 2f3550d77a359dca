/**
 * One measurement in this process: Weir on preloaded events through the public API (a
 * listener per statement feeding the checksum), or the baseline on the same array. Latency
 * of single `send` calls is sampled on every `latencyEvery`-th event with hrtime.
 */
import { createEngine, isWeirError } from '../src/index.js';
import type { Engine, StatementHandle } from '../src/index.js';
import { type EventInput, runBaseline, typeAt } from './baselines/baseline.js';
import { Checksum } from './checksum.js';
import { type Workload, eventStream, readQuery } from './workload-registry.js';

export interface Measurement {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly checksum: string;
  readonly rows: number;
  readonly p50us: number | undefined;
  readonly p99us: number | undefined;
  /** Peak resident set size of this process (includes the preloaded input). */
  readonly maxRssMb: number;
  readonly heapUsedMb: number;
}

/** Weir rejected the workload's statements (for example joins, before they exist). */
export interface Pending {
  readonly pending: string;
}

export interface MeasureOptions {
  readonly latencyEvery?: number;
  /** Keep every listener call in the checksum (small runs only: for diagnostics). */
  readonly checksum?: Checksum;
}

export const isPending = (m: Measurement | Pending): m is Pending => 'pending' in m;

function percentile(sorted: readonly number[], p: number): number | undefined {
  return sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function resources(): { maxRssMb: number; heapUsedMb: number } {
  return {
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

/**
 * A full collection just before a timed loop, when the process exposes one (run.ts starts
 * every measurement with --expose-gc). Generating a million input events promotes about
 * 120 MB to the old generation and leaves garbage behind; V8's major collection of it then
 * starts either before the loop or inside it, by chance (a few MB more or less allocated at
 * deploy decide), and inside it costs the loop 70–100 ms on pattern-100k-users (1.27 → 1.45 s
 * of CPU). The loop should pay for the garbage the engine makes, not for the input's.
 */
function settleHeap(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return;
  gc();
  // V8 sweeps the freed pages on helper threads after gc() returns: a loop started at once
  // would share the cores with that sweeping (pattern-1-user: +10–30 ms). It takes well under this.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
}

/** The reason Weir cannot deploy the workload, or undefined when it can. */
export function deployProblem(w: Workload): string | undefined {
  try {
    createEngine().deploy(readQuery(w));
    return undefined;
  } catch (e) {
    if (isWeirError(e) || (e instanceof Error && e.name === 'WeirErrors')) return (e as Error).message;
    throw e;
  }
}

/** Deploys the workload and subscribes a checksum listener to every statement. */
function deployWithChecksum(w: Workload, out: Checksum): Engine {
  const engine = createEngine();
  for (const handle of engine.deploy(readQuery(w))) subscribeChecksum(handle, out);
  return engine;
}

/**
 * A listener feeding the checksum, generated per statement so it reads each column as a
 * named property, as a listener written for the statement would (`row.symbol`), rather than
 * through a loop over column names, which would bill a generic consumer's keyed lookups to Weir.
 */
export function subscribeChecksum(handle: StatementHandle, out: Checksum): void {
  const s = out.statement(handle.name);
  const reads = handle.columns.map((c) => `s.value(r[${JSON.stringify(c)}]);`).join(' ');
  const listener = new Function(
    's',
    `return function checksumListener(rows, _old, ctx) {
      if (rows === null || rows.length === 0) return;
      s.begin(ctx.time);
      for (let i = 0; i < rows.length; i++) { const r = rows[i]; ${reads} s.endRow(); }
      s.end();
    };`,
  )(s) as Parameters<StatementHandle['subscribe']>[0];
  handle.subscribe(listener);
}

export function measureWeir(
  w: Workload,
  input: EventInput,
  options: MeasureOptions = {},
): Measurement | Pending {
  const problem = deployProblem(w);
  if (problem !== undefined) return { pending: problem };
  const latencyEvery = options.latencyEvery ?? 1000;
  const out = options.checksum ?? new Checksum();
  const engine = deployWithChecksum(w, out);
  const { events, timestamps } = input;
  const samples: number[] = [];
  settleHeap();
  const started = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) {
    const type = typeAt(input, i);
    if (i % latencyEvery === 0) {
      const t0 = process.hrtime.bigint();
      engine.send(type, events[i] as Record<string, unknown>, timestamps[i]);
      samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    } else engine.send(type, events[i] as Record<string, unknown>, timestamps[i]);
  }
  engine.flush();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  samples.sort((a, b) => a - b);
  return {
    events: events.length,
    seconds,
    eventsPerSecond: events.length / seconds,
    checksum: out.value,
    rows: out.rows,
    p50us: percentile(samples, 0.5),
    p99us: percentile(samples, 0.99),
    ...resources(),
  };
}

export function measureBaseline(w: Workload, input: EventInput, options: MeasureOptions = {}): Measurement {
  const out = options.checksum ?? new Checksum();
  settleHeap();
  const started = process.hrtime.bigint();
  runBaseline(w.baseline, input, out);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    events: input.events.length,
    seconds,
    eventsPerSecond: input.events.length / seconds,
    checksum: out.value,
    rows: out.rows,
    p50us: undefined,
    p99us: undefined,
    ...resources(),
  };
}

/**
 * Weir on events generated one at a time and never held (the memory-flatness check):
 * peak RSS then reflects the engine's state, not the input.
 */
export function measureWeirStreamed(w: Workload, count: number): Measurement | Pending {
  const problem = deployProblem(w);
  if (problem !== undefined) return { pending: problem };
  const out = new Checksum();
  const engine = deployWithChecksum(w, out);
  settleHeap();
  const started = process.hrtime.bigint();
  for (const e of eventStream(w, count)) engine.send(e.type, e.data, e.ts);
  engine.flush();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    events: count,
    seconds,
    eventsPerSecond: count / seconds,
    checksum: out.value,
    rows: out.rows,
    p50us: undefined,
    p99us: undefined,
    ...resources(),
  };
}
