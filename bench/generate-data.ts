/**
 * Deterministic benchmark data. The same seed gives the same events on every machine:
 * StockTick {symbol, price, volume} with a per-symbol random walk and timestamps 1 ms apart,
 * Login {user, ok, country} for the pattern workload, and Nexmark-style Person/Auction/Bid
 * (1:3:46) for the join workload. Importable as in-memory arrays, or written as NDJSON and
 * CSV with `tsx bench/generate-data.ts [--events N] [--symbols S]`.
 */
import { createWriteStream, mkdirSync } from 'node:fs';

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface StockTick {
  symbol: string;
  price: number;
  volume: number;
}

export const START_TS = 1_000_000;

export function stockTicks(
  count: number,
  symbols = 100,
  seed = 42,
): { events: StockTick[]; timestamps: number[] } {
  const random = prng(seed);
  const names = Array.from({ length: symbols }, (_, i) => `S${i}`);
  const prices = names.map(() => 20 + random() * 60);
  const events: StockTick[] = new Array(count);
  const timestamps: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const s = Math.floor(random() * symbols);
    const walked = (prices[s] as number) * (1 + (random() - 0.5) * 0.02);
    prices[s] = Math.min(100, Math.max(1, walked));
    events[i] = {
      symbol: names[s] as string,
      price: Math.round((prices[s] as number) * 100) / 100,
      volume: 1 + Math.floor(random() * 1000),
    };
    timestamps[i] = START_TS + i;
  }
  return { events, timestamps };
}

export interface Login {
  user: string;
  ok: boolean;
  country: string;
}

/** Logins: `users` distinct users, about one in three successful, 10 ms apart. */
export function logins(count: number, users: number, seed = 7): { events: Login[]; timestamps: number[] } {
  const random = prng(seed);
  const countries = ['US', 'DE', 'FR', 'JP', 'BR'];
  const events: Login[] = new Array(count);
  const timestamps: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    events[i] = {
      user: `u${Math.floor(random() * users)}`,
      ok: random() < 0.33,
      country: countries[Math.floor(random() * countries.length)] as string,
    };
    timestamps[i] = START_TS + i * 10;
  }
  return { events, timestamps };
}

export type NexmarkEvent =
  | { type: 'Person'; data: { id: number; name: string } }
  | { type: 'Auction'; data: { id: number; seller: number; reserve: number } }
  | { type: 'Bid'; data: { auction: number; bidder: number; price: number } };

/** Nexmark-style stream: per 50 events, 1 person, 3 auctions, 46 bids on recent auctions. */
export function nexmark(count: number, seed = 3): { events: NexmarkEvent[]; timestamps: number[] } {
  const random = prng(seed);
  const events: NexmarkEvent[] = [];
  const timestamps: number[] = [];
  let people = 0;
  let auctions = 0;
  for (let i = 0; i < count; i++) {
    const slot = i % 50;
    let e: NexmarkEvent;
    if (slot === 0) e = { type: 'Person', data: { id: people++, name: `p${people}` } };
    else if (slot <= 3)
      e = {
        type: 'Auction',
        data: {
          id: auctions++,
          seller: Math.floor(random() * Math.max(1, people)),
          reserve: Math.floor(random() * 1000),
        },
      };
    else
      e = {
        type: 'Bid',
        data: {
          auction: Math.max(0, auctions - 1 - Math.floor(random() * 30)),
          bidder: Math.floor(random() * Math.max(1, people)),
          price: Math.floor(random() * 2000),
        },
      };
    events.push(e);
    timestamps.push(START_TS + i);
  }
  return { events, timestamps };
}

function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  for (const line of lines) out.write(line);
  return new Promise((done) => out.end(done));
}

export async function writeStockFiles(
  dir: string,
  count: number,
  symbols: number,
): Promise<{ ndjson: string; csv: string }> {
  mkdirSync(dir, { recursive: true });
  const { events, timestamps } = stockTicks(count, symbols);
  const ndjson = `${dir}/stocktick-${count}-${symbols}.ndjson`;
  const csv = `${dir}/stocktick-${count}-${symbols}.csv`;
  await writeLines(
    ndjson,
    (function* () {
      for (let i = 0; i < count; i++)
        yield `{"type":"StockTick","ts":${timestamps[i]},"data":${JSON.stringify(events[i])}}\n`;
    })(),
  );
  await writeLines(
    csv,
    (function* () {
      yield 'symbol,price,volume,ts\n';
      for (let i = 0; i < count; i++) {
        const e = events[i] as StockTick;
        yield `${e.symbol},${e.price},${e.volume},${timestamps[i]}\n`;
      }
    })(),
  );
  return { ndjson, csv };
}

if (process.argv[1]?.endsWith('generate-data.ts')) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? fallback : Number(process.argv[i + 1]);
  };
  const files = await writeStockFiles(
    new URL('./data', import.meta.url).pathname,
    arg('--events', 1_000_000),
    arg('--symbols', 100),
  );
  process.stdout.write(`wrote ${files.ndjson} and ${files.csv}\n`);
}
