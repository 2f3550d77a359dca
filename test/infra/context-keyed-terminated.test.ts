/**
 * Keyed contexts with `initiated by` / `terminated by`, against the outputs of Esper's own
 * regression tests (ContextKeySegmentedWInitTermPrioritized), translated event by event:
 * - `terminated by T(filter)`: an event of a partitioned stream ends its own key's partition
 *   (never another key's); an event of another stream ends every partition whose filter it
 *   passes; the filter may read the starting event (`as sb`); the terminating event counts in
 *   no partition and starts none;
 * - `initiated by T(filter) [as s]`: only such events start partitions (and count in them);
 *   later events of the key reach the partition through the partition-by item's filter.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, explainModule } from '../../src/index.js';
import type { Row } from '../../src/index.js';
import { deployError } from '../support/deploy-error.js';

const SCHEMAS = `
create schema SupportBean(theString string, intPrimitive int, longPrimitive long, boolPrimitive boolean);
create schema S0(id int, p00 string, p01 string);
create schema S1(id int, p10 string, p11 string);
create schema S2(id int, p20 string, p21 string);
`;

function run(epl: string, events: [string, Row][]): Row[][] {
  const engine = createEngine();
  engine.deploy(SCHEMAS + epl);
  const out: Row[][] = [];
  engine.statement('s0')?.subscribe((n) => out.push(n ?? []));
  events.forEach(([type, data], i) => engine.send(type, data, 1000 + i));
  return out;
}

const sb = (
  theString: string,
  intPrimitive: number,
  longPrimitive = 0,
  boolPrimitive = false,
): [string, Row] => ['SupportBean', { theString, intPrimitive, longPrimitive, boolPrimitive }];
const sorted = (calls: Row[][]) => calls.map((rows) => rows.map((r) => JSON.stringify(r)).sort());

describe('keyed contexts with terminated by', () => {
  it('a terminating event of the partitioned type ends its own key only (FilterExprTermByFilter)', () => {
    const out = run(
      `create context Ctx partition by theString from SupportBean(intPrimitive=0) terminated by SupportBean;
       @name('s0') context Ctx select theString, count(*) as cnt from SupportBean output last when terminated;`,
      [sb('A', 2), sb('B', 1), sb('B', 2), sb('B', 0), sb('A', 0), sb('B', 99), sb('A', 0)],
    );
    expect(out).toEqual([[{ theString: 'B', cnt: 1 }], [{ theString: 'A', cnt: 1 }]]);
  });

  it('with a filter (FilterExprTermByFilterWExpr)', () => {
    const out = run(
      `create context Ctx partition by theString from SupportBean(intPrimitive=0) terminated by SupportBean(intPrimitive=1);
       @name('s0') context Ctx select theString, count(*) as cnt from SupportBean output last when terminated;`,
      [sb('A', 2), sb('B', 1), sb('B', 0), sb('B', 2), sb('B', 1), sb('A', 0)],
    );
    expect(out).toEqual([[{ theString: 'B', cnt: 1 }]]);
  });

  it('an event of another type ends every partition (TermByUnrelated)', () => {
    const out = run(
      `create context Ctx partition by theString from SupportBean terminated by S0;
       @name('s0') context Ctx select theString, count(*) as cnt from SupportBean output last when terminated;`,
      [
        sb('A', 0),
        sb('B', 0),
        sb('A', 0),
        ['S0', { id: -1, p00: null, p01: null }],
        sb('C', 0),
        sb('A', 0),
        ['S0', { id: -1, p00: null, p01: null }],
      ],
    );
    expect(sorted(out)).toEqual(
      sorted([
        [
          { theString: 'A', cnt: 2 },
          { theString: 'B', cnt: 1 },
        ],
        [
          { theString: 'A', cnt: 1 },
          { theString: 'C', cnt: 1 },
        ],
      ]),
    );
  });

  it('a termination filter reading the starting event (WithCorrelatedTermFilter)', () => {
    const out = run(
      `create context Ctx partition by theString from SupportBean as sb terminated by SupportBean(intPrimitive=sb.intPrimitive);
       @name('s0') context Ctx select theString, sum(intPrimitive) as theSum from SupportBean output last when terminated;`,
      [
        sb('A', 10),
        sb('B', 99),
        sb('C', -1),
        sb('A', 2),
        sb('B', 3),
        sb('C', 4),
        sb('A', 10),
        sb('C', -1),
        sb('A', 11),
        sb('A', 12),
        sb('B', 99),
        sb('A', 11),
      ],
    );
    expect(out).toEqual([
      [{ theString: 'A', theSum: 12 }],
      [{ theString: 'C', theSum: 3 }],
      [{ theString: 'B', theSum: 102 }],
      [{ theString: 'A', theSum: 23 }],
    ]);
  });

  it('terminated after a period, per partition', () => {
    const engine = createEngine();
    engine.deploy(`${SCHEMAS}
      create context Ctx partition by theString from SupportBean terminated after 10 sec;
      @name('s0') context Ctx select theString, count(*) as cnt from SupportBean output last when terminated;`);
    const out: Row[][] = [];
    engine.statement('s0')?.subscribe((n) => out.push(n ?? []));
    engine.send('SupportBean', sb('A', 1)[1], 1000);
    engine.send('SupportBean', sb('B', 1)[1], 5000);
    engine.send('SupportBean', sb('A', 1)[1], 9000);
    engine.send('SupportBean', sb('A', 1)[1], 12_000); // A ended at 11 s: a new partition
    engine.advanceTime(30_000);
    expect(out).toEqual([
      [{ theString: 'A', cnt: 2 }],
      [{ theString: 'B', cnt: 1 }],
      [{ theString: 'A', cnt: 1 }],
    ]);
  });
});

describe('keyed contexts terminated by a crontab', () => {
  it('each partition ends at the next occurrence after it started', () => {
    const hour = 3600_000;
    const engine = createEngine({ startTime: 0 });
    engine.deploy(`${SCHEMAS}
      create context Ctx partition by theString from SupportBean terminated by (0, *, *, *, *);
      @name('s0') context Ctx select theString, count(*) as cnt from SupportBean output last when terminated;`);
    const out: Row[][] = [];
    engine.statement('s0')?.subscribe((n, _o, c) => out.push([{ at: c.time }, ...(n ?? [])]));
    engine.send('SupportBean', sb('A', 1)[1], 0.25 * hour);
    engine.send('SupportBean', sb('A', 1)[1], 0.5 * hour);
    engine.send('SupportBean', sb('B', 1)[1], 0.75 * hour);
    engine.send('SupportBean', sb('A', 1)[1], 1.5 * hour); // A's second partition, ends at 2:00
    engine.advanceTime(3 * hour);
    expect(out).toEqual([
      [{ at: hour }, { theString: 'A', cnt: 2 }, { theString: 'B', cnt: 1 }],
      [{ at: 2 * hour }, { theString: 'A', cnt: 1 }],
    ]);
  });
});

describe('keyed contexts with initiated by', () => {
  it('initiating filters on two types, terminated by a third (InitTermWithTwoInit)', () => {
    const s0 = (p00: string, p01: string): [string, Row] => ['S0', { id: 0, p00, p01 }];
    const s1 = (p10: string, p11: string): [string, Row] => ['S1', { id: 0, p10, p11 }];
    const s2 = (p20: string, p21: string): [string, Row] => ['S2', { id: 0, p20, p21 }];
    const out = run(
      `create context Ctx partition by p01 from S0, p11 from S1, p21 from S2
         initiated by S0(p00='a'), S1(p10='b') terminated by S2(p20='z');
       @name('s0') context Ctx select p21, count(*) as cnt from S2 output last when terminated;`,
      [
        s2('b', 'A'),
        s2('a', 'A'),
        s0('b', 'A'),
        s1('a', 'A'),
        s2('z', 'A'),
        s1('b', 'B'),
        s0('a', 'C'),
        s2('', 'B'),
        s2('z', 'B'),
        s2('z', 'C'),
      ],
    );
    expect(out).toEqual([[{ p21: 'B', cnt: 1 }], [{ p21: 'C', cnt: 0 }]]);
  });

  it('the partition-by filter applies to the later events (InitTermWithPartitionFilter)', () => {
    const out = run(
      `create context Ctx partition by theString from SupportBean(intPrimitive > 0)
         initiated by SupportBean(intPrimitive=0) terminated by SupportBean(intPrimitive=1000);
       @name('s0') context Ctx select theString, sum(intPrimitive) as theSum from SupportBean output last when terminated;`,
      [
        sb('A', 20),
        sb('A', 1000),
        sb('B', 0),
        sb('B', 30),
        sb('B', -100),
        sb('A', 1000),
        sb('B', 1000),
        sb('A', 0),
        sb('A', 40),
        sb('A', 50),
        sb('A', -20),
        sb('A', 1000),
      ],
    );
    expect(out).toEqual([[{ theString: 'B', theSum: 30 }], [{ theString: 'A', theSum: 90 }]]);
  });

  it('the initiating event counts and is context.<name> (InitNoTerm)', () => {
    const s0 = (id: number, p00: string, p01: string): [string, Row] => ['S0', { id, p00, p01 }];
    const out = run(
      `create context Ctx partition by p00 and p01 from S0 initiated by S0(id>0) as s0;
       @name('s0') context Ctx select p00, p01, context.s0.id as initId, sum(id) as theSum from S0;`,
      [
        s0(0, 'A', 'G1'),
        s0(-1, 'B', 'G1'),
        s0(10, 'B', 'G1'),
        s0(-1, 'B', 'G1'),
        s0(2, 'A', 'G1'),
        s0(3, 'A', 'G2'),
        s0(4, 'A', 'G2'),
        s0(6, 'A', 'G1'),
      ],
    );
    expect(out).toEqual([
      [{ p00: 'B', p01: 'G1', initId: 10, theSum: 10 }],
      [{ p00: 'B', p01: 'G1', initId: 10, theSum: 9 }],
      [{ p00: 'A', p01: 'G1', initId: 2, theSum: 2 }],
      [{ p00: 'A', p01: 'G2', initId: 3, theSum: 3 }],
      [{ p00: 'A', p01: 'G2', initId: 3, theSum: 7 }],
      [{ p00: 'A', p01: 'G1', initId: 2, theSum: 8 }],
    ]);
  });

  it('initiated with a correlated termination (InitWCorrelatedTermFilter)', () => {
    const out = run(
      `create context Ctx partition by theString from SupportBean
         initiated by SupportBean(boolPrimitive=true) as sb
         terminated by SupportBean(boolPrimitive=false, intPrimitive=sb.intPrimitive);
       @name('s0') context Ctx select theString, sum(longPrimitive) as theSum from SupportBean output last when terminated;`,
      [
        sb('A', 100, 1, true),
        sb('B', 99, 2, false),
        sb('B', 200, 3, true),
        sb('A', 0, 4, false),
        sb('B', 0, 5, false),
        sb('A', 0, 6, true),
        sb('B', 200, 7, false),
        sb('A', 100, 8, false),
      ],
    );
    expect(out).toEqual([[{ theString: 'B', theSum: 8 }], [{ theString: 'A', theSum: 11 }]]);
  });

  it('refuses an initiating type the partition-by does not list, and names in both places', () => {
    const errors = (epl: string) => [deployError(SCHEMAS + epl).message];
    expect(errors('create context C partition by theString from SupportBean initiated by S0;')).toEqual([
      "Segmented context 'C' requires that all of the event types that are listed in the initiated-by also appear in the partition-by, type 'S0' is not one of the types listed in partition-by",
    ]);
    expect(errors('create context C partition by p00 from S0 as n1 initiated by S0 as n2;')).toEqual([
      "Segmented context 'C' requires that either partition-by or initiated-by assign stream names, but not both",
    ]);
  });
});

describe('initiated by distinct(…)', () => {
  it('one live partition per distinct value; a correlated end (ContextInitTermWithDistinctOverlappingSingleKey)', () => {
    const engine = createEngine();
    engine.deploy(`${SCHEMAS}
      create context Ctx initiated by distinct(s0.theString) SupportBean(intPrimitive = 0) s0
        terminated by SupportBean(theString = s0.theString and intPrimitive = 1);
      @name('s0') context Ctx select theString, longPrimitive, count(*) as cnt
        from SupportBean(theString = context.s0.theString);`);
    const out: (Row[] | null)[] = [];
    engine.statement('s0')?.subscribe((n) => out.push(n));
    const send = (s: string, i: number, l: number) =>
      engine.send(
        'SupportBean',
        { theString: s, intPrimitive: i, longPrimitive: l, boolPrimitive: false },
        l * 1000,
      );
    const expectNew = (rows: Row[] | null) => {
      expect(out.splice(0)).toEqual(rows === null ? [] : [rows]);
    };
    send('A', -1, 10);
    send('A', 1, 11);
    expectNew(null);
    send('A', 0, 12); // allocate context
    expectNew([{ theString: 'A', longPrimitive: 12, cnt: 1 }]);
    send('A', 0, 13); // counts towards the existing context, starts none
    expectNew([{ theString: 'A', longPrimitive: 13, cnt: 2 }]);
    send('A', -1, 14);
    expectNew([{ theString: 'A', longPrimitive: 14, cnt: 3 }]);
    send('A', 1, 15); // termination
    send('A', -1, 16);
    expectNew(null);
    send('A', 0, 17);
    expectNew([{ theString: 'A', longPrimitive: 17, cnt: 1 }]);
    send('A', -1, 18);
    expectNew([{ theString: 'A', longPrimitive: 18, cnt: 2 }]);
    send('B', 0, 19);
    expectNew([{ theString: 'B', longPrimitive: 19, cnt: 1 }]);
    send('B', -1, 20);
    expectNew([{ theString: 'B', longPrimitive: 20, cnt: 2 }]);
    send('A', 1, 21);
    send('B', 1, 22);
    send('A', -1, 23);
    send('B', -1, 24);
    expectNew(null);
    send('A', 0, 25);
    expectNew([{ theString: 'A', longPrimitive: 25, cnt: 1 }]);
    send('B', 0, 26);
    expectNew([{ theString: 'B', longPrimitive: 26, cnt: 1 }]);
  });

  it('refuses distinct without a stream name', () => {
    let messages: string[] = [];
    try {
      createEngine().deploy(
        `${SCHEMAS} create context C initiated by distinct(theString) SupportBean terminated after 15 seconds;`,
      );
    } catch (e) {
      messages = (e as { errors: { message: string }[] }).errors.map((x) => x.message);
    }
    expect(messages).toEqual([
      "Distinct-expressions require that a stream name is assigned to the stream using 'as'",
    ]);
  });
});

describe('explain', () => {
  it('shows initiating and terminating conditions, distinct values and crontabs as written', () => {
    const text = explainModule(`${SCHEMAS}
      create context K partition by theString from SupportBean initiated by SupportBean(intPrimitive = 0) as sb
        terminated by SupportBean(intPrimitive = sb.intPrimitive);
      create context D initiated by distinct(s.theString) SupportBean as s terminated (*/15, *, *, *, *);`);
    expect(text).toContain(
      'Define context K: keyed by theString from SupportBean; initiated by SupportBean((intPrimitive = 0)) as sb; terminated by SupportBean((intPrimitive = context.sb.intPrimitive))',
    );
    expect(text).toContain(
      'Define context D: overlapping: initiated by distinct(theString) SupportBean as s; terminated by (*/15, *, *, *, *)',
    );
  });
});
