/**
 * The engine's input on the main thread alone, in process: the read worker's hand-over
 * (typed batches built once from a workload's events, as read-worker.ts builds them) fed to an
 * engine through each input, timed in CPU per pass, passes interleaved:
 *
 * - `object`: the event rebuilt from the hand-over (makeEventDecoder), then `send` (the
 *   engine's reader copies it);
 * - `lent`: one reused row filled from the hand-over (makeLentRows), then `sendTransient`;
 * - `reading only`: the reused row filled, no engine (what reading the hand-over costs).
 *
 *   npx tsx bench/probes/lent-rows.ts [workload] [--events n] [--passes n] [--listen]
 *
 * `--listen` subscribes a listener counting rows (otherwise no statement output is consumed).
 */
import { readFileSync } from 'node:fs';
import type { Row } from '../../src/common/row.js';
import { createEngine } from '../../src/index.js';
import {
  type WireBatch,
  WireBatchBuilder,
  makeEventDecoder,
  makeLentRows,
  newWireCursor,
  startBatch,
} from '../../src/io/event-wire.js';
import { DATA_DIR, flatStockTickFile } from '../generate-data.js';
import { queryPath, workload } from '../workload-registry.js';

const args = process.argv.slice(2);
const option = (flag: string, fallback: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? (args[i + 1] as string) : fallback;
};
const name = args[0] !== undefined && !args[0].startsWith('--') ? args[0] : 'filter';
const count = Number(option('--events', '1000000'));
const passes = Number(option('--passes', '7'));
const listen = args.includes('--listen');
const epl = readFileSync(queryPath(workload(name)), 'utf8');

const probe = createEngine();
probe.deploy(epl);
const schema = probe.schema('StockTick');
if (schema === undefined) throw new Error('the workload declares no StockTick');

// The hand-over, as the worker builds it (one batch per 4,096 rows).
const lines = readFileSync(flatStockTickFile(DATA_DIR, 1_000_000, 100), 'utf8').split('\n', count);
const batches: WireBatch[] = [];
const builder = new WireBatchBuilder([schema]);
for (const line of lines) {
  const event = JSON.parse(line) as Row;
  builder.record({ type: 'StockTick', event, timestamp: event.ts as number, file: 'f', line: 0 });
  if (builder.size === 4096) batches.push(builder.take(0, 0, 0, 0).batch);
}
if (builder.size > 0) batches.push(builder.take(0, 0, 0, 0).batch);

function engineFor(): { send: ReturnType<typeof createEngine>; rows: () => number } {
  const engine = createEngine();
  engine.deploy(epl);
  let rows = 0;
  if (listen)
    for (const s of engine.statements())
      s.subscribe((inserted) => {
        rows += inserted?.length ?? 0;
      });
  return { send: engine, rows: () => rows };
}

function objectPass(): number {
  const { send: engine } = engineFor();
  const decode = makeEventDecoder(schema as NonNullable<typeof schema>);
  const cursor = newWireCursor();
  const start = process.cpuUsage();
  for (const batch of batches) {
    startBatch(cursor, batch);
    for (let i = 0; i < batch.count; i++) engine.send('StockTick', decode(cursor), batch.times[i]);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function lentPass(): number {
  const { send: engine } = engineFor();
  const lent = makeLentRows(schema as NonNullable<typeof schema>);
  const cursor = newWireCursor();
  const start = process.cpuUsage();
  for (const batch of batches) {
    startBatch(cursor, batch);
    for (let i = 0; i < batch.count; i++) {
      if (!lent.read(cursor, lent.row)) throw new Error('a value of the wrong type');
      engine.sendTransient('StockTick', lent.row, batch.times[i]);
    }
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Only reading the hand-over into the lent row (what `lent` costs before the engine). */
function readPass(): number {
  const lent = makeLentRows(schema as NonNullable<typeof schema>);
  const cursor = newWireCursor();
  let refused = 0;
  const start = process.cpuUsage();
  for (const batch of batches) {
    startBatch(cursor, batch);
    for (let i = 0; i < batch.count; i++) if (!lent.read(cursor, lent.row)) refused++;
  }
  const used = process.cpuUsage(start);
  if (refused > 0) throw new Error('a value of the wrong type');
  return (used.user + used.system) / 1000;
}

const times: Record<string, number[]> = { object: [], lent: [], 'reading only': [] };
for (let p = 0; p < passes; p++) {
  times.object?.push(objectPass());
  times.lent?.push(lentPass());
  times['reading only']?.push(readPass());
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [k, xs] of Object.entries(times))
  console.log(
    `${name} ${k}: median ${median(xs).toFixed(0)} ms CPU per ${lines.length} events (${xs.map((x) => x.toFixed(0)).join(' ')})`,
  );
