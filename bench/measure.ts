/**
 * One measurement in this process: Weir on preloaded events through the API (a listener
 * adding rows to a checksum), or the baseline on the same events. Latency is sampled on
 * every 1,000th event with process.hrtime.
 */
import { createEngine } from '../src/index.js';
import { Checksum } from './checksum.js';
import type { Workload, WorkloadInput } from './workloads.js';

export interface Measurement {
  readonly eventsPerSecond: number;
  readonly checksum: string;
  readonly rows: number;
  readonly p50us: number | undefined;
  readonly p99us: number | undefined;
  readonly maxRssMb: number;
}

function percentile(sorted: readonly number[], p: number): number | undefined {
  return sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export function measureWeir(w: Workload, input: WorkloadInput): Measurement {
  const out = new Checksum();
  const engine = createEngine();
  for (const handle of engine.deploy(w.epl(input.events.length))) {
    handle.subscribe((rows, _old, ctx) => {
      if (rows !== null) for (const r of rows) out.add(ctx.time, Object.values(r));
    });
  }
  const { events, timestamps, type } = input;
  const samples: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < events.length; i++) {
    const t = typeof type === 'string' ? type : (type[i] as string);
    if (i % 1000 === 0) {
      const s = process.hrtime.bigint();
      engine.send(t, events[i] as Record<string, unknown>, timestamps[i]);
      samples.push(Number(process.hrtime.bigint() - s) / 1000);
    } else engine.send(t, events[i] as Record<string, unknown>, timestamps[i]);
  }
  engine.flush();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  samples.sort((a, b) => a - b);
  return {
    eventsPerSecond: events.length / seconds,
    checksum: out.value,
    rows: out.rows,
    p50us: percentile(samples, 0.5),
    p99us: percentile(samples, 0.99),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

export function measureBaseline(w: Workload, input: WorkloadInput): Measurement {
  const out = new Checksum();
  const baseline = w.baseline;
  if (baseline === undefined) throw new Error(`${w.name} has no baseline`);
  const started = process.hrtime.bigint();
  baseline(input, out);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    eventsPerSecond: input.events.length / seconds,
    checksum: out.value,
    rows: out.rows,
    p50us: undefined,
    p99us: undefined,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
