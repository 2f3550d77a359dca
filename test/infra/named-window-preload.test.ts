/**
 * A statement deployed after a named window holds rows starts from those rows, as Esper's
 * StatementAgentInstanceFactorySelect preloads a new consumer (read in its source):
 * - a consumer (not a join's stream) receives the window's rows, through its own filter, as
 *   one insert-stream update when it starts (NamedWindowConsumerPreload): its aggregation,
 *   grouping and having start from them; nobody listens yet, so nothing is posted for them;
 *   a batch window's rows are not preloaded (it posts them again when the batch is released);
 * - an aggregated join over a named window is preloaded with the window's rows and its
 *   aggregation takes the join of the streams' contents (NamedWindowConsumerPreloadAggregationJoin,
 *   JoinPreloadMethodImpl.preloadAggregation: processJoinResult with no output).
 * Expected values are derived by hand from those rules.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { deploy, probe, record, tick } from '../support/infra-harness.js';

const WINDOW = `
  @name('w') create window W#keepall as Tick;
  insert into W select * from Tick;
`;

/** W filled with A10, B20, A5 (times 1–3), then `epl` deployed (if any). */
function filled(epl: string | undefined, window = WINDOW) {
  const engine = deploy(window);
  tick(engine, 1, 'A', 1, 10);
  tick(engine, 2, 'B', 2, 20);
  tick(engine, 3, 'A', 3, 5);
  if (epl !== undefined) engine.deploy(epl);
  return engine;
}

const news = (calls: { new: unknown[] | null }[] | undefined) => (calls ?? []).map((c) => c.new);

describe('a consumer deployed after the window holds rows', () => {
  it('count and sum start from the rows; nothing is posted for them', () => {
    const engine = filled(`@name('s') select count(*) as n, sum(qty) as total from W;`);
    const calls = record(engine, 's');
    tick(engine, 4, 'C', 4, 30);
    expect(news(calls.s)).toEqual([[{ n: 4, total: 65 }]]);
  });

  it('grouped, with having: the preloaded groups count', () => {
    const engine = filled(
      `@name('s') select sym, count(*) as n, sum(qty) as total from W group by sym having sum(qty) > 15;`,
    );
    const calls = record(engine, 's');
    tick(engine, 4, 'A', 4, 1); // A: 10 + 5 + 1 = 16 passes
    tick(engine, 5, 'C', 5, 7); // C: 7 does not
    expect(news(calls.s)).toEqual([[{ sym: 'A', n: 3, total: 16 }]]);
  });

  it("the consumer's filter applies to the preloaded rows", () => {
    const engine = filled(`@name('s') select count(*) as n from W(qty >= 10);`);
    const calls = record(engine, 's');
    tick(engine, 4, 'C', 4, 30);
    expect(news(calls.s)).toEqual([[{ n: 3 }]]);
  });

  it('the preloaded rows count toward the output condition', () => {
    // Esper's OutputConditionCount counts the events entering the statement: the three
    // preloaded rows and C make four, so the output (last row) comes with C.
    const engine = filled(`@name('s') select count(*) as n from W output last every 4 events;`);
    const calls = record(engine, 's');
    tick(engine, 4, 'C', 4, 30);
    tick(engine, 5, 'D', 5, 1);
    expect(news(calls.s)).toEqual([[{ n: 4 }]]);
  });

  it('rows leaving the window leave the aggregation (irstream)', () => {
    const engine = filled(
      `@name('s') select irstream count(*) as n, sum(qty) as total from W;`,
      `@name('w') create window W#length(3) as Tick;
       insert into W select * from Tick;`,
    );
    const calls = record(engine, 's');
    tick(engine, 4, 'C', 4, 30); // A10 leaves, C30 arrives: 3 rows, 55
    expect(calls.s?.map((c) => [c.new, c.old])).toEqual([[[{ n: 3, total: 55 }], [{ n: 3, total: 35 }]]]);
  });

  it('a batch window is not preloaded: its next batch brings its rows', () => {
    const engine = deploy(`
      @name('w') create window W#length_batch(2) as Tick;
      insert into W select * from Tick;
    `);
    tick(engine, 1, 'A', 1, 10);
    tick(engine, 2, 'B', 2, 20);
    tick(engine, 3, 'C', 3, 5); // W's current batch: C5 (not yet released)
    engine.deploy(`@name('s') select count(*) as n, sum(qty) as total from W;`);
    const calls = record(engine, 's');
    // Releases C5, D1 and removes A10, B20, which the consumer never saw: count 2 - 2 = 0,
    // and a sum over no rows is null (Esper's aggregators count entered and left rows).
    tick(engine, 4, 'D', 4, 1);
    expect(news(calls.s)).toEqual([[{ n: 0, total: null }]]);
  });

  it('a consumer deployed before the rows arrive is not preloaded twice, nor after a restore', () => {
    const engine = deploy(`${WINDOW} @name('s') select count(*) as n from W;`);
    tick(engine, 1, 'A', 1, 10);
    const restored = createEngine({ restore: engine.snapshot() });
    const calls = record(restored, 's');
    tick(restored, 2, 'B', 2, 20);
    expect(news(calls.s)).toEqual([[{ n: 2 }]]);
  });

  it('deployed into an engine restored from a snapshot, it starts from the restored rows', () => {
    const engine = filled(undefined);
    const restored = createEngine({ restore: engine.snapshot() });
    restored.deploy(`@name('s') select sym, count(*) as n from W group by sym;`);
    const calls = record(restored, 's');
    tick(restored, 4, 'A', 4, 1);
    expect(news(calls.s)).toEqual([[{ sym: 'A', n: 3 }]]);
  });
});

describe('an aggregated join deployed after the window holds rows', () => {
  it('a self-join aggregates the join of the rows the window holds', () => {
    const engine = filled(`@name('s') select count(*) as n from W as a, W as b where a.sym = b.sym;`);
    const calls = record(engine, 's');
    // Preloaded: A10-A10, A10-A5, A5-A10, A5-A5, B20-B20 (5). C1 adds C1-C1.
    tick(engine, 4, 'C', 4, 1);
    expect(news(calls.s)).toEqual([[{ n: 6 }]]);
  });

  it('an outer join counts the window rows without a match', () => {
    const engine = filled(
      `@name('s') select count(*) as n, count(p.sym) as matched from W as w left outer join Probe#keepall as p on w.sym = p.sym;`,
    );
    const calls = record(engine, 's');
    // Preloaded: A10-null, B20-null, A5-null. pA joins A10 and A5: two new rows (an outer
    // join does not retract the rows without a match, as in Esper).
    probe(engine, 4, 'A', 0);
    expect(news(calls.s)).toEqual([[{ n: 5, matched: 2 }]]);
  });

  it('an inner join with an empty event stream starts empty', () => {
    const engine = filled(
      `@name('s') select count(*) as n from Probe#keepall as p, W as w where p.sym = w.sym;`,
    );
    const calls = record(engine, 's');
    probe(engine, 4, 'A', 0); // meets A10 and A5
    expect(news(calls.s)).toEqual([[{ n: 2 }]]);
  });
});
