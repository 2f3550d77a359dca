/**
 * Child-process entry for the hand-written end-to-end reference (hand-pipeline.ts):
 *   tsx bench/ndjson-pipeline.ts <workload> <file.ndjson> <out> [symbols]
 * prints {events, seconds, checksum, rows, maxRssMb, cpuSeconds} as a JSON line (cpuSeconds:
 * user + system CPU time of this process since it started, for the CPU-time e2e ratio).
 */
import { runHandPipeline } from './hand-pipeline.js';
import { withSymbols, workload } from './workload-registry.js';

const [name, file, outPath, symbols] = process.argv.slice(2);
const w = withSymbols(workload(name as string), symbols === undefined ? undefined : Number(symbols));
const started = process.hrtime.bigint();
const { events, checksum, rows } = await runHandPipeline(w, file as string, outPath as string);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({ events, seconds, checksum, rows, maxRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 })}\n`,
);
