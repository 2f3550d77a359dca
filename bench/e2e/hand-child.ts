/**
 * The hand-written pipelines of the end-to-end table, writing nothing: the workload's
 * baseline fed from the flat StockTick NDJSON file by
 *
 *   readline   readline over the file and JSON.parse per line
 *   bytes      the hand byte parser (hand-byte-parser.ts)
 *
 *   node bench/.build/e2e/hand-child.js <readline|bytes> <workload> <file.ndjson>
 *
 * prints {events, checksum, rows} as one JSON line: the checksum of the rows the baseline
 * posted, which the table compares with Weir's output.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Checksum } from '../checksum.js';
import { parseStockTickFile } from '../hand-byte-parser.js';
import { workload } from '../workload-registry.js';

async function main(): Promise<void> {
  const [mode, name, file] = process.argv.slice(2);
  if ((mode !== 'readline' && mode !== 'bytes') || name === undefined || file === undefined) {
    throw new Error('usage: hand-child <readline|bytes> <workload> <file.ndjson>');
  }
  const out = new Checksum();
  const baseline = workload(name).baseline(out);
  let events = 0;
  if (mode === 'bytes') {
    events = parseStockTickFile(file, {
      tick: (symbol, price, volume, ts) => baseline.event('StockTick', { symbol, price, volume, ts }, ts),
    });
  } else {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (line === '') continue;
      const e = JSON.parse(line) as { ts: number };
      baseline.event('StockTick', e, e.ts);
      events++;
    }
  }
  baseline.finish();
  process.stdout.write(`${JSON.stringify({ events, checksum: out.value, rows: out.rows })}\n`);
}

await main();
