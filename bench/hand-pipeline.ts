/**
 * The hand-written end-to-end reference for `weir run --format ndjson --out <out>`: readline
 * over the NDJSON file, JSON.parse each envelope, push it into the workload's baseline, and
 * write each row it posts as the NDJSON line `weir run` writes for it (ndjson-echo.ts).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { EchoChecksum, LineSink } from './ndjson-echo.js';
import type { Workload } from './workload-registry.js';

interface Envelope {
  readonly type: string;
  readonly ts: number;
  readonly data: Record<string, unknown>;
}

export interface HandPipelineResult {
  readonly events: number;
  readonly checksum: string;
  readonly rows: number;
}

export async function runHandPipeline(
  w: Workload,
  file: string,
  outPath: string,
): Promise<HandPipelineResult> {
  const sink = LineSink.open(outPath);
  const out = new EchoChecksum(w.columns, sink);
  const baseline = w.baseline(out);
  let events = 0;
  for await (const line of createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (line === '') continue;
    const e = JSON.parse(line) as Envelope;
    baseline.event(e.type, e.data, e.ts);
    events++;
  }
  baseline.finish();
  sink.close();
  return { events, checksum: out.value, rows: out.rows };
}
