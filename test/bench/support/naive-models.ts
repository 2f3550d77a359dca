/**
 * Naive recomputations of each benchmark query, written from the semantics in
 * EPL-SEMANTICS.md and independent of the baselines' incremental state: every output step
 * recomputes its window or batch from the whole input by time ranges. Quadratic, for tiny
 * inputs only. Each returns the listener calls of statement `q` (or `s<i>`).
 */
import type { Auction, Bid, Login, StockTick } from '../../../bench/generate-data.js';
import type { Call, Calls } from './calls.js';

export type Agg = 'avg' | 'max' | 'median';

function aggregate(kind: Agg, prices: readonly number[]): number | null {
  if (prices.length === 0) return null;
  switch (kind) {
    case 'avg':
      return prices.reduce((a, b) => a + b, 0) / prices.length;
    case 'max':
      return Math.max(...prices);
    case 'median': {
      const s = [...prices].sort((a, b) => a - b);
      const n = s.length;
      return n % 2 === 1 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
    }
  }
}

const uniqueSorted = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b);
const single = (calls: Call[]): Calls => new Map(calls.length === 0 ? [] : [['q', calls]]);

/**
 * `select symbol, agg(price) from StockTick#time(W) group by symbol`: an event at t leaves
 * at t + W; before an arrival at t, every expiry instant in (previous arrival, t] is a step
 * (one call, a row per group that lost an event); an arrival is a call of one row.
 */
export function naiveSlidingGroups(
  kind: Agg,
  windowMs: number,
  events: readonly StockTick[],
  endTime?: number,
): Calls {
  const calls: Call[] = [];
  const expiry = (d: number, arrived: number) => {
    const before = events.slice(0, arrived);
    const leaving = before.filter((e) => e.ts + windowMs === d);
    const inWindow = before.filter((e) => e.ts + windowMs > d);
    const groups = [...new Set(leaving.map((e) => e.symbol))];
    calls.push({
      time: d,
      rows: groups.map((g) => [
        g,
        aggregate(
          kind,
          inWindow.filter((e) => e.symbol === g).map((e) => e.price),
        ),
      ]),
    });
  };
  const dues = uniqueSorted(events.map((e) => e.ts + windowMs));
  let previous = Number.NEGATIVE_INFINITY;
  events.forEach((e, i) => {
    for (const d of dues) if (d > previous && d <= e.ts) expiry(d, i);
    previous = e.ts;
    const inWindow = events.slice(0, i + 1).filter((x) => x.ts + windowMs > e.ts && x.symbol === e.symbol);
    calls.push({
      time: e.ts,
      rows: [
        [
          e.symbol,
          aggregate(
            kind,
            inWindow.map((x) => x.price),
          ),
        ],
      ],
    });
  });
  if (endTime !== undefined) for (const d of dues) if (d > previous && d <= endTime) expiry(d, events.length);
  return single(calls);
}

/** Events of a stream grouped into batch k = [r + (k-1)P, r + kP) of the grid anchored at the first arrival. */
function batchOf<T extends { ts: number }>(
  events: readonly T[],
  reference: number,
  periodMs: number,
  k: number,
): T[] {
  const from = reference + (k - 1) * periodMs;
  return events.filter((e) => e.ts >= from && e.ts < from + periodMs);
}

/** The flush instants that time reaches (an arrival at or after them, or the end time). */
function gridPoints(reference: number, periodMs: number, until: number): number[] {
  const points: number[] = [];
  for (let f = reference + periodMs; f <= until; f += periodMs) points.push(f);
  return points;
}

/**
 * `select symbol, count(*) from StockTick#time_batch(P) group by symbol`: at each grid point
 * f = r + kP, if batch k or batch k-1 has events, one call: a row per symbol of either, with
 * its count in batch k.
 */
export function naiveTumblingCount(periodMs: number, events: readonly StockTick[], endTime?: number): Calls {
  const first = events[0];
  if (first === undefined) return new Map();
  const last = (events[events.length - 1] as StockTick).ts;
  const calls: Call[] = [];
  gridPoints(first.ts, periodMs, Math.max(last, endTime ?? last)).forEach((f, i) => {
    const k = i + 1;
    const batch = batchOf(events, first.ts, periodMs, k);
    const previous = k > 1 ? batchOf(events, first.ts, periodMs, k - 1) : [];
    const symbols = [...new Set([...batch, ...previous].map((e) => e.symbol))];
    if (symbols.length === 0) return;
    calls.push({ time: f, rows: symbols.map((s) => [s, batch.filter((e) => e.symbol === s).length]) });
  });
  return single(calls);
}

/** Statements s<i> = `select avg(price) from StockTick(symbol='S<i>')#length(n)`. */
export function naiveManyStatements(statements: number, length: number, events: readonly StockTick[]): Calls {
  const calls = new Map<string, Call[]>();
  events.forEach((e, i) => {
    const index = Number(e.symbol.slice(1));
    if (!(index < statements)) return;
    const window = events
      .slice(0, i + 1)
      .filter((x) => x.symbol === e.symbol)
      .slice(-length);
    const name = `s${index}`;
    const list = calls.get(name) ?? [];
    list.push({
      time: e.ts,
      rows: [
        [
          aggregate(
            'avg',
            window.map((x) => x.price),
          ),
        ],
      ],
    });
    calls.set(name, list);
  });
  return calls;
}

/**
 * `every a=Login(ok=false) -> b=Login(ok=true, user=a.user) where timer:within(W)`: a
 * failure matches the first success of its user after it, if that success is earlier than
 * failure + W; the matches a success completes form one call.
 */
export function naivePattern(withinMs: number, events: readonly Login[]): Calls {
  const calls: Call[] = [];
  events.forEach((b, i) => {
    if (!b.ok) return;
    const rows: unknown[][] = [];
    events.forEach((a, j) => {
      if (j >= i || a.ok || a.user !== b.user) return;
      const successBetween = events.slice(j + 1, i).some((x) => x.ok && x.user === a.user);
      if (!successBetween && a.ts + withinMs > b.ts) rows.push([a.user, a.ts, b.ts]);
    });
    if (rows.length > 0) calls.push({ time: b.ts, rows });
  });
  return single(calls);
}

export type JoinEvent = { readonly type: 'Auction'; data: Auction } | { readonly type: 'Bid'; data: Bid };

/**
 * Auction#time_batch(P) as a, Bid#time_batch(P) as b where a.id = b.auction: each stream
 * flushes on its own grid; at a flush instant, the flushing stream's new batch joins the
 * other stream's batch as last posted (batch k' of its latest grid point at or before
 * now); when both flush at once the new batches join each other once.
 */
export function naiveJoin(periodMs: number, events: readonly JoinEvent[], endTime?: number): Calls {
  const auctions = events.flatMap((e) => (e.type === 'Auction' ? [e.data] : []));
  const bids = events.flatMap((e) => (e.type === 'Bid' ? [e.data] : []));
  const lastTs = events.length === 0 ? 0 : (events[events.length - 1] as JoinEvent).data.ts;
  const until = Math.max(lastTs, endTime ?? lastTs);
  const grid = <T extends { ts: number }>(xs: readonly T[]) => {
    const first = xs[0];
    if (first === undefined)
      return { points: [] as number[], posted: (_f: number): T[] => [], flushes: () => false };
    const points = gridPoints(first.ts, periodMs, until);
    const k = (f: number) => Math.floor((f - first.ts) / periodMs);
    return {
      points,
      posted: (f: number): T[] => (k(f) >= 1 ? batchOf(xs, first.ts, periodMs, k(f)) : []),
      flushes: (f: number) =>
        points.includes(f) &&
        (batchOf(xs, first.ts, periodMs, k(f)).length > 0 ||
          batchOf(xs, first.ts, periodMs, k(f) - 1).length > 0),
    };
  };
  const a = grid(auctions);
  const b = grid(bids);
  const calls: Call[] = [];
  for (const f of uniqueSorted([...a.points, ...b.points])) {
    const rows: unknown[][] = [];
    const pairs = (xs: readonly Auction[], ys: readonly Bid[]) => {
      for (const x of xs)
        for (const y of ys) if (x.id === y.auction) rows.push([x.id, x.seller, y.bidder, y.price]);
    };
    if (a.flushes(f)) pairs(a.posted(f), b.posted(f));
    else if (b.flushes(f)) pairs(a.posted(f), b.posted(f));
    if (rows.length > 0) calls.push({ time: f, rows });
  }
  return single(calls);
}
