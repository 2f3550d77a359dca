/**
 * Cost per matched event as the number of statements receiving events grows: the
 * many-statements query (1,000 × `select avg(price) from StockTick(symbol='S<i>')#length(100)`)
 * fed events cycling over S symbols, so S statements are hot. Flat would mean the
 * per-statement state stays in the caches; a rise from 100 to 1,000 means it does not.
 *   npx tsx bench/probes/hot-statements.ts [events]
 */
import { createEngine } from '../../src/index.js';
import { readQuery, workload } from '../workload-registry.js';

const events = Number(process.argv[2] ?? 1_000_000);
const query = readQuery(workload('many-statements'));
for (const symbols of [10, 100, 1000]) {
  const input = Array.from({ length: events }, (_, i) => ({
    symbol: `S${(i * 7919) % symbols}`,
    price: 10 + (i % 50),
    volume: 1,
    ts: i,
  }));
  let best = Number.POSITIVE_INFINITY;
  for (let rep = 0; rep < 3; rep++) {
    const engine = createEngine();
    engine.deploy(query);
    let rows = 0;
    for (const h of engine.statements()) {
      h.subscribe((r) => {
        rows += r?.length ?? 0;
      });
    }
    engine.send('StockTick', input[0] as Record<string, unknown>, 0);
    const t0 = process.cpuUsage();
    for (let i = 1; i < events; i++) engine.send('StockTick', input[i] as Record<string, unknown>, i);
    const u = process.cpuUsage(t0);
    best = Math.min(best, ((u.user + u.system) * 1000) / events);
    if (rows !== events) throw new Error(`expected ${events} rows, got ${rows}`);
  }
  process.stdout.write(
    `${String(symbols).padStart(5)} hot statements: ${best.toFixed(0)} ns per matched event\n`,
  );
}
