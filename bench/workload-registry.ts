/**
 * The benchmark workloads: each an EPL module in bench/workloads/<dir>/query.epl, the data
 * it runs on (a seeded generator), and a hand-written baseline that posts the same listener
 * output. Weir and the baseline are fed the same preloaded events.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BaselineFactory, EventInput } from './baselines/baseline.js';
import { createFilterBaseline } from './baselines/filter.js';
import { createManyStatementsBaseline } from './baselines/many-statements.js';
import { createNexmarkJoinBaseline } from './baselines/nexmark-join.js';
import { createPatternBaseline } from './baselines/pattern.js';
import { createSlidingAvgBaseline } from './baselines/sliding-avg.js';
import { createSlidingMaxBaseline } from './baselines/sliding-max.js';
import { createSlidingMedianBaseline } from './baselines/sliding-median.js';
import { createTumblingCountBaseline } from './baselines/tumbling-count.js';
import {
  DATA_DIR,
  loginFile,
  loginStream,
  nexmarkFile,
  nexmarkStream,
  stockTickFile,
  stockTickStream,
  writeLoginFile,
  writeNexmarkFile,
  writeStockTickFiles,
} from './generate-data.js';

export type DataSpec =
  | { readonly kind: 'stocktick'; readonly symbols: number }
  | { readonly kind: 'login'; readonly users: number }
  | { readonly kind: 'nexmark' };

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Folder under bench/workloads holding query.epl. */
  readonly dir: string;
  readonly data: DataSpec;
  readonly baseline: BaselineFactory;
  /** Each statement's output columns in select order: the hand-written pipeline writes its rows with these names. */
  readonly columns: readonly string[];
  /** Events for the CI smoke test: enough for several windows, batches or matches. */
  readonly smokeEvents: number;
}

export interface TypedEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly ts: number;
}

const stock = (symbols = 100): DataSpec => ({ kind: 'stocktick', symbols });

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'filter',
    columns: ['symbol', 'price', 'volume', 'ts'],
    description: 'select * from StockTick(price > 50)',
    dir: 'filter',
    data: stock(),
    baseline: (out) => createFilterBaseline(out),
    smokeEvents: 3000,
  },
  {
    name: 'sliding-avg',
    columns: ['symbol', 'avg(price)'],
    description: 'select symbol, avg(price) from StockTick#time(30 sec) group by symbol',
    dir: 'sliding-avg',
    data: stock(),
    baseline: (out) => createSlidingAvgBaseline(out),
    smokeEvents: 40_000,
  },
  {
    name: 'tumbling-count',
    columns: ['symbol', 'count(*)'],
    description: 'select symbol, count(*) from StockTick#time_batch(1 sec) group by symbol',
    dir: 'tumbling-count',
    data: stock(),
    baseline: (out) => createTumblingCountBaseline(out),
    smokeEvents: 5000,
  },
  {
    name: 'sliding-max',
    columns: ['symbol', 'max(price)'],
    description: 'select symbol, max(price) from StockTick#time(30 sec) group by symbol',
    dir: 'sliding-max',
    data: stock(),
    baseline: (out) => createSlidingMaxBaseline(out),
    smokeEvents: 40_000,
  },
  {
    name: 'sliding-median',
    columns: ['symbol', 'median(price)'],
    description: 'select symbol, median(price) from StockTick#time(30 sec) group by symbol',
    dir: 'sliding-median',
    data: stock(),
    baseline: (out) => createSlidingMedianBaseline(out),
    smokeEvents: 40_000,
  },
  {
    name: 'many-statements',
    columns: ['avg(price)'],
    description: "1,000 × select avg(price) from StockTick(symbol='S<i>')#length(100), 10,000 symbols",
    dir: 'many-statements',
    // 10,000 symbols: every statement gets traffic, and 90% of events match no statement.
    data: stock(10_000),
    baseline: (out) => createManyStatementsBaseline(out),
    smokeEvents: 20_000,
  },
  {
    name: 'one-statement',
    columns: ['avg(price)'],
    description: 'statement s0 of many-statements alone, same data (the yardstick for many-statements)',
    dir: 'one-statement',
    data: stock(10_000),
    baseline: (out) => createManyStatementsBaseline(out, { statements: 1 }),
    smokeEvents: 20_000,
  },
  ...[100_000, 1].map(
    (users): Workload => ({
      name: users === 1 ? 'pattern-1-user' : 'pattern-100k-users',
      description: `every a=Login(ok=false) -> b=Login(ok=true, user=a.user) where timer:within(5 min), ${users.toLocaleString('en')} user(s)`,
      dir: 'pattern',
      columns: ['user', 'failedAt', 'okAt'],
      data: { kind: 'login', users },
      baseline: (out) => createPatternBaseline(out),
      smokeEvents: users === 1 ? 3000 : 40_000,
    }),
  ),
  {
    name: 'nexmark-join',
    columns: ['auction', 'seller', 'bidder', 'price'],
    description: 'Auction#time_batch(10 sec) × Bid#time_batch(10 sec) on a.id = b.auction (Nexmark-style)',
    dir: 'nexmark-join',
    data: { kind: 'nexmark' },
    baseline: (out) => createNexmarkJoinBaseline(out),
    smokeEvents: 50_000,
  },
];

export function workload(name: string): Workload {
  const w = WORKLOADS.find((x) => x.name === name);
  if (w === undefined)
    throw new Error(`unknown workload '${name}' (known: ${WORKLOADS.map((x) => x.name).join(', ')})`);
  return w;
}

/** The workload on StockTick data with `symbols` symbols instead (the 10,000-symbol variant). */
export function withSymbols(w: Workload, symbols: number | undefined): Workload {
  return symbols === undefined || w.data.kind !== 'stocktick' ? w : { ...w, data: stock(symbols) };
}

export const queryPath = (w: Workload): string =>
  fileURLToPath(new URL(`./workloads/${w.dir}/query.epl`, import.meta.url));

export const readQuery = (w: Workload): string => readFileSync(queryPath(w), 'utf8');

/** The workload's events, generated lazily (for runs that must not hold the input). */
export function* eventStream(w: Workload, count: number): Generator<TypedEvent> {
  const spec = w.data;
  switch (spec.kind) {
    case 'stocktick':
      for (const e of stockTickStream(count, { symbols: spec.symbols }))
        yield { type: 'StockTick', data: e as unknown as Record<string, unknown>, ts: e.ts };
      return;
    case 'login':
      for (const e of loginStream(count, { users: spec.users }))
        yield { type: 'Login', data: e as unknown as Record<string, unknown>, ts: e.ts };
      return;
    case 'nexmark':
      for (const e of nexmarkStream(count))
        yield { type: e.type, data: e.data as unknown as Record<string, unknown>, ts: e.data.ts };
      return;
    default: {
      const unknownKind: never = spec;
      throw new Error(`unknown data kind ${JSON.stringify(unknownKind)}`);
    }
  }
}

/** The workload's events preloaded as arrays (one type string when all events share it). */
export function eventInput(w: Workload, count: number): EventInput {
  const types: string[] = [];
  const events: Record<string, unknown>[] = [];
  const timestamps: number[] = [];
  for (const e of eventStream(w, count)) {
    types.push(e.type);
    events.push(e.data);
    timestamps.push(e.ts);
  }
  const single = w.data.kind !== 'nexmark';
  return { type: single ? (types[0] ?? 'StockTick') : types, events, timestamps };
}

/** The workload's NDJSON file in bench/data, written first if missing. */
export async function ensureDataFile(w: Workload, count: number, dir = DATA_DIR): Promise<string> {
  const spec = w.data;
  switch (spec.kind) {
    case 'stocktick': {
      const path = stockTickFile(dir, count, spec.symbols, 'ndjson');
      if (!existsSync(path)) await writeStockTickFiles(dir, count, spec.symbols);
      return path;
    }
    case 'login': {
      const path = loginFile(dir, count, spec.users);
      if (!existsSync(path)) await writeLoginFile(dir, count, spec.users);
      return path;
    }
    case 'nexmark': {
      const path = nexmarkFile(dir, count);
      if (!existsSync(path)) await writeNexmarkFile(dir, count);
      return path;
    }
    default: {
      const unknownKind: never = spec;
      throw new Error(`unknown data kind ${JSON.stringify(unknownKind)}`);
    }
  }
}
