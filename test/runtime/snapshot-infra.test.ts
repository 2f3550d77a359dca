/**
 * Snapshot/restore of the engine's shared state: named windows (their data window, explicit
 * and lookup-built indexes), tables (rows, plain columns, aggregation columns, the groups of
 * `into table` statements) and variables. Random streams, a cut at every event: the restored
 * engine continues with exactly the listener calls of the uninterrupted run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { expectCutsRestore, timedEvents } from '../support/snapshot-cut.js';

const SCHEMAS = `create schema T(k string, v int);
create schema D(k string);
create schema Q(k string, lo int);
`;

/** A random stream of T, D and Q events, 0–900 ms apart. */
const streams = fc.array(
  fc.tuple(
    fc.constantFrom('T', 'T', 'T', 'D', 'Q'),
    fc.constantFrom('a', 'b', 'c'),
    fc.integer({ min: -3, max: 9 }),
    fc.integer({ min: 0, max: 900 }),
  ),
  { minLength: 1, maxLength: 24 },
);

/** Every cut of every generated stream gives the uninterrupted run's calls. */
function checkEveryCut(epl: string, runs: number): void {
  fc.assert(
    fc.property(streams, (items) => {
      const events = timedEvents(items, (type, k, v) =>
        type === 'T' ? { k, v } : type === 'D' ? { k } : { k, lo: v },
      );
      expectCutsRestore(epl, events, 10_000);
    }),
    { numRuns: runs },
  );
}

describe('snapshot of named windows, tables and variables', () => {
  it('a batch named window with an explicit index, on-delete, on-select and a consumer', () => {
    checkEveryCut(
      `${SCHEMAS}
      @name('w') create window W#length_batch(3) as T;
      insert into W select * from T;
      create index WI on W(k);
      @name('del') on D delete from W as w where w.k = D.k;
      @name('sel') on Q select w.k as k, w.v as v from W as w where w.k = Q.k and w.v > Q.lo;
      @name('cons') select irstream k, count(*) as n from W group by k;`,
      15,
    );
  });

  it('a time named window updated in place, with a lookup-built index and a windowed consumer', () => {
    checkEveryCut(
      `${SCHEMAS}
      @name('tw') create window TW#time(2 sec) as T;
      insert into TW select * from T(v > 0);
      @name('upd') on D update TW as w set v = w.v + 100 where w.k = D.k;
      @name('sel') on Q select w.k as k, w.v as v from TW as w where w.v >= Q.lo;
      @name('cons') select irstream k, v from TW;`,
      15,
    );
  });

  it('a unique named window with on-merge (insert, update, delete)', () => {
    checkEveryCut(
      `${SCHEMAS}
      @name('u') create window U#unique(k) as T;
      @name('m') on T as t merge U as u where u.k = t.k
        when matched and t.v < 0 then delete
        when matched then update set v = u.v + t.v
        when not matched then insert select t.k as k, t.v as v;
      @name('sel') on Q select u.k as k, u.v as v from U as u;`,
      15,
    );
  });

  it('tables: into-table aggregation over a window, key reads, on-merge and on-delete of rows', () => {
    checkEveryCut(
      `${SCHEMAS}
      @name('tab') create table Tot(k string primary key, total sum(int), n count(*), hi maxever(int));
      @name('into') into table Tot select sum(v) as total, count(*) as n, maxever(v) as hi from T#length(4) group by k;
      @name('read') select D.k as k, Tot[D.k].total as total, Tot[D.k].n as n, Tot[D.k].hi as hi from D;
      @name('del') on Q delete from Tot as t where t.k = Q.k and t.total > Q.lo;
      @name('plain') create table Last(k string primary key, v int, hits long);
      @name('m') on T as t merge Last as l where l.k = t.k
        when matched then update set v = t.v, hits = l.hits + 1L
        when not matched then insert select t.k as k, t.v as v, 1L as hits;
      @name('sel') on D select l.k as k, l.v as v, l.hits as hits from Last as l where l.k = D.k;`,
      15,
    );
  });

  it('variables set by on-set and read in filters keep their values', () => {
    checkEveryCut(
      `${SCHEMAS}
      @name('var') create variable int floor = 2;
      @name('set') on Q set floor = Q.lo;
      @name('f') select k, v from T(v > floor);
      @name('g') select k, count(*) as n from T#length(3) where v <= floor group by k;`,
      15,
    );
  });

  it('setVariable through the API before the cut is kept', () => {
    const a = createEngine();
    a.deploy(`${SCHEMAS} create variable int floor = 2; @name('f') select v from T(v > floor);`);
    a.setVariable('floor', 5);
    const b = createEngine({ restore: a.snapshot() });
    expect(b.getVariable('floor')).toBe(5);
    const got: unknown[] = [];
    b.statement('f')?.subscribe((n) => got.push(n));
    b.send('T', { k: 'a', v: 4 }, 1000);
    b.send('T', { k: 'a', v: 6 }, 1000);
    expect(got).toEqual([[{ v: 6 }]]);
  });

  it('an undeployed named window stops: its expiry timers no longer fire', () => {
    const engine = createEngine();
    const [w] = engine.deploy(`${SCHEMAS} @name('w') create window W#time(1 sec) as T;`);
    engine.deploy(`@name('ins') insert into W select * from T;`);
    engine.send('T', { k: 'a', v: 1 }, 1000);
    expect(engine.stats().pendingTimers).toBe(1);
    engine.statement('ins')?.undeploy();
    w?.undeploy();
    expect(engine.stats().pendingTimers).toBe(0);
  });
});
