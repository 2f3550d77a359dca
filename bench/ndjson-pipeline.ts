/**
 * The hand-written end-to-end reference for `weir run`: readline over the NDJSON file,
 * JSON.parse each envelope, push it into the workload's baseline.
 *   tsx bench/ndjson-pipeline.ts <workload> <file.ndjson> [symbols]
 * prints {events, seconds, checksum, rows, maxRssMb, cpuSeconds} as a JSON line (cpuSeconds:
 * user + system CPU time of this process since it started, for the CPU-time e2e ratio).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Checksum } from './checksum.js';
import { withSymbols, workload } from './workload-registry.js';

interface Envelope {
  readonly type: string;
  readonly ts: number;
  readonly data: Record<string, unknown>;
}

const [name, file, symbols] = process.argv.slice(2);
const w = withSymbols(workload(name as string), symbols === undefined ? undefined : Number(symbols));
const started = process.hrtime.bigint();
const out = new Checksum();
const baseline = w.baseline(out);
let events = 0;
for await (const line of createInterface({
  input: createReadStream(file as string),
  crlfDelay: Number.POSITIVE_INFINITY,
})) {
  if (line === '') continue;
  const e = JSON.parse(line) as Envelope;
  baseline.event(e.type, e.data, e.ts);
  events++;
}
baseline.finish();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({ events, seconds, checksum: out.value, rows: out.rows, maxRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 })}\n`,
);
