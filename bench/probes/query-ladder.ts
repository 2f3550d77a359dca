/**
 * CPU time per event of single queries on the 1M StockTick events, no listener, best of 4,
 * each query in its own process (a shared process would let one query's types reach the
 * next one's call sites). Shows what each stage costs on top of `send` itself:
 *   npx tsx bench/probes/query-ladder.ts [events]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../src/index.js';
import { eventInput, workload } from '../workload-registry.js';

const SCHEMA = 'create schema StockTick(symbol string, price double, volume long, ts long);';
export const LADDER = [
  'select * from StockTick(price > 1e9)',
  'select * from StockTick(price > 50)',
  'select rstream * from StockTick#length(30000)',
  'select rstream * from StockTick#time(30 sec)',
  'select symbol, count(*) from StockTick#time_batch(1 sec) group by symbol',
  'select symbol, avg(price) from StockTick#time(30 sec) group by symbol',
  'select symbol, median(price) from StockTick#time(30 sec) group by symbol',
];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function measure(query: string, events: number): number {
  const input = eventInput(workload('filter'), events);
  let best = Number.POSITIVE_INFINITY;
  for (let rep = 0; rep < 4; rep++) {
    const engine = createEngine();
    engine.deploy(`${SCHEMA} ${query};`);
    const t0 = cpuMs();
    for (let i = 0; i < input.events.length; i++)
      engine.send('StockTick', input.events[i] as Record<string, unknown>, input.timestamps[i]);
    engine.flush();
    best = Math.min(best, ((cpuMs() - t0) * 1e6) / input.events.length);
  }
  return best;
}

const [first, second] = process.argv.slice(2);
if (first === '--one') {
  process.stdout.write(`${measure(second as string, Number(process.argv[4] ?? 1_000_000))}\n`);
} else {
  const events = first ?? '1000000';
  const self = fileURLToPath(import.meta.url);
  for (const q of LADDER) {
    const out = execFileSync(process.execPath, [...process.execArgv, self, '--one', q, events], {
      encoding: 'utf8',
    });
    process.stdout.write(`${Number(out).toFixed(0).padStart(6)} ns/event  ${q}\n`);
  }
}
