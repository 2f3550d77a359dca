/**
 * Deterministic benchmark data: the same seed gives the same events on every machine and in
 * every run, so Weir and the hand-written baselines see identical input and their output
 * checksums can be compared across processes.
 *
 * - StockTick {symbol, price, volume, ts}: `symbols` symbols (100, or the 10,000 variant),
 *   prices a per-symbol random walk in cents, volumes random ints, ts 1 ms apart from 1,000,000.
 * - Login {user, ok, country, ts}: `users` distinct users (100,000 or 1), a third succeed.
 * - Nexmark-style Person/Auction/Bid in the ratio 1:3:46, bids on recent auctions.
 *
 * Generators are importable (in-memory arrays or lazy streams, for runs that must not hold
 * the input), and `tsx bench/generate-data.ts` writes NDJSON envelopes and CSV into bench/data/.
 */
import { createWriteStream, mkdirSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The first event's timestamp in every generated stream (ms). */
export const START_TS = 1_000_000;
export const DEFAULT_EVENTS = 1_000_000;
export const LARGE_EVENTS = 10_000_000;
export const DATA_DIR = fileURLToPath(new URL('./data', import.meta.url));

export interface StockTick {
  symbol: string;
  price: number;
  volume: number;
  ts: number;
}

export interface StockTickOptions {
  /** Distinct symbols S0…S<n-1> (default 100). */
  readonly symbols?: number;
  readonly seed?: number;
}

export function* stockTickStream(count: number, options: StockTickOptions = {}): Generator<StockTick> {
  const symbols = options.symbols ?? 100;
  const random = mulberry32(options.seed ?? 42);
  const names = Array.from({ length: symbols }, (_, i) => `S${i}`);
  // Prices walk in whole cents so every value is a cent amount, as a ticker sends them.
  const cents = names.map(() => 2000 + Math.floor(random() * 6000));
  for (let i = 0; i < count; i++) {
    const s = Math.floor(random() * symbols);
    const step = Math.round(((cents[s] as number) * (random() - 0.5)) / 50);
    const next = Math.min(10_000, Math.max(100, (cents[s] as number) + step));
    cents[s] = next;
    yield {
      symbol: names[s] as string,
      price: next / 100,
      volume: 1 + Math.floor(random() * 1000),
      ts: START_TS + i,
    };
  }
}

export function stockTicks(count: number, options: StockTickOptions = {}): StockTick[] {
  return Array.from(stockTickStream(count, options));
}

export interface Login {
  user: string;
  ok: boolean;
  country: string;
  ts: number;
}

export interface LoginOptions {
  /** Distinct users u0…u<n-1> (default 100,000). */
  readonly users?: number;
  readonly seed?: number;
}

const COUNTRIES = ['US', 'DE', 'FR', 'JP', 'BR'] as const;

export function* loginStream(count: number, options: LoginOptions = {}): Generator<Login> {
  const users = options.users ?? 100_000;
  const random = mulberry32(options.seed ?? 7);
  for (let i = 0; i < count; i++) {
    yield {
      user: `u${Math.floor(random() * users)}`,
      ok: random() < 1 / 3,
      country: COUNTRIES[Math.floor(random() * COUNTRIES.length)] as string,
      ts: START_TS + i,
    };
  }
}

export function logins(count: number, options: LoginOptions = {}): Login[] {
  return Array.from(loginStream(count, options));
}

export interface Person {
  id: number;
  name: string;
  city: string;
  ts: number;
}
export interface Auction {
  id: number;
  seller: number;
  category: number;
  reserve: number;
  ts: number;
}
export interface Bid {
  auction: number;
  bidder: number;
  price: number;
  ts: number;
}
export type NexmarkEvent =
  | { readonly type: 'Person'; readonly data: Person }
  | { readonly type: 'Auction'; readonly data: Auction }
  | { readonly type: 'Bid'; readonly data: Bid };

const CITIES = ['Boise', 'Paris', 'Osaka', 'Lagos', 'Lima'] as const;
/** Bids go to one of the last this-many auctions (Nexmark's "hot" recent auctions). */
const RECENT_AUCTIONS = 30;

/** Nexmark-style stream: in every 50 events, 1 person, 3 auctions and 46 bids, 1 ms apart. */
export function* nexmarkStream(
  count: number,
  options: { readonly seed?: number } = {},
): Generator<NexmarkEvent> {
  const random = mulberry32(options.seed ?? 3);
  let people = 0;
  let auctions = 0;
  for (let i = 0; i < count; i++) {
    const slot = i % 50;
    const ts = START_TS + i;
    if (slot === 0) {
      const id = people++;
      yield { type: 'Person', data: { id, name: `p${id}`, city: CITIES[id % CITIES.length] as string, ts } };
    } else if (slot <= 3) {
      yield {
        type: 'Auction',
        data: {
          id: auctions++,
          seller: Math.floor(random() * Math.max(1, people)),
          category: Math.floor(random() * 10),
          reserve: 100 + Math.floor(random() * 900),
          ts,
        },
      };
    } else {
      yield {
        type: 'Bid',
        data: {
          auction: Math.max(0, auctions - 1 - Math.floor(random() * RECENT_AUCTIONS)),
          bidder: Math.floor(random() * Math.max(1, people)),
          price: 1 + Math.floor(random() * 2000),
          ts,
        },
      };
    }
  }
}

export function nexmark(count: number, options: { readonly seed?: number } = {}): NexmarkEvent[] {
  return Array.from(nexmarkStream(count, options));
}

/** One NDJSON envelope line, the format `weir run` reads. */
export function envelope(type: string, data: { readonly ts: number }): string {
  return `{"type":"${type}","ts":${data.ts},"data":${JSON.stringify(data)}}\n`;
}

/** Writes to a temporary name first, so an interrupted run never leaves a short file behind. */
async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  // Buffer ~1 MiB per write and honour back-pressure, so 10M events do not pile up in memory.
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resume) => out.once('drain', () => resume()));
      chunk = '';
    }
  }
  await new Promise<void>((done, fail) => {
    out.once('error', fail);
    out.end(chunk, () => done());
  });
  renameSync(partial, path);
}

/**
 * Part of every file name: bump it whenever a generator's output changes, so a file written
 * by an older generator is never mistaken for the current data.
 */
export const DATA_VERSION = 2;
export const stockTickFile = (dir: string, count: number, symbols: number, ext: 'ndjson' | 'csv') =>
  `${dir}/stocktick-v${DATA_VERSION}-${count}-${symbols}.${ext}`;
export const loginFile = (dir: string, count: number, users: number) =>
  `${dir}/login-v${DATA_VERSION}-${count}-${users}.ndjson`;
export const nexmarkFile = (dir: string, count: number) => `${dir}/nexmark-v${DATA_VERSION}-${count}.ndjson`;

export const flatStockTickFile = (dir: string, count: number, symbols: number) =>
  `${dir}/stocktick-v${DATA_VERSION}-${count}-${symbols}-flat.ndjson`;

/**
 * Writes StockTick as flat NDJSON, one JSON.stringify'd event per line
 * (`{"symbol":"S1","price":41.5,"volume":100,"ts":1000000}`: `weir run --type StockTick`).
 */
export async function writeFlatStockTickFile(dir: string, count: number, symbols: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = flatStockTickFile(dir, count, symbols);
  await writeLines(
    path,
    (function* () {
      for (const e of stockTickStream(count, { symbols })) yield `${JSON.stringify(e)}\n`;
    })(),
  );
  return path;
}

/** Writes StockTick as NDJSON envelopes and as CSV (header symbol,price,volume,ts). */
export async function writeStockTickFiles(
  dir: string,
  count: number,
  symbols: number,
): Promise<{ ndjson: string; csv: string }> {
  mkdirSync(dir, { recursive: true });
  const ndjson = stockTickFile(dir, count, symbols, 'ndjson');
  const csv = stockTickFile(dir, count, symbols, 'csv');
  await writeLines(
    ndjson,
    (function* () {
      for (const e of stockTickStream(count, { symbols })) yield envelope('StockTick', e);
    })(),
  );
  await writeLines(
    csv,
    (function* () {
      yield 'symbol,price,volume,ts\n';
      for (const e of stockTickStream(count, { symbols }))
        yield `${e.symbol},${e.price},${e.volume},${e.ts}\n`;
    })(),
  );
  return { ndjson, csv };
}

export async function writeLoginFile(dir: string, count: number, users: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = loginFile(dir, count, users);
  await writeLines(
    path,
    (function* () {
      for (const e of loginStream(count, { users })) yield envelope('Login', e);
    })(),
  );
  return path;
}

export async function writeNexmarkFile(dir: string, count: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = nexmarkFile(dir, count);
  await writeLines(
    path,
    (function* () {
      for (const e of nexmarkStream(count)) yield envelope(e.type, e.data);
    })(),
  );
  return path;
}

const USAGE = `usage: tsx bench/generate-data.ts [--events N | --large] [--symbols 100|10000] [--users 100000|1]
                                 [--kind stocktick|login|nexmark|all] [--dir bench/data]`;

async function main(argv: readonly string[]): Promise<void> {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv[i + 1];
  };
  if (argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const count = Number(value('--events') ?? (argv.includes('--large') ? LARGE_EVENTS : DEFAULT_EVENTS));
  const symbols = Number(value('--symbols') ?? 100);
  const users = Number(value('--users') ?? 100_000);
  const kind = value('--kind') ?? 'stocktick';
  const dir = value('--dir') ?? DATA_DIR;
  if (![count, symbols, users].every((n) => Number.isSafeInteger(n) && n > 0)) throw new Error(USAGE);
  const written: string[] = [];
  if (kind === 'stocktick' || kind === 'all') {
    const files = await writeStockTickFiles(dir, count, symbols);
    written.push(files.ndjson, files.csv);
  }
  if (kind === 'login' || kind === 'all') written.push(await writeLoginFile(dir, count, users));
  if (kind === 'nexmark' || kind === 'all') written.push(await writeNexmarkFile(dir, count));
  if (written.length === 0) throw new Error(USAGE);
  process.stdout.write(`wrote ${written.join(', ')}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
