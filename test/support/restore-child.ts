/**
 * A second process for the snapshot round trip: restores the engine from a snapshot file,
 * sends the events of an NDJSON file ({type, ts, data} per line), flushes, advances to the
 * end time, and prints every listener call as one JSON line (as snapshot-cut.ts records them).
 *
 *   node --import tsx test/support/restore-child.ts <snapshot file> <events file> [end time]
 */
import { readFileSync } from 'node:fs';
import { createEngine } from '../../src/index.js';

const [snapshotFile, eventsFile, endTime] = process.argv.slice(2) as [string, string, string | undefined];
const engine = createEngine({ restore: new Uint8Array(readFileSync(snapshotFile)) });
const out: string[] = [];
for (const s of engine.statements()) {
  s.subscribe((n, o, c) => out.push(JSON.stringify([c.statement, c.time, n, o])));
}
for (const line of readFileSync(eventsFile, 'utf8').split('\n')) {
  if (line.trim() === '') continue;
  const e = JSON.parse(line) as { type: string; ts: number; data: Record<string, unknown> };
  engine.send(e.type, e.data, e.ts);
}
engine.flush();
if (endTime !== undefined) engine.advanceTime(Number(endTime));
process.stdout.write(`${out.join('\n')}\n`);
