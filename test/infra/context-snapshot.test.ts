/**
 * Snapshots of the context kinds added after the state contract: taken after any event, they
 * restore to the uninterrupted run's listener calls (timed starts and crontab ends, keyed
 * contexts with initiated/terminated by and their starting-event names, distinct values, pattern
 * conditions: the runs of their patterns, timers included).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectCutsRestore, timedEvents } from '../support/snapshot-cut.js';

const SCHEMAS = `create schema T(k string, v int);
create schema S(k string, v int);
`;

const streams = fc.array(
  fc.tuple(
    fc.constantFrom('T', 'T', 'S'),
    fc.constantFrom('a', 'b'),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 40_000 }),
  ),
  { minLength: 1, maxLength: 14 },
);

function checkCuts(epl: string, runs: number): void {
  fc.assert(
    fc.property(streams, (items) => {
      expectCutsRestore(
        SCHEMAS + epl,
        timedEvents(items, (_type, k, v) => ({ k, v })),
        120_000,
      );
    }),
    { numRuns: runs },
  );
}

describe('snapshot of context partitions (new kinds)', () => {
  it('start after a period, end by crontab (every minute)', () => {
    checkCuts(
      `create context C start after 10 sec end (*, *, *, *, *);
       @name('s') context C select count(*) as n, context.startTime as st from T output snapshot when terminated;`,
      10,
    );
  });

  it('keyed, initiated and terminated by filters reading the starting event, terminated after', () => {
    checkCuts(
      `create context K partition by k from T, k from S initiated by T(v = 0) as t terminated by S(v = t.v);
       @name('s') context K select k, context.t.v as tv, count(*) as n from T output last when terminated;
       create context L partition by k from T terminated after 30 sec;
       @name('l') context L select k, sum(v) as total from T output snapshot when terminated;`,
      10,
    );
  });

  it('initiated by distinct, overlapping, ended by a crontab', () => {
    checkCuts(
      `create context D initiated by distinct(t.k) T(v > 1) as t terminated (*, *, *, *, *);
       @name('s') context D select context.t.k as key, count(*) as n from T output last when terminated;`,
      10,
    );
  });

  it('start and end patterns with timers inside, @inclusive (non-overlapping)', () => {
    checkCuts(
      `create context C start pattern [a=T(v > 0) -> b=S(k = a.k) where timer:within(20 sec)] @inclusive
         end pattern [S(k = a.k, v = 0) or timer:interval(15 sec)];
       @name('s') context C select context.a.v as av, context.b.v as bv, count(*) as n from T output snapshot when terminated;`,
      10,
    );
  });

  it('initiated by an every pattern, terminated by a correlated pattern (overlapping)', () => {
    checkCuts(
      `create context O initiated by pattern [every a=T(v = 1) -> b=T(k = a.k)] terminated by pattern [S(k = a.k) -> S(k = b.k)];
       @name('s') context O select context.a.k as key, sum(v) as total from T output last when terminated;`,
      10,
    );
  });

  it('named matches: the start match read by the end pattern and the statements', () => {
    checkCuts(
      `create context M start pattern [a=T(v > 0) -> b=S(k = a.k)] as m end pattern [S(k = m.a.k, v = 0) or timer:interval(20 sec)] as e;
       @name('s') context M select context.m.a.v as av, context.m.b.v as bv, count(*) as n from T output snapshot when terminated;`,
      10,
    );
  });

  it('keyed, terminated by a pattern reading the starting event', () => {
    checkCuts(
      `create context K partition by k from T, k from S initiated by T(v = 0) as t
         terminated by pattern [S(v = t.v) -> T where timer:within(10 sec)];
       @name('s') context K select k, count(*) as n from T output last when terminated;`,
      10,
    );
  });
});
