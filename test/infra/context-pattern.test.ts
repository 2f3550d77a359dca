/**
 * Pattern context conditions (`start pattern […]`, `end pattern […]`, `initiated by pattern
 * […]`, `terminated by pattern […]`, keyed `terminated by pattern […]`, `@inclusive`) against
 * expectations derived by hand from Esper's documentation and the regression executions of
 * its ContextInitTerm, ContextInitTermTemporalFixed, ContextKeySegmented and
 * ContextKeySegmentedWInitTermPrioritized suites (same statements and events, Esper's
 * SupportBean / SupportBean_S0…S3 as the schemas below), and its controllers' source
 * (ContextControllerConditionPattern, ContextControllerInitTerm*, ContextControllerKeyedImpl):
 * - a start pattern's match starts a partition; `context.<tag>` reads the match's events;
 * - a partition's end pattern starts from the events that started it (`a.id` in an end
 *   pattern reads the start pattern's tag or the start filter's `as` name) and does not see
 *   the event that started it;
 * - a non-overlapping context's start pattern is stopped while a partition lives and starts
 *   afresh when it ends (the ending event is not seen by the new run); an overlapping one's
 *   keeps running;
 * - `@inclusive`: the new partition's statements count the match's tagged events (tag
 *   order), otherwise none of them, not even the event that completed the match;
 * - keyed: a partition's end pattern sees only its key's events of the partitioned streams,
 *   the terminating event starts no partition, an event after it does.
 */
import { describe, expect, it } from 'vitest';
import { type Engine, createEngine, explainModule } from '../../src/index.js';
import { deployError } from '../support/deploy-error.js';
import { record } from '../support/infra-harness.js';

const SCHEMAS = `
create schema SB(theString string, intPrimitive int, intBoxed int);
create schema S0(id int, p00 string);
create schema S1(id int, p10 string);
create schema S2(id int, p20 string);
create schema S3(id int, p30 string);
`;

/** 8:00 on 1 May 2002 (UTC), Esper's regression clock. */
const T0 = Date.UTC(2002, 4, 1, 8);

/** Sends events one millisecond apart from `T0` unless a time is given. */
class Feed {
  time = T0;
  constructor(readonly engine: Engine) {}
  send(type: string, data: Record<string, unknown>, at?: number): this {
    if (at !== undefined) this.time = at;
    else this.time += 1;
    this.engine.send(type, data, this.time);
    return this;
  }
  sb(theString: string, intPrimitive: number, intBoxed: number | null = null, at?: number): this {
    return this.send('SB', { theString, intPrimitive, intBoxed }, at);
  }
  s(n: 0 | 1 | 2 | 3, id: number, p: string | null = null, at?: number): this {
    return this.send(`S${n}`, { id, [`p${n}0`]: p }, at);
  }
}

function setup(epl: string, ...names: string[]) {
  const engine = createEngine({ startTime: T0 });
  engine.deploy(SCHEMAS + epl);
  const calls = record(engine, ...names);
  return { engine, feed: new Feed(engine), calls };
}

/** The rows of each call, new events only (one entry per listener call). */
const rows = (calls: { new: unknown[] | null }[]) => calls.map((c) => c.new);

describe('start pattern … end pattern … (non-overlapping)', () => {
  it('the end pattern reads the start pattern tags (ContextStartEndPatternCorrelated)', () => {
    const { feed, calls } = setup(
      `create context MyContext start pattern [a=S0 or b=S1] end pattern [S2(id=a.id) or S3(id=b.id)];
       @name('s0') context MyContext select theString from SB;`,
      's0',
    );
    const received: boolean[] = [];
    const probe = () => {
      const before = calls.s0?.length ?? 0;
      feed.sb('X', 0);
      received.push((calls.s0?.length ?? 0) > before);
    };
    feed.s(1, 100);
    probe();
    feed.s(2, 100); // a is null: S2(id = null) never matches
    probe();
    feed.s(3, 101);
    probe();
    feed.s(3, 100); // ends
    probe();
    feed.s(0, 200);
    probe();
    feed.s(2, 201);
    feed.s(3, 200); // b is null now
    probe();
    feed.s(2, 200); // ends
    probe();
    expect(received).toEqual([true, true, true, false, true, true, false]);
  });

  it('timer:interval inside both patterns; starts are ignored while a partition lives (ContextStartEndPatternStartedPatternEnded)', () => {
    const { feed, calls } = setup(
      `create context EveryNowAndThen as start pattern [s0=S0 -> timer:interval(1 sec)]
         end pattern [s1=S1 -> timer:interval(1 sec)];
       @name('s0') context EveryNowAndThen select context.s0.p00 as c1, sum(intPrimitive) as c2 from SB#keepall;`,
      's0',
    );
    feed.sb('E1', 1, null, T0);
    feed.s(0, 100, 'S0_1', T0);
    feed.sb('E2', 2, null, T0);
    feed.sb('E3', 3, null, T0);
    expect(calls.s0).toEqual([]);
    feed.sb('E4', 4, null, T0 + 1000); // the start pattern's interval fired at T0 + 1 s
    feed.sb('E5', 5, null, T0 + 1000);
    feed.s(0, 101, 'S0_2', T0 + 1000); // ignored: a partition lives
    feed.sb('E6', 6, null, T0 + 3000);
    feed.s(1, 101, 'S1_1', T0 + 3000); // ends one second later
    feed.sb('E7', 7, null, T0 + 3000);
    feed.sb('E8', 8, null, T0 + 4000); // ended
    feed.s(1, 102, 'S1_2', T0 + 4000); // no partition: ignored
    feed.sb('E9', 9, null, T0 + 10_000);
    feed.s(0, 103, 'S0_3', T0 + 10_000); // a new partition one second later
    feed.sb('E10', 10, null, T0 + 11_000);
    expect(rows(calls.s0 ?? [])).toEqual([
      [{ c1: 'S0_1', c2: 4 }],
      [{ c1: 'S0_1', c2: 9 }],
      [{ c1: 'S0_1', c2: 15 }],
      [{ c1: 'S0_1', c2: 22 }],
      [{ c1: 'S0_3', c2: 10 }],
    ]);
  });

  it('a start filter named with as, an end pattern reading it (ContextStartEndFilterStartedPatternEndedCorrelated)', () => {
    const { feed, calls } = setup(
      `create context EveryNowAndThen as start S0 as s0 end pattern [S1(p10 = s0.p00)];
       @name('s0') context EveryNowAndThen select context.s0.p00 as c1, sum(intPrimitive) as c2 from SB#keepall;`,
      's0',
    );
    feed.sb('E1', 1);
    feed.s(0, 100, 'G1'); // starts it
    feed.sb('E2', 2);
    feed.s(1, 200, 'GX'); // not the end
    feed.sb('E3', 3);
    feed.s(1, 200, 'G1'); // the end
    feed.sb('E4', 4);
    feed.s(0, 101, 'G2'); // starts the second
    feed.sb('E6', 6);
    expect(rows(calls.s0 ?? [])).toEqual([
      [{ c1: 'G1', c2: 2 }],
      [{ c1: 'G1', c2: 5 }],
      [{ c1: 'G2', c2: 6 }],
    ]);
  });

  it('the start pattern starts afresh when the partition ends: the ending event does not count for it', () => {
    // The S0 that ends the partition is not the new run's first S0 (Esper adds the new run's
    // filters while that event is dispatched).
    const { feed, calls } = setup(
      `create context C start pattern [a=S0 -> b=S0] end S0(id = 0);
       @name('s0') context C select context.a.id as a, context.b.id as b, count(*) as n from SB;`,
      's0',
    );
    feed.s(0, 1).s(0, 2); // starts (a=1, b=2)
    feed.sb('x', 0);
    feed.s(0, 0); // ends
    feed.s(0, 3); // the new run's first S0
    feed.sb('y', 0); // no partition
    feed.s(0, 4); // starts (a=3, b=4)
    feed.sb('z', 0);
    expect(rows(calls.s0 ?? [])).toEqual([[{ a: 1, b: 2, n: 1 }], [{ a: 3, b: 4, n: 1 }]]);
  });

  it('without @inclusive the completing event is not counted; with it, every tagged event is', () => {
    const epl = (inclusive: string) => `
      create context C start pattern [a=SB(intPrimitive = 1) -> b=SB(intPrimitive = 2)] ${inclusive} end SB(intPrimitive = 9);
      @name('s0') context C select count(*) as n, sum(intPrimitive) as total from SB output snapshot when terminated;`;
    const sequence = (feed: Feed) => feed.sb('a', 1).sb('b', 2).sb('c', 5).sb('end', 9);
    const plain = setup(epl(''), 's0');
    sequence(plain.feed);
    expect(rows(plain.calls.s0 ?? [])).toEqual([[{ n: 1, total: 5 }]]);
    const inclusive = setup(epl('@inclusive'), 's0');
    sequence(inclusive.feed);
    expect(rows(inclusive.calls.s0 ?? [])).toEqual([[{ n: 3, total: 8 }]]);
  });
});

describe('initiated by pattern … terminated … (overlapping)', () => {
  it('every tag starts a partition; the end pattern correlates with it (ContextInitTermPatternCorrelated)', () => {
    const { feed, calls } = setup(
      `create context ACtx initiated by pattern [every a=SB(intPrimitive = 0)]
         terminated by pattern [SB(theString = a.theString, intPrimitive = 1)];
       @name('s0') context ACtx select id from S0(p00 = context.a.theString);`,
      's0',
    );
    const received: boolean[] = [];
    const probe = (p00: string) => {
      const before = calls.s0?.length ?? 0;
      feed.s(0, 1, p00);
      received.push((calls.s0?.length ?? 0) > before);
    };
    feed.sb('G1', 0);
    probe('G1');
    probe('X');
    probe('G1');
    probe('X');
    feed.sb('G1', 1);
    probe('G1');
    feed.sb('G2', 0);
    probe('G1');
    probe('G2');
    probe('G2');
    probe('X');
    feed.sb('G2', 1);
    probe('G1');
    probe('G2');
    expect(received).toEqual([true, false, true, false, false, false, true, true, false, false, false]);
  });

  it('a start filter named with as, a followed-by end pattern reading it (ContextInitTermFilterAndPattern)', () => {
    const { feed, calls } = setup(
      `create context CtxInitiated initiated by SB as sb
         terminated by pattern [S0(p00 = sb.theString) -> S1(p10 = sb.theString)];
       @name('S1') context CtxInitiated select id from S2(p20 = context.sb.theString);`,
      'S1',
    );
    feed.sb('G1', 0);
    feed.s(2, 100, 'G1');
    feed.sb('G2', 0);
    feed.s(2, 101, 'G1');
    feed.s(2, 102, 'G2');
    feed.s(2, 103, 'G3');
    feed.s(0, 1, 'G1'); // G1's end: first half
    feed.s(1, 1, 'G1'); // G1 ends
    feed.s(2, 201, 'G1');
    feed.s(2, 202, 'G2');
    feed.s(2, 203, 'G3');
    feed.s(0, 2, 'G2');
    feed.s(1, 2, 'G2'); // G2 ends
    feed.s(2, 301, 'G1');
    feed.s(2, 302, 'G2');
    feed.s(2, 303, 'G3');
    expect(rows(calls.S1 ?? [])).toEqual([[{ id: 100 }], [{ id: 101 }], [{ id: 102 }], [{ id: 202 }]]);
  });

  it('a followed-by start pattern, terminated after 1 minute (ContextInitTermPatternAndAfter1Min)', () => {
    const { feed, calls } = setup(
      `create context CtxInitiated initiated by pattern [every s0=S0 -> s1=S1(id = s0.id)] terminated after 1 minute;
       @name('S1') context CtxInitiated
         select theString as c1, sum(intPrimitive) as c2, context.s0.p00 as c3, context.s1.p10 as c4 from SB;`,
      'S1',
    );
    feed.s(0, 10, 'S0_1');
    feed.s(1, 20, 'S1_1');
    feed.s(1, 10, 'S1_2'); // starts the first partition
    feed.sb('E1', 1);
    feed.s(0, 11, 'S0_2');
    feed.s(1, 11, 'S1_2'); // starts the second
    feed.sb('E2', 2);
    feed.sb('E3', 3);
    feed.sb('E4', 4, null, T0 + 60_004); // the first ended at T0 + 60 003
    feed.sb('E5', 5, null, T0 + 60_006); // both ended
    expect(rows(calls.S1 ?? [])).toEqual([
      [{ c1: 'E1', c2: 1, c3: 'S0_1', c4: 'S1_2' }],
      [
        { c1: 'E2', c2: 3, c3: 'S0_1', c4: 'S1_2' },
        { c1: 'E2', c2: 2, c3: 'S0_2', c4: 'S1_2' },
      ],
      [
        { c1: 'E3', c2: 6, c3: 'S0_1', c4: 'S1_2' },
        { c1: 'E3', c2: 5, c3: 'S0_2', c4: 'S1_2' },
      ],
      [{ c1: 'E4', c2: 9, c3: 'S0_2', c4: 'S1_2' }],
    ]);
  });

  it('a tag the match did not bind reads null (ContextInitTermPatternInitiatedStraightSelect)', () => {
    const { feed, calls } = setup(
      `create context EverySupportBean as initiated by pattern [every (a=S0 or b=S1)] terminated after 1 minutes;
       @name('s0') context EverySupportBean select context.a.id as c1, context.b.id as c2, theString as c3 from SB;`,
      's0',
    );
    feed.s(1, 2);
    feed.sb('E1', 0);
    feed.s(0, 3);
    feed.sb('E2', 0);
    expect(rows(calls.s0 ?? [])).toEqual([
      [{ c1: null, c2: 2, c3: 'E1' }],
      [
        { c1: null, c2: 2, c3: 'E2' },
        { c1: 3, c2: null, c3: 'E2' },
      ],
    ]);
  });

  it('@inclusive with every-distinct over 10 seconds (ContextInitTermPatternInclusion)', () => {
    const { feed, calls } = setup(
      `create context CtxPerId initiated by pattern [every-distinct (a.theString, 10 sec) a=SB] @inclusive
         terminated after 10 sec;
       @name('s0') context CtxPerId select theString, intPrimitive from SB(theString = context.a.theString)
         output last when terminated;`,
      's0',
    );
    feed.sb('E1', 1, null, T0);
    feed.sb('E2', 2, null, T0 + 1000);
    feed.sb('E1', 3, null, T0 + 8000);
    feed.engine.advanceTime(T0 + 9999);
    expect(calls.s0).toEqual([]);
    feed.engine.advanceTime(T0 + 10_000);
    feed.sb('E2', 4, null, T0 + 10_100);
    feed.sb('E1', 5, null, T0 + 10_100);
    feed.engine.advanceTime(T0 + 11_000);
    feed.sb('E2', 6, null, T0 + 16_100);
    feed.engine.advanceTime(T0 + 20_099);
    feed.engine.advanceTime(T0 + 20_100);
    feed.engine.advanceTime(T0 + 26_099);
    feed.engine.advanceTime(T0 + 26_100);
    expect((calls.s0 ?? []).map((c) => [c.time - T0, c.new])).toEqual([
      [10_000, [{ theString: 'E1', intPrimitive: 3 }]],
      [11_000, [{ theString: 'E2', intPrimitive: 4 }]],
      [20_100, [{ theString: 'E1', intPrimitive: 5 }]],
      [26_100, [{ theString: 'E2', intPrimitive: 6 }]],
    ]);
  });

  it('@inclusive hands the statements every tagged event in tag order (ContextInitTermPatternInclusion, multiple events)', () => {
    const { feed, calls } = setup(
      `create context CtxPerId initiated by pattern [every a=S0 -> b=S1] @inclusive terminated after 10 sec;
       @name('s0') context CtxPerId select a.p00 as a, b.p10 as b from pattern [every a=S0 -> b=S1];`,
      's0',
    );
    feed.s(0, 10, 'S0_1');
    feed.s(1, 20, 'S1_1');
    expect(rows(calls.s0 ?? [])).toEqual([[{ a: 'S0_1', b: 'S1_1' }]]);
  });

  it('@now and pattern: a partition at once, then one per match', () => {
    const { feed, calls } = setup(
      `create context C initiated by @now and pattern [every a=S0] terminated after 10 sec;
       @name('s0') context C select context.a.id as a, count(*) as n from SB;`,
      's0',
    );
    feed.sb('x', 0);
    feed.s(0, 7);
    feed.sb('y', 0);
    feed.sb('z', 0, null, T0 + 10_001); // the first partition has ended, the second (T0 + 2 ms) not yet
    expect(rows(calls.s0 ?? [])).toEqual([
      [{ a: null, n: 1 }],
      [
        { a: null, n: 2 },
        { a: 7, n: 1 },
      ],
      [{ a: 7, n: 2 }],
    ]);
  });
});

describe('keyed contexts terminated by pattern', () => {
  it('the end pattern sees its own key only (ContextKeySegmentedTermByPattern3Partition)', () => {
    const { feed, calls } = setup(
      `create context Ctx3Typed as partition by p00 from S0, p10 from S1, p20 from S2
         terminated by pattern [S1 -> S2];
       @name('s0') context Ctx3Typed select p00, count(*) as cnt from S0 output last when terminated;`,
      's0',
    );
    feed.s(0, 0, 'A').s(0, 0, 'B').s(1, 0, 'B');
    feed.s(2, 0, 'A').s(0, 0, 'B');
    expect(calls.s0).toEqual([]);
    feed.s(2, 0, 'B');
    expect(rows(calls.s0 ?? [])).toEqual([[{ p00: 'B', cnt: 2 }]]);
    feed.s(1, 0, 'A');
    feed.s(0, 0, 'A').s(0, 0, 'A');
    feed.s(2, 0, 'A');
    expect(rows(calls.s0 ?? [])).toEqual([[{ p00: 'B', cnt: 2 }], [{ p00: 'A', cnt: 3 }]]);
  });

  it('the terminating event starts no partition, a later one does (ContextKeySegmentedTermByPatternTwoFilters)', () => {
    const { feed, calls } = setup(
      `create context MyTermByTimeout partition by p00 from S0, p10 from S1
         terminated by pattern [S0(id < 0) or S1(id < 0)];
       @name('s0') context MyTermByTimeout select coalesce(s0.p00, s1.p10) as key, count(*) as cnt
         from pattern [every (s0=S0 or s1=S1)] output last when terminated;`,
      's0',
    );
    feed.s(0, 0, 'A').s(1, 0, 'A').s(1, 0, 'B');
    feed.s(1, -1, 'B'); // stops B
    expect(rows(calls.s0 ?? [])).toEqual([[{ key: 'B', cnt: 1 }]]);
    feed.s(1, 0, 'B').s(0, 0, 'A').s(0, 0, 'B');
    feed.s(1, -1, 'A'); // stops A
    expect(calls.s0?.length).toBe(2);
    feed.s(1, -1, 'A'); // a new A partition (it does not see this event), nothing to post
    expect(calls.s0?.length).toBe(2);
    feed.s(1, -1, 'B'); // stops B
    feed.s(1, -1, 'B');
    expect(rows(calls.s0 ?? [])).toEqual([
      [{ key: 'B', cnt: 1 }],
      [{ key: 'A', cnt: 3 }],
      [{ key: 'B', cnt: 2 }],
    ]);
  });

  it('the end pattern reads the initiating event by its name (ContextKeySegmentedInitWCorrelatedTermPattern)', () => {
    const { feed, calls } = setup(
      `create context CtxPartitionInitWCorrTerm partition by p20 from S2, p10 from S1, p00 from S0
         initiated by S0 as s0, S1 as s1
         terminated by pattern [S0(id = s0.id) or S1(id = s1.id)];
       @name('s0') context CtxPartitionInitWCorrTerm
         select context.s0.id as ctx0id, context.s1.id as ctx1id, p20, sum(id) as theSum from S2 output last when terminated;`,
      's0',
    );
    feed.s(0, 1, 'A').s(1, 2, 'B').s(2, 10, 'A').s(2, 11, 'A').s(1, 1, 'A').s(0, 2, 'A').s(2, 12, 'B');
    expect(calls.s0).toEqual([]);
    feed.s(0, 1, 'A');
    expect(rows(calls.s0 ?? [])).toEqual([[{ ctx0id: 1, ctx1id: null, p20: 'A', theSum: 21 }]]);
    feed.s(1, 2, 'B');
    expect(rows(calls.s0 ?? [])).toEqual([
      [{ ctx0id: 1, ctx1id: null, p20: 'A', theSum: 21 }],
      [{ ctx0id: null, ctx1id: 2, p20: 'B', theSum: 12 }],
    ]);
  });

  it("the end pattern's tags are context properties when it ends", () => {
    const { feed, calls } = setup(
      `create context MyContext partition by theString from SB initiated by SB(intPrimitive = 1) as startevent
         terminated by pattern [s=SB(intPrimitive = 2)];
       @name('s0') context MyContext select context.startevent.intBoxed as c0, context.s.intBoxed as c1
         from SB#firstevent output snapshot when terminated;`,
      's0',
    );
    feed.sb('A', 1, 10).sb('A', 2, 20);
    expect(rows(calls.s0 ?? [])).toEqual([[{ c0: 10, c1: 20 }]]);
  });
});

describe('a named match: pattern […] as name', () => {
  it('an end filter reads the named start match (ContextStartEndPatternWithFilterCorrelatedWithAsName)', () => {
    const { feed, calls } = setup(
      `create context MyContext as start pattern [s0=S0] as starter end S1(id = starter.s0.id) as ender;
       @name('s0') context MyContext select theString from SB;`,
      's0',
    );
    feed.s(0, 10);
    feed.sb('E1', 0);
    feed.s(1, 10);
    feed.sb('E2', 0);
    expect(rows(calls.s0 ?? [])).toEqual([[{ theString: 'E1' }]]);
  });

  it('an end pattern reads the named start match (ContextStartEndPatternWithPatternCorrelatedWithAsName)', () => {
    const { feed, calls } = setup(
      `create context MyContext as start pattern [s0=S0] as starter end pattern [s1=S1(id = starter.s0.id)] as ender;
       @name('s0') context MyContext
         select context.starter as starter, context.starter.s0 as starterS0, context.starter.s0.id as starterS0id from SB;`,
      's0',
    );
    feed.s(0, 10, 'x');
    feed.sb('E1', 0);
    feed.s(1, 11); // not the end
    feed.s(1, 10); // the end
    feed.sb('E2', 0);
    const starter = { id: 10, p00: 'x' };
    expect(rows(calls.s0 ?? [])).toEqual([
      [{ starter: { s0: starter }, starterS0: starter, starterS0id: 10 }],
    ]);
  });

  it('a named end match is readable when the partition ends (ContextStartEndFilterWithPatternCorrelatedWithAsName)', () => {
    const { feed, calls } = setup(
      `create context MyContext as start S0 as starter end pattern [s1=S1(id = starter.id) or timer:interval(30)] as ender;
       @name('s0') context MyContext select context.starter as starter, context.ender as ender, context.ender.s1 as enderS1,
         context.ender.s1.id as enderS1id from S0 output when terminated;`,
      's0',
    );
    feed.s(0, 10, null, T0);
    feed.s(1, 10, null, T0); // ends the first partition
    feed.s(0, 20, null, T0 + 10_000);
    feed.engine.advanceTime(T0 + 40_000); // the interval ends the second
    const s1 = { id: 10, p10: null };
    expect((calls.s0 ?? []).map((c) => [c.time - T0, c.new])).toEqual([
      [0, [{ starter: { id: 10, p00: null }, ender: { s1 }, enderS1: s1, enderS1id: 10 }]],
      [40_000, [{ starter: { id: 20, p00: null }, ender: {}, enderS1: null, enderS1id: null }]],
    ]);
  });

  it('keyed: a named end match (ContextKeySegmentedWInitTermPatternAsName)', () => {
    const { feed, calls } = setup(
      `create context MyContext partition by theString from SB initiated by SB(intPrimitive = 1) as startevent
         terminated by pattern [s=SB(intPrimitive = 2)] as endpattern;
       @name('s0') context MyContext select context.startevent.intBoxed as c0, context.endpattern.s.intBoxed as c1
         from SB#firstevent output snapshot when terminated;`,
      's0',
    );
    feed.sb('A', 1, 10).sb('A', 2, 20);
    expect(rows(calls.s0 ?? [])).toEqual([[{ c0: 10, c1: 20 }]]);
  });
});

describe('errors', () => {
  it('refuses a tag the start condition already names, and a property a named match does not have', () => {
    expect(
      deployError(
        `${SCHEMAS} create context C start S1(id = 0) as starter end pattern [starter=S1(id = 1) or timer:interval(30 sec)];`,
      ).message,
    ).toBe("Tag 'starter' for event 'S1' is already assigned (the start condition names it)");
    expect(
      deployError(
        `${SCHEMAS} create context C start pattern [starter=S1(id = 0)] end pattern [starter=S1(id = 1) or timer:interval(30 sec)];`,
      ).message,
    ).toBe("Tag 'starter' for event 'S1' is already assigned (the start condition names it)");
    expect(
      deployError(
        `${SCHEMAS} create context C start pattern [s1=S1(id = 0)] as starter end pattern [starter=S1(id = 1) or timer:interval(30 sec)] as ender;`,
      ).message,
    ).toBe("Tag 'starter' for event 'S1' is already assigned (the start condition names it)");
    expect(
      deployError(
        `${SCHEMAS} create context C start S0 as starter end pattern [s1=S1] as ender; context C select context.ender.starter from S0;`,
      ).message,
    ).toBe(
      "'context.ender.starter': the event 'ender' of context 'C' has no property 'starter' (it has: s1)",
    );
  });

  it('refuses a context property declared twice', () => {
    expect(
      deployError(`${SCHEMAS} create context C initiated by S0 as a terminated by pattern [a=S1];`).message,
    ).toBe("Tag 'a' for event 'S1' is already assigned (the start condition names it)");
    expect(
      deployError(`${SCHEMAS} create context C initiated by pattern [every id=S0] terminated after 1 sec;`)
        .message,
    ).toBe("The stream or tag name 'id' is already declared");
  });
});

describe('explain', () => {
  it('shows pattern conditions as written, with @inclusive', () => {
    const text = explainModule(`${SCHEMAS}
      create context C start pattern [a=S0 -> b=S1(id = a.id) where timer:within(10 sec)] @inclusive
        end pattern [S2(id = a.id) or timer:interval(1 min)];
      create context K partition by p00 from S0 terminated by pattern [S0(id < 0)];`);
    expect(text).toContain(
      'Define context C: non-overlapping: start pattern [(a=S0 -> b=S1 {index id = a.id} where timer:within(10000 ms))] @inclusive; end pattern [(S2 {index id = a.id} or timer:interval(60000 ms))]',
    );
    expect(text).toContain('Define context K: keyed by p00 from S0; terminated by pattern [S0((id < 0))]');
  });
});
