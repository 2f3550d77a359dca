/**
 * Named windows and tables as streams of a join, through the public API. Expectations are
 * derived by hand from Esper's rules: a named window in a join is a data window holding its
 * rows (its posts, dispatched at the end of the step, drive the join's insert and remove
 * streams; the join is preloaded with the rows it holds when the statement starts); a table
 * never posts and is read when the other streams' events are joined; an event stream joined
 * with tables only drives the join as if unidirectional.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainModule } from '../../src/index.js';
import { SCHEMAS, deploy, errorsOf, probe, record, tick } from '../support/infra-harness.js';
import { type CutEvent, runWithCut } from '../support/snapshot-cut.js';

describe('a named window in a join', () => {
  it("its inserts and removals are the join's insert and remove streams", () => {
    const engine = deploy(`
      @name('w') create window W#length(2) as Tick;
      insert into W select * from Tick;
      @name('j') select irstream p.sym as ps, w.qty as q from Probe#length(2) as p, W as w where p.sym = w.sym;
    `);
    const calls = record(engine, 'j');
    tick(engine, 1, 'A', 1, 10); // W [A10]; no probe yet
    probe(engine, 2, 'A', 0); // p [pA] meets A10
    tick(engine, 3, 'B', 2, 20); // W [A10 B20]: B20 meets no probe
    tick(engine, 4, 'A', 3, 30); // W [B20 A30]: A10 leaves (old), A30 arrives (new)
    probe(engine, 5, 'A', 0); // p [pA pA'] : pA' meets A30
    probe(engine, 6, 'Z', 0); // p [pA' pZ]: pA leaves, with its row of the window as it was
    expect(calls.j).toEqual([
      { time: 2, new: [{ ps: 'A', q: 10 }], old: null },
      { time: 4, new: [{ ps: 'A', q: 30 }], old: [{ ps: 'A', q: 10 }] },
      { time: 5, new: [{ ps: 'A', q: 30 }], old: null },
      { time: 6, new: null, old: [{ ps: 'A', q: 30 }] },
    ]);
  });

  for (const order of ['merge first', 'join first']) {
    it(`an event joins the window as it was before the changes it causes (${order})`, () => {
      const merge = `@name('m') on Tick as t merge W as w where w.sym = t.sym
          when matched then update set qty = w.qty + t.qty
          when not matched then insert select t.sym as sym, t.qty as qty;`;
      const join = `@name('j') select t.sym as s, w.qty as q from Tick as t unidirectional, W as w where w.sym = t.sym;`;
      const engine = deploy(`
        @name('w') create window W#keepall as (sym string, qty long);
        ${order === 'merge first' ? merge + join : join + merge}
      `);
      const calls = record(engine, 'j');
      tick(engine, 1, 'A', 0, 10); // inserts A10: the join saw no A yet
      tick(engine, 2, 'A', 0, 5); // joins A10, then A becomes 15
      tick(engine, 3, 'A', 0, 1); // joins A15
      expect(calls.j).toEqual([
        { time: 2, new: [{ s: 'A', q: 10 }], old: null },
        { time: 3, new: [{ s: 'A', q: 15 }], old: null },
      ]);
    });
  }

  it('a join deployed later starts from the rows the window holds', () => {
    const engine = deploy(`
      @name('w') create window W#keepall as Tick;
      insert into W select * from Tick;
    `);
    tick(engine, 1, 'A', 1, 10);
    tick(engine, 2, 'B', 2, 20);
    engine.deploy(
      `@name('j') select p.sym as s, w.qty as q from Probe as p unidirectional, W(qty > 10) as w where w.sym = p.sym;`,
    );
    const calls = record(engine, 'j');
    probe(engine, 3, 'A', 0); // A10 fails the consumer filter
    probe(engine, 4, 'B', 0);
    expect(calls.j).toEqual([{ time: 4, new: [{ s: 'B', q: 20 }], old: null }]);
  });

  it('an on delete removes rows from the join (remove stream) and a self-join runs once per dispatch', () => {
    const engine = deploy(`
      @name('w') create window W#keepall as Tick;
      insert into W select * from Tick;
      on Probe as p delete from W as w where w.sym = p.sym;
      @name('j') select irstream a.qty as x, b.qty as y from W as a, W as b where a.sym = b.sym and a.qty < b.qty;
    `);
    const calls = record(engine, 'j');
    tick(engine, 1, 'A', 0, 1);
    tick(engine, 2, 'A', 0, 2); // (1,2)
    tick(engine, 3, 'B', 0, 5);
    probe(engine, 4, 'A', 0); // both A rows leave: (1,2) is old, once
    expect(calls.j).toEqual([
      { time: 2, new: [{ x: 1, y: 2 }], old: null },
      { time: 4, new: null, old: [{ x: 1, y: 2 }] },
    ]);
  });

  it('left outer join: an event without window partner makes a row of its own', () => {
    const engine = deploy(`
      create window W#unique(sym) as Tick;
      insert into W select * from Tick;
      @name('j') select p.sym as s, w.qty as q from Probe as p unidirectional left outer join W as w on p.sym = w.sym;
    `);
    const calls = record(engine, 'j');
    tick(engine, 1, 'A', 0, 7);
    probe(engine, 2, 'A', 0);
    probe(engine, 3, 'B', 0);
    expect(calls.j?.map((c) => c.new)).toEqual([[{ s: 'A', q: 7 }], [{ s: 'B', q: null }]]);
  });
});

describe('a table in a join', () => {
  const TABLE = `
    create table T(sym string primary key, total sum(long));
    into table T select sum(qty) as total from Tick group by sym;
  `;

  it('is read when the other stream joins; the event stream drives the join by itself', () => {
    const engine = deploy(`${TABLE}
      @name('j') select p.sym as s, t.total as tot from Probe as p, T as t where t.sym = p.sym;
    `);
    const calls = record(engine, 'j');
    tick(engine, 1, 'A', 0, 10);
    tick(engine, 2, 'A', 0, 5);
    probe(engine, 3, 'A', 0);
    probe(engine, 4, 'B', 0);
    tick(engine, 5, 'B', 0, 7); // a table change posts nothing to the join
    probe(engine, 6, 'B', 0);
    expect(calls.j).toEqual([
      { time: 3, new: [{ s: 'A', tot: 15 }], old: null },
      { time: 6, new: [{ s: 'B', tot: 7 }], old: null },
    ]);
  });

  it("a windowed stream's remove stream reads the table as it is when the event leaves", () => {
    const engine = deploy(`${TABLE}
      @name('j') select irstream p.sym as s, t.total as tot from Probe#length(1) as p, T as t where t.sym = p.sym;
    `);
    const calls = record(engine, 'j');
    tick(engine, 1, 'A', 0, 10);
    probe(engine, 2, 'A', 0);
    tick(engine, 3, 'A', 0, 1);
    probe(engine, 4, 'C', 0); // pA leaves: joined with A's row now (11)
    expect(calls.j).toEqual([
      { time: 2, new: [{ s: 'A', tot: 10 }], old: null },
      { time: 4, new: null, old: [{ s: 'A', tot: 11 }] },
    ]);
  });

  it('outer join, a non-key lookup (scan), a table filter and an unkeyed table', () => {
    const engine = deploy(`${TABLE}
      create table Totals(n count(*));
      into table Totals select count(*) as n from Tick;
      @name('o') select p.sym as s, t.total as tot from Probe as p unidirectional left outer join T as t on p.sym = t.sym;
      @name('scan') select p.sym as s, t.sym as ts from Probe as p, T(total > 5) as t where t.total = p.px;
      @name('one') select n from Probe, Totals;
    `);
    const calls = record(engine, 'o', 'scan', 'one');
    tick(engine, 1, 'A', 0, 10);
    tick(engine, 2, 'B', 0, 3);
    probe(engine, 3, 'B', 10); // o: B3; scan: A (total 10 = 10)
    probe(engine, 4, 'Z', 3); // o: Z null; scan: B has 3 but fails total > 5
    expect(calls.o?.map((c) => c.new)).toEqual([[{ s: 'B', tot: 3 }], [{ s: 'Z', tot: null }]]);
    expect(calls.scan?.map((c) => c.new)).toEqual([[{ s: 'B', ts: 'A' }]]);
    expect(calls.one?.map((c) => c.new)).toEqual([[{ n: 2 }], [{ n: 2 }]]);
  });

  it('explain shows the primary-key lookup and the scan', () => {
    const text = explainModule(`${SCHEMAS}${TABLE}
      @name('j') select * from Probe as p, T as t where t.sym = p.sym;
      @name('k') select * from Probe as p, T as t where t.total = p.px;
    `);
    expect(text).toContain('p→t[table T primary key t.sym=p.sym]');
    expect(text).toContain('p→t[table T scan where t.total=p.px]');
  });

  it('refuses a window or unidirectional on a table', () => {
    expect(errorsOf(`${TABLE} select * from Probe#length(2) as p, T#length(2) as t;`)).toEqual([
      "analyze/invalid-join: 'T' is a table: it cannot declare a data window (#length); the join reads its current rows",
    ]);
    expect(errorsOf(`${TABLE} select * from Probe#length(2) as p, T as t unidirectional;`)).toEqual([
      "analyze/invalid-join: 'T' is a table: it cannot be unidirectional (a table never triggers a join; the other streams' events read it)",
    ]);
  });
});

describe('named windows and tables as subquery sources', () => {
  it('a correlated subquery over a named window sees its rows (after deletes too)', () => {
    const engine = deploy(`
      create window W#keepall as Tick;
      insert into W select * from Tick;
      on Probe(px < 0) as p delete from W as w where w.sym = p.sym;
      @name('q') select p.sym as s, (select sum(qty) from W as w where w.sym = p.sym) as total,
        exists (select * from W as w where w.sym = p.sym and w.qty > 5) as big from Probe(px >= 0) as p;
    `);
    const calls = record(engine, 'q');
    tick(engine, 1, 'A', 1, 10);
    tick(engine, 2, 'A', 2, 3);
    tick(engine, 3, 'B', 1, 2);
    probe(engine, 4, 'A', 0);
    probe(engine, 5, 'B', 0);
    probe(engine, 6, 'C', 0);
    probe(engine, 7, 'A', -1); // deletes A's rows
    probe(engine, 8, 'A', 0);
    expect(calls.q?.map((c) => c.new?.[0])).toEqual([
      { s: 'A', total: 13, big: true },
      { s: 'B', total: 2, big: false },
      { s: 'C', total: null, big: false },
      { s: 'A', total: null, big: false },
    ]);
  });

  it('an uncorrelated aggregation follows the posts; an event reads the window before its own insert', () => {
    const engine = deploy(`
      create window W#length(2) as Tick;
      insert into W select * from Tick;
      @name('q') select sym, (select count(*) from W) as n, (select max(qty) from W(px > 1)) as top from Tick;
    `);
    const calls = record(engine, 'q');
    tick(engine, 1, 'A', 1, 10);
    tick(engine, 2, 'B', 2, 3);
    tick(engine, 3, 'C', 3, 7);
    tick(engine, 4, 'D', 1, 1); // W [B C] when D is processed
    expect(calls.q?.map((c) => c.new?.[0])).toEqual([
      { sym: 'A', n: 0, top: null },
      { sym: 'B', n: 1, top: null },
      { sym: 'C', n: 2, top: 3 },
      { sym: 'D', n: 2, top: 7 },
    ]);
  });

  it('a statement deployed later starts from the rows the window holds', () => {
    const engine = deploy(`
      create window W#keepall as Tick;
      insert into W select * from Tick;
    `);
    tick(engine, 1, 'A', 1, 10);
    tick(engine, 2, 'B', 2, 20);
    engine.deploy(
      `@name('q') select (select count(*) from W) as n, (select qty from W as w where w.sym = p.sym) as q from Probe as p;`,
    );
    const calls = record(engine, 'q');
    probe(engine, 3, 'B', 0);
    expect(calls.q?.map((c) => c.new?.[0])).toEqual([{ n: 2, q: 20 }]);
  });

  it('a subquery over a table reads its current rows', () => {
    const engine = deploy(`
      create table T(sym string primary key, total sum(long));
      into table T select sum(qty) as total from Tick group by sym;
      @name('q') select p.sym as s, (select total from T as t where t.sym = p.sym) as tot,
        p.sym in (select sym from T) as known, (select sum(total) from T) as grand from Probe as p;
    `);
    const calls = record(engine, 'q');
    tick(engine, 1, 'A', 0, 10);
    tick(engine, 2, 'B', 0, 5);
    probe(engine, 3, 'A', 0);
    probe(engine, 4, 'Z', 0);
    tick(engine, 5, 'A', 0, 1);
    probe(engine, 6, 'A', 0);
    expect(calls.q?.map((c) => c.new?.[0])).toEqual([
      { s: 'A', tot: 10, known: true, grand: 15 },
      { s: 'Z', tot: null, known: false, grand: 15 },
      { s: 'A', tot: 11, known: true, grand: 16 },
    ]);
  });

  it('explain shows the subqueries’ sources and lookups', () => {
    const text = explainModule(`${SCHEMAS}
      create window W#keepall as Tick;
      create table T(sym string primary key, total sum(long));
      @name('q') select (select qty from W as w where w.sym = p.sym) as a,
        (select total from T as t where t.sym = p.sym) as b from Probe as p;
    `);
    expect(text).toContain('subquery#0 W (named window) as w: hash index on w.sym = $p[0]');
    expect(text).toContain('subquery#1 T (table) as t: primary key t.sym = $p[0]');
    expect(text).toContain('named window W posts (from its rows at start)');
    expect(text).toContain('table T read per evaluation → primary-key read (t.sym)');
  });

  it('refuses a data window on a table in a subquery', () => {
    expect(
      errorsOf(`create table T(sym string primary key, total sum(long));
        select (select total from T#length(2)) as x from Probe;`),
    ).toEqual([
      "analyze/invalid-subquery: 'T' is a table: a subquery reads its current rows and cannot declare a data window (#length)",
    ]);
  });
});

describe('snapshot of joins and subqueries over named windows and tables', () => {
  const events = (items: readonly [string, string, number][]): CutEvent[] =>
    items.map(([type, sym, v], i) => ({
      type,
      ts: 1000 + i * 300,
      data: type === 'Tick' ? { sym, px: v, qty: v } : { sym, px: v },
    }));

  it('every cut restores to the uninterrupted run', () => {
    const epl = `${SCHEMAS}
      @name('w') create window W#time(2 sec) as Tick;
      insert into W select * from Tick;
      create table T(sym string primary key, total sum(long));
      into table T select sum(qty) as total from Tick group by sym;
      @name('del') on Probe(px < 0) as p delete from W as w where w.sym = p.sym;
      @name('j') select irstream p.sym as s, w.qty as q, t.total as tot
        from Probe#length(2) as p, W as w, T as t where w.sym = p.sym and t.sym = p.sym;
      @name('self') select irstream a.qty as x, b.qty as y from W as a, W as b where a.sym = b.sym and a.qty < b.qty;
      @name('sq') select (select count(*) from W as w where w.sym = p.sym) as n,
        (select total from T as t where t.sym = p.sym) as tot from Probe as p;`;
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('Tick', 'Tick', 'Probe'),
            fc.constantFrom('A', 'B'),
            fc.integer({ min: -2, max: 9 }),
          ),
          { minLength: 1, maxLength: 12 },
        ),
        (items) => {
          const list = events(items);
          for (let cut = 0; cut <= list.length; cut++) {
            const run = runWithCut(epl, list, cut, { endTime: 1000 + list.length * 300 + 5000 });
            expect(run.interrupted, `cut after ${cut} events`).toEqual(run.straight);
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
