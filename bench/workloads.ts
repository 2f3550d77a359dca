import { correlatedPatternBaseline } from './baselines/correlated-pattern.js';
import { filterBaseline } from './baselines/filter.js';
import { manyStatementsBaseline } from './baselines/many-statements.js';
import { slidingWindowBaseline } from './baselines/sliding-window.js';
/**
 * The benchmark workloads: each an EPL module, its input, and a hand-written baseline that
 * computes the same rows. Weir and the baseline run on the same preloaded events.
 */
import { tumblingCountBaseline } from './baselines/tumbling-count.js';
import type { Checksum } from './checksum.js';
import { type Login, type StockTick, logins, nexmark, stockTicks } from './generate-data.js';

export interface WorkloadInput {
  readonly type: string | readonly string[];
  readonly events: readonly Record<string, unknown>[];
  readonly timestamps: readonly number[];
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  readonly epl: (events: number) => string;
  readonly input: (events: number) => WorkloadInput;
  /** undefined: Weir cannot run it yet (the reason is `pending`). */
  readonly baseline: ((input: WorkloadInput, out: Checksum) => void) | undefined;
  readonly pending?: string;
  /** Symbols in the generated StockTick data (for end-to-end files). */
  readonly symbols?: number;
}

const STOCK_SCHEMA = 'create schema StockTick(symbol string, price double, volume long);';
const ticks = (n: number, symbols = 100): WorkloadInput => {
  const { events, timestamps } = stockTicks(n, symbols);
  return { type: 'StockTick', events: events as unknown as Record<string, unknown>[], timestamps };
};
const asTicks = (input: WorkloadInput) => input.events as unknown as StockTick[];

function sliding(name: string, fn: 'avg' | 'max' | 'median', description: string): Workload {
  return {
    name,
    description,
    epl: () => `${STOCK_SCHEMA} select symbol, ${fn}(price) from StockTick#time(30 sec) group by symbol`,
    input: (n) => ticks(n),
    baseline: (input, out) => slidingWindowBaseline(fn, 30_000, asTicks(input), input.timestamps, out),
    symbols: 100,
  };
}

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'filter',
    description: 'select * from StockTick(price > 50)',
    epl: () => `${STOCK_SCHEMA} select * from StockTick(price > 50)`,
    input: (n) => ticks(n),
    baseline: (input, out) => filterBaseline(asTicks(input), input.timestamps, out),
    symbols: 100,
  },
  sliding('sliding-avg', 'avg', 'symbol, avg(price) #time(30 sec) group by symbol'),
  {
    name: 'tumbling-count',
    description: 'symbol, count(*) #time_batch(1 sec) group by symbol',
    epl: () => `${STOCK_SCHEMA} select symbol, count(*) from StockTick#time_batch(1 sec) group by symbol`,
    input: (n) => ticks(n),
    baseline: (input, out) => tumblingCountBaseline(asTicks(input), input.timestamps, out),
    symbols: 100,
  },
  sliding('sliding-max', 'max', 'symbol, max(price) #time(30 sec) group by symbol'),
  sliding('sliding-median', 'median', 'symbol, median(price) #time(30 sec) group by symbol'),
  {
    name: 'many-statements',
    description: "1,000 × avg(price) from StockTick(symbol='S<i>')#length(100)",
    epl: () =>
      [
        STOCK_SCHEMA,
        ...Array.from(
          { length: 1000 },
          (_, i) => `@name('s${i}') select avg(price) from StockTick(symbol='S${i}')#length(100);`,
        ),
      ].join('\n'),
    input: (n) => ticks(n, 1000),
    baseline: (input, out) => manyStatementsBaseline(1000, asTicks(input), input.timestamps, out),
    symbols: 1000,
  },
  ...[100_000, 1].map(
    (users): Workload => ({
      name: `pattern-${users === 1 ? '1-user' : '100k-users'}`,
      description: `every a=Login(ok=false) -> b=Login(ok=true, user=a.user) where timer:within(5 min), ${users.toLocaleString('en')} user(s)`,
      epl: () => `create schema Login(user string, ok boolean, country string);
        select a.user from pattern [every a=Login(ok = false) -> b=Login(ok = true, user = a.user) where timer:within(5 min)]`,
      input: (n) => {
        const { events, timestamps } = logins(n, users);
        return { type: 'Login', events: events as unknown as Record<string, unknown>[], timestamps };
      },
      baseline: (input, out) =>
        correlatedPatternBaseline(input.events as unknown as Login[], input.timestamps, out),
    }),
  ),
  {
    name: 'nexmark-join',
    description: 'bids × auctions in a 10 s tumbling window (Nexmark-style)',
    epl: () => `create schema Auction(id long, seller long, reserve long);
      create schema Bid(auction long, bidder long, price long);
      select * from Auction#time_batch(10 sec) as a, Bid#time_batch(10 sec) as b where a.id = b.auction`,
    input: (n) => {
      const { events, timestamps } = nexmark(n);
      return { type: events.map((e) => e.type), events: events.map((e) => e.data), timestamps };
    },
    baseline: undefined,
    pending: 'joins are not implemented yet',
  },
];

export function workload(name: string): Workload {
  const w = WORKLOADS.find((x) => x.name === name);
  if (w === undefined)
    throw new Error(`unknown workload '${name}' (known: ${WORKLOADS.map((x) => x.name).join(', ')})`);
  return w;
}
