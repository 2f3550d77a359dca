/**
 * Reading alone, no engine: CPU time per line of Weir's event readers against the hand byte
 * parser (hand-byte-parser.ts) on the same 1M StockTick events, each reader in its own fresh
 * process, best of 3 passes in that process (so warm-up and the JIT count once):
 *
 *   npx tsx bench/probes/reader-rate.ts [events]
 *
 * Rows: the hand byte parser on flat and envelope NDJSON; Weir's generated line parsers alone
 * (flat and envelope, over the file held in memory: the parser without a reader around it);
 * Weir's NDJSON reader (readNdjson)
 * on flat lines with --type and on envelopes, with the schema-generated parser and without it
 * (every line through JSON.parse); Weir's CSV reader (readCsv) with its generated parser and
 * without it (each line split at commas, each cell converted by its type). Every reader hands
 * its events to one consumer that sums the prices, and the sums must agree (else the probe fails).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCsv } from '../../src/io/csv-reader.js';
import type { ReaderOptions } from '../../src/io/event-record.js';
import { readNdjson } from '../../src/io/ndjson-reader.js';
import { type LineParser, makeEnvelopeParser, makeFlatParser } from '../../src/io/schema-line-parser.js';
import type { EventSchemaInfo } from '../../src/runtime/api.js';
import {
  DATA_DIR,
  flatStockTickFile,
  stockTickFile,
  writeFlatStockTickFile,
  writeStockTickFiles,
} from '../generate-data.js';
import { parseStockTickFile } from '../hand-byte-parser.js';

const SCHEMA: EventSchemaInfo = {
  name: 'StockTick',
  properties: [
    { name: 'symbol', type: 'string' },
    { name: 'price', type: 'double' },
    { name: 'volume', type: 'long' },
    { name: 'ts', type: 'long' },
  ],
  timestampProperty: undefined,
  open: false,
};

const READERS = [
  'hand bytes, flat NDJSON',
  'hand bytes, envelope NDJSON',
  'weir line parser alone, flat',
  'weir line parser alone, envelope',
  'weir, flat NDJSON (--type)',
  'weir, envelope NDJSON',
  'weir, flat NDJSON, JSON.parse',
  'weir, envelope NDJSON, JSON.parse',
  'weir, CSV',
  'weir, CSV, split and convert',
] as const;
type Reader = (typeof READERS)[number];

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function files(events: number) {
  return {
    flat: flatStockTickFile(DATA_DIR, events, 100),
    envelope: stockTickFile(DATA_DIR, events, 100, 'ndjson'),
    csv: stockTickFile(DATA_DIR, events, 100, 'csv'),
  };
}

/** One pass: the number of events and the sum of their prices. */
async function pass(reader: Reader, events: number): Promise<{ count: number; sum: number }> {
  const f = files(events);
  let count = 0;
  let sum = 0;
  if (reader.startsWith('hand')) {
    const path = reader.includes('flat') ? f.flat : f.envelope;
    parseStockTickFile(path, {
      tick: (_symbol, price) => {
        count++;
        sum += price;
      },
    });
    return { count, sum };
  }
  if (reader.includes('parser alone')) {
    // The generated parser over the whole file in memory, line after line: no reader around it.
    const flat = reader.endsWith('flat');
    const bytes = readFileSync(flat ? f.flat : f.envelope);
    const parse = (flat ? makeFlatParser(SCHEMA, 'ts') : makeEnvelopeParser([SCHEMA])) as LineParser;
    const cursor = { pos: 0 };
    for (let p = 0; p < bytes.length; ) {
      const record = parse(bytes, p, bytes.length, cursor, 'f', count + 1);
      if (record === undefined) throw new Error(`line ${count + 1}: not read by the generated parser`);
      count++;
      sum += record.event.price as number;
      p = cursor.pos + 1;
    }
    return { count, sum };
  }
  const specialise = !reader.includes('JSON.parse') && !reader.includes('split');
  const options: ReaderOptions = {
    timeField: 'ts',
    schemaOf: (t) => (t === 'StockTick' ? SCHEMA : undefined),
    typeNames: () => ['StockTick'],
    specialise,
    ...(reader.includes('flat') || reader.includes('CSV') ? { type: 'StockTick' } : {}),
  };
  const path = reader.includes('CSV') ? f.csv : reader.includes('flat') ? f.flat : f.envelope;
  const read = reader.includes('CSV') ? readCsv : readNdjson;
  for await (const batch of read(path, options)) {
    for (const item of batch) {
      if (item instanceof Error) throw item;
      count++;
      sum += item.event.price as number;
    }
  }
  return { count, sum };
}

async function one(reader: Reader, events: number): Promise<void> {
  let best = Number.POSITIVE_INFINITY;
  let result = { count: 0, sum: 0 };
  for (let rep = 0; rep < 3; rep++) {
    const t0 = cpuMs();
    result = await pass(reader, events);
    best = Math.min(best, cpuMs() - t0);
  }
  process.stdout.write(`${JSON.stringify({ ms: best, ...result })}\n`);
}

const [first, second, third] = process.argv.slice(2);
if (first === '--one') {
  await one(second as Reader, Number(third));
} else {
  const events = Number(first ?? 1_000_000);
  const f = files(events);
  if (!existsSync(f.envelope) || !existsSync(f.csv)) await writeStockTickFiles(DATA_DIR, events, 100);
  if (!existsSync(f.flat)) await writeFlatStockTickFile(DATA_DIR, events, 100);
  const self = fileURLToPath(import.meta.url);
  let expected: string | undefined;
  let hand = Number.NaN;
  for (const reader of READERS) {
    const out = execFileSync(process.execPath, [...process.execArgv, self, '--one', reader, String(events)], {
      encoding: 'utf8',
    });
    const r = JSON.parse(out) as { ms: number; count: number; sum: number };
    const check = `${r.count} events, price sum ${r.sum.toFixed(2)}`;
    if (expected === undefined) expected = check;
    else if (check !== expected) throw new Error(`${reader}: ${check}, expected ${expected}`);
    if (reader === 'hand bytes, flat NDJSON') hand = r.ms;
    const ns = (r.ms * 1e6) / r.count;
    process.stdout.write(
      `${ns.toFixed(0).padStart(5)} ns/line  ${(r.ms / hand).toFixed(2).padStart(5)}× hand flat  ${reader}\n`,
    );
  }
}
