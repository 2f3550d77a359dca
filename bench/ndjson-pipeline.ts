/**
 * The hand-written end-to-end reference: read an NDJSON file with readline, JSON.parse each
 * line (the same parser `weir run` uses), run the workload's baseline. Prints events/second.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Checksum } from './checksum.js';
import { workload } from './workloads.js';

const [name, file] = process.argv.slice(2);
const w = workload(name as string);
const started = process.hrtime.bigint();
const events: Record<string, unknown>[] = [];
const timestamps: number[] = [];
for await (const line of createInterface({
  input: createReadStream(file as string),
  crlfDelay: Number.POSITIVE_INFINITY,
})) {
  if (line === '') continue;
  const envelope = JSON.parse(line) as { ts: number; data: Record<string, unknown> };
  events.push(envelope.data);
  timestamps.push(envelope.ts);
}
const out = new Checksum();
w.baseline?.({ type: 'StockTick', events, timestamps }, out);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(
  `${JSON.stringify({ eventsPerSecond: events.length / seconds, checksum: out.value })}\n`,
);
