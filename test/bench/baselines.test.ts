/**
 * The hand-written baselines are the benchmark's reference output, so they are proven
 * correct independently of Weir: against hand-derived calls on small inputs, and against
 * naive from-scratch recomputations (support/naive-models.ts) on random tiny inputs with
 * equal timestamps, gaps longer than the window, and an optional end time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BaselineFactory, EventInput } from '../../bench/baselines/baseline.js';
import { runBaseline } from '../../bench/baselines/baseline.js';
import { createFilterBaseline } from '../../bench/baselines/filter.js';
import { createManyStatementsBaseline } from '../../bench/baselines/many-statements.js';
import { createNexmarkJoinBaseline } from '../../bench/baselines/nexmark-join.js';
import { createPatternBaseline } from '../../bench/baselines/pattern.js';
import { createSlidingAvgBaseline } from '../../bench/baselines/sliding-avg.js';
import { createSlidingMaxBaseline } from '../../bench/baselines/sliding-max.js';
import { createSlidingMedianBaseline } from '../../bench/baselines/sliding-median.js';
import { createTumblingCountBaseline } from '../../bench/baselines/tumbling-count.js';
import { Checksum } from '../../bench/checksum.js';
import type { Auction, Bid, Login, StockTick } from '../../bench/generate-data.js';
import { type Calls, callsOf, callsQ, expectSameCalls } from './support/calls.js';
import {
  type Agg,
  type JoinEvent,
  naiveJoin,
  naiveManyStatements,
  naivePattern,
  naiveSlidingGroups,
  naiveTumblingCount,
} from './support/naive-models.js';

function run(
  factory: BaselineFactory,
  type: string | string[],
  events: readonly object[],
  endTime?: number,
): Calls {
  const out = new Checksum(true);
  const input: EventInput = {
    type,
    events: events as Record<string, unknown>[],
    timestamps: events.map((e) => (e as { ts: number }).ts),
  };
  runBaseline(factory, input, out, endTime);
  return callsOf(out);
}

const tick = (symbol: string, price: number, ts: number): StockTick => ({ symbol, price, volume: 1, ts });

/** Tiny StockTick streams: few symbols, cent prices, steps of 0 (same instant), small or past the window. */
const ticksArb = (maxGap: number) =>
  fc
    .array(
      fc.record({
        gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: maxGap })),
        symbol: fc.constantFrom('S0', 'S1', 'S2'),
        // Repeated prices too: equal values are where deques and sorted arrays go wrong.
        cents: fc.oneof(fc.integer({ min: 100, max: 10_000 }), fc.constantFrom(1000, 2000, 3000)),
      }),
      { maxLength: 50 },
    )
    .map((steps) => {
      let ts = 1000;
      return steps.map((s) => {
        ts += s.gap;
        return tick(s.symbol, s.cents / 100, ts);
      });
    });

const endArb = fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined });
const endTime = (events: readonly { ts: number }[], extra: number | undefined) =>
  extra === undefined ? undefined : (events[events.length - 1]?.ts ?? 1000) + extra;

describe('sliding #time group-by baselines', () => {
  const factories: Record<Agg, (windowMs: number) => BaselineFactory> = {
    avg: (windowMs) => (out) => createSlidingAvgBaseline(out, { windowMs }),
    max: (windowMs) => (out) => createSlidingMaxBaseline(out, { windowMs }),
    median: (windowMs) => (out) => createSlidingMedianBaseline(out, { windowMs }),
  };

  // Hand-derived, W = 10 s: A10@1000, A20@5000, B30@11000, A40@16000, end at 30000.
  // 11000: e1 leaves (timer before the arrival at the same instant), then B arrives;
  // 15000: e2 leaves, A is empty (null); 21000 and 26000: B and A leave after the input.
  const events = [tick('A', 10, 1000), tick('A', 20, 5000), tick('B', 30, 11000), tick('A', 40, 16000)];
  it.each([
    ['avg', 15],
    ['max', 20],
    ['median', 15],
  ] as const)('%s: arrivals and expiries, hand-derived', (kind, second) => {
    expectSameCalls(
      run(factories[kind](10_000), 'StockTick', events, 30_000),
      callsQ(
        [1000, [['A', 10]]],
        [5000, [['A', second]]],
        [11000, [['A', 20]]],
        [11000, [['B', 30]]],
        [15000, [['A', null]]],
        [16000, [['A', 40]]],
        [21000, [['B', null]]],
        [26000, [['A', null]]],
      ),
    );
  });

  it('events leaving at one instant leave in one call, a row per changed group', () => {
    const same = [tick('A', 1, 100), tick('B', 2, 100), tick('A', 3, 100), tick('C', 4, 150)];
    expectSameCalls(
      run(factories.avg(50), 'StockTick', same),
      callsQ(
        [100, [['A', 1]]],
        [100, [['B', 2]]],
        [100, [['A', 2]]],
        [
          150,
          [
            ['A', null],
            ['B', null],
          ],
        ],
        [150, [['C', 4]]],
      ),
    );
  });

  for (const kind of ['avg', 'max', 'median'] as const) {
    it(`${kind}: equals the naive recompute on random tiny streams`, () => {
      fc.assert(
        fc.property(ticksArb(120), endArb, (ticks, extra) => {
          const end = endTime(ticks, extra);
          expectSameCalls(
            run(factories[kind](50), 'StockTick', ticks, end),
            naiveSlidingGroups(kind, 50, ticks, end),
          );
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('tumbling time_batch count baseline', () => {
  const factory: BaselineFactory = (out) => createTumblingCountBaseline(out, { periodMs: 1000 });

  it('flushes on the grid of the first arrival, posts groups of this and the previous batch, stops and resumes', () => {
    // Hand-derived: A@2000 arrives after the 2000 flush (timer first); after two empty
    // intervals (7000) the timer stops; C@9300 resumes on the same grid (10000, not 10300).
    const ticks = [
      tick('A', 1, 1000),
      tick('B', 1, 1500),
      tick('A', 1, 2000),
      tick('B', 1, 4700),
      tick('C', 1, 9300),
    ];
    expectSameCalls(
      run(factory, 'StockTick', ticks, 11_000),
      callsQ(
        [
          2000,
          [
            ['A', 1],
            ['B', 1],
          ],
        ],
        [
          3000,
          [
            ['A', 1],
            ['B', 0],
          ],
        ],
        [4000, [['A', 0]]],
        [5000, [['B', 1]]],
        [6000, [['B', 0]]],
        [10000, [['C', 1]]],
        [11000, [['C', 0]]],
      ),
    );
  });

  it('equals the naive recompute on random tiny streams', () => {
    const small: BaselineFactory = (out) => createTumblingCountBaseline(out, { periodMs: 40 });
    fc.assert(
      fc.property(ticksArb(150), endArb, (ticks, extra) => {
        const end = endTime(ticks, extra);
        expectSameCalls(run(small, 'StockTick', ticks, end), naiveTumblingCount(40, ticks, end));
      }),
      { numRuns: 150 },
    );
  });
});

describe('filter baseline', () => {
  it('posts each event above 50 alone, all columns in schema order', () => {
    const ticks = [tick('A', 50, 1), tick('B', 50.01, 2), tick('C', 10, 3), tick('D', 99, 3)];
    expectSameCalls(
      run((out) => createFilterBaseline(out), 'StockTick', ticks),
      callsQ([2, [['B', 50.01, 1, 2]]], [3, [['D', 99, 1, 3]]]),
    );
  });
});

describe('many-statements baseline', () => {
  it('each symbol with a statement averages its own last n prices (hand-derived)', () => {
    const ticks = [
      tick('S0', 10, 1),
      tick('S5', 99, 2),
      tick('S1', 20, 3),
      tick('S0', 30, 4),
      tick('S0', 50, 5),
    ];
    const calls = run(
      (out) => createManyStatementsBaseline(out, { statements: 2, length: 2 }),
      'StockTick',
      ticks,
    );
    expectSameCalls(
      calls,
      new Map([
        [
          's0',
          [
            { time: 1, rows: [[10]] },
            { time: 4, rows: [[20]] },
            { time: 5, rows: [[40]] },
          ],
        ],
        ['s1', [{ time: 3, rows: [[20]] }]],
      ]),
    );
  });

  it('equals the naive recompute on random tiny streams', () => {
    fc.assert(
      fc.property(ticksArb(50), (ticks) => {
        expectSameCalls(
          run((out) => createManyStatementsBaseline(out, { statements: 2, length: 3 }), 'StockTick', ticks),
          naiveManyStatements(2, 3, ticks),
        );
      }),
      { numRuns: 150 },
    );
  });
});

const login = (user: string, ok: boolean, ts: number): Login => ({ user, ok, country: 'US', ts });

describe('pattern baseline', () => {
  it('a success completes every open failure of its user within 5 minutes, in one call (hand-derived)', () => {
    const events = [
      login('u1', false, 1000),
      login('u2', false, 2000),
      login('u1', false, 3000),
      login('u1', true, 4000),
      login('u1', true, 5000),
      login('u2', true, 302_000), // exactly 5 min after u2's failure: the guard fired first
      login('u3', false, 310_000),
      login('u3', true, 609_999),
    ];
    expectSameCalls(
      run((out) => createPatternBaseline(out), 'Login', events),
      callsQ(
        [
          4000,
          [
            ['u1', 1000, 4000],
            ['u1', 3000, 4000],
          ],
        ],
        [609_999, [['u3', 310_000, 609_999]]],
      ),
    );
  });

  it('equals the naive recompute on random tiny streams', () => {
    const logins = fc
      .array(
        fc.record({
          gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
          user: fc.constantFrom('u0', 'u1', 'u2'),
          ok: fc.boolean(),
        }),
        { maxLength: 50 },
      )
      .map((steps) => {
        let ts = 1000;
        return steps.map((s) => {
          ts += s.gap;
          return login(s.user, s.ok, ts);
        });
      });
    fc.assert(
      fc.property(logins, (events) => {
        expectSameCalls(
          run((out) => createPatternBaseline(out, { withinMs: 60 }), 'Login', events),
          naivePattern(60, events),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('nexmark join baseline', () => {
  const auction = (id: number, ts: number): JoinEvent => ({
    type: 'Auction',
    data: { id, seller: 7, category: 1, reserve: 100, ts },
  });
  const bid = (on: number, price: number, ts: number): JoinEvent => ({
    type: 'Bid',
    data: { auction: on, bidder: 3, price, ts },
  });
  const runJoin = (events: readonly JoinEvent[], periodMs: number, end?: number) =>
    run(
      (out) => createNexmarkJoinBaseline(out, { periodMs }),
      events.map((e) => e.type),
      events.map((e) => e.data),
      end,
    );

  it('a flushing batch joins the other stream as it last posted (hand-derived)', () => {
    // Auction grid 1000+10k·k, bid grid 2000+10k·k. 11000: a1 × (no bids posted yet);
    // 12000: bids of [2000,12000) × a1; 21000: a2 × those bids (none on a2);
    // 22000: bids of [12000,22000) × a2.
    const events = [
      auction(1, 1000),
      bid(1, 5, 2000),
      bid(1, 6, 10_500),
      bid(1, 7, 12_500),
      auction(2, 13_000),
    ];
    events.push(bid(2, 8, 14_000));
    expectSameCalls(
      runJoin(events, 10_000, 22_000),
      callsQ(
        [
          12_000,
          [
            [1, 7, 3, 5],
            [1, 7, 3, 6],
          ],
        ],
        [22_000, [[2, 7, 3, 8]]],
      ),
    );
  });

  it('equals the naive recompute on random tiny streams', () => {
    const joinEvents = fc
      .array(
        fc.record({
          gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 120 })),
          isAuction: fc.boolean(),
          id: fc.integer({ min: 0, max: 3 }),
          price: fc.integer({ min: 1, max: 50 }),
        }),
        { maxLength: 50 },
      )
      .map((steps) => {
        let ts = 1000;
        return steps.map((s): JoinEvent => {
          ts += s.gap;
          return s.isAuction
            ? {
                type: 'Auction',
                data: { id: s.id, seller: s.price, category: 0, reserve: 0, ts } satisfies Auction,
              }
            : { type: 'Bid', data: { auction: s.id, bidder: s.price % 7, price: s.price, ts } satisfies Bid };
        });
      });
    fc.assert(
      fc.property(joinEvents, endArb, (events, extra) => {
        const end = endTime(
          events.map((e) => e.data),
          extra,
        );
        expectSameCalls(runJoin(events, 40, end), naiveJoin(40, events, end));
      }),
      { numRuns: 200 },
    );
  });

  it('produces rows on the generated Nexmark stream', () => {
    expect([...runJoin([auction(1, 0), bid(1, 1, 1)], 10, 30).values()].flat().length).toBeGreaterThan(0);
  });
});
