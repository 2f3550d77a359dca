/**
 * Tables through the public API, against expectations derived by hand from Esper's table
 * semantics: `into table` aggregates into the rows (a row per group, kept when its events are
 * gone), `T[k].col` reads a row, `on` actions find rows by primary key and change them, and a
 * deleted row comes back with fresh aggregations on its key's next event.
 */
import { describe, expect, it } from 'vitest';
import { explainModule } from '../../src/index.js';
import { SCHEMAS, deploy, errorsOf, probe, record, tick } from '../support/infra-harness.js';

const TOTALS = `
  create table Totals(sym string primary key, n count(*), total sum(long), hi maxever(double), mean avg(double));
  @name('into') into table Totals
    select count(*) as n, sum(qty) as total, maxever(px) as hi, avg(px) as mean from Tick#length(2) group by sym;
  @name('get') select p.sym as sym, Totals[p.sym].n as n, Totals[p.sym].total as total,
    Totals[p.sym].hi as hi, Totals[p.sym].mean as mean from Probe as p;
`;

describe('into table and T[key].col', () => {
  it('aggregates into one row per key; a row stays (count 0) when its events have left the window', () => {
    const engine = deploy(TOTALS);
    const calls = record(engine, 'into', 'get');
    tick(engine, 1, 'A', 10, 1);
    tick(engine, 2, 'A', 20, 2);
    // B enters, A(10, 1) leaves the length(2) window: B's row first (new events first).
    tick(engine, 3, 'B', 5, 7);
    probe(engine, 4, 'A', 0);
    probe(engine, 5, 'C', 0);
    // A(20, 2) leaves: A counts 0, its sum and average are null, maxever keeps 20.
    tick(engine, 6, 'C', 1, 1);
    probe(engine, 7, 'A', 0);
    expect(calls.into).toEqual([
      { time: 1, new: [{ n: 1, total: 1, hi: 10, mean: 10 }], old: null },
      { time: 2, new: [{ n: 2, total: 3, hi: 20, mean: 15 }], old: null },
      {
        time: 3,
        new: [
          { n: 1, total: 7, hi: 5, mean: 5 },
          { n: 1, total: 2, hi: 20, mean: 20 },
        ],
        old: null,
      },
      {
        time: 6,
        new: [
          { n: 1, total: 1, hi: 1, mean: 1 },
          { n: 0, total: null, hi: 20, mean: null },
        ],
        old: null,
      },
    ]);
    expect(calls.get).toEqual([
      { time: 4, new: [{ sym: 'A', n: 1, total: 2, hi: 20, mean: 20 }], old: null },
      { time: 5, new: [{ sym: 'C', n: null, total: null, hi: null, mean: null }], old: null },
      { time: 7, new: [{ sym: 'A', n: 0, total: null, hi: 20, mean: null }], old: null },
    ]);
  });

  it('a deleted row comes back with fresh aggregations, even from an event leaving the window', () => {
    const engine = deploy(`${TOTALS}
      @name('del') on Probe(px < 0) as p delete from Totals as t where t.sym = p.sym;`);
    const calls = record(engine, 'del', 'get', 'into');
    tick(engine, 1, 'A', 10, 1);
    tick(engine, 2, 'A', 20, 2);
    probe(engine, 3, 'A', -1);
    probe(engine, 4, 'A', 0);
    // A(10, 1) leaves: Esper creates the row again and applies the leave to fresh aggregators.
    tick(engine, 5, 'B', 1, 1);
    probe(engine, 6, 'A', 0);
    expect(calls.del).toEqual([
      { time: 3, new: [{ sym: 'A', n: 2, total: 3, hi: 20, mean: 15 }], old: null },
    ]);
    // 'del' filters its stream, so Esper reaches it before 'get' for the same Probe; count
    // applies a table leave without a floor at zero (AggregatorCount.applyTableLeave).
    expect(calls.get).toEqual([
      { time: 3, new: [{ sym: 'A', n: null, total: null, hi: null, mean: null }], old: null },
      { time: 4, new: [{ sym: 'A', n: null, total: null, hi: null, mean: null }], old: null },
      { time: 6, new: [{ sym: 'A', n: -1, total: null, hi: null, mean: null }], old: null },
    ]);
  });

  it('a table without primary key has one row, read as T.col', () => {
    const engine = deploy(`
      create table Overall(n count(*), lo minever(double));
      into table Overall select count(*) as n, minever(px) as lo from Tick;
      @name('get') select Overall.n as n, Overall.lo as lo from Probe;`);
    const calls = record(engine, 'get');
    probe(engine, 1, 'X', 0);
    tick(engine, 2, 'A', 7, 1);
    tick(engine, 3, 'B', 3, 1);
    tick(engine, 4, 'C', 9, 1);
    probe(engine, 5, 'X', 0);
    expect(calls.get).toEqual([
      { time: 1, new: [{ n: null, lo: null }], old: null },
      { time: 5, new: [{ n: 3, lo: 3 }], old: null },
    ]);
  });
});

describe('on actions against tables', () => {
  it('merge inserts and updates by primary key, select scans, delete removes', () => {
    const engine = deploy(`
      create table Last(sym string primary key, px double, hits long);
      @name('m') on Tick as t merge Last as l where l.sym = t.sym
        when matched then update set px = t.px, hits = l.hits + 1
        when not matched then insert select t.sym as sym, t.px as px, 1L as hits;
      @name('d') on Probe(px < 0) as p delete from Last as l where l.sym = p.sym;
      @name('s') on Probe(px >= 0) as p select l.sym as sym, l.px as px, l.hits as hits from Last as l where l.hits >= 1;`);
    const calls = record(engine, 'm', 'd', 's');
    tick(engine, 1, 'A', 10, 0);
    tick(engine, 2, 'A', 11, 0);
    tick(engine, 3, 'B', 5, 0);
    probe(engine, 4, 'A', 0);
    probe(engine, 5, 'A', -1);
    probe(engine, 6, 'A', 0);
    tick(engine, 7, 'A', 12, 0);
    expect(calls.m).toEqual([
      { time: 1, new: [{ sym: 'A', px: 10, hits: 1 }], old: null },
      { time: 2, new: [{ sym: 'A', px: 11, hits: 2 }], old: [{ sym: 'A', px: 10, hits: 1 }] },
      { time: 3, new: [{ sym: 'B', px: 5, hits: 1 }], old: null },
      { time: 7, new: [{ sym: 'A', px: 12, hits: 1 }], old: null },
    ]);
    expect(calls.d).toEqual([{ time: 5, new: [{ sym: 'A', px: 11, hits: 2 }], old: null }]);
    expect(calls.s).toEqual([
      {
        time: 4,
        new: [
          { sym: 'A', px: 11, hits: 2 },
          { sym: 'B', px: 5, hits: 1 },
        ],
        old: null,
      },
      { time: 6, new: [{ sym: 'B', px: 5, hits: 1 }], old: null },
    ]);
  });

  it('an update keeps the aggregations of a row', () => {
    const engine = deploy(`
      create table T(sym string primary key, note string, n count(*));
      into table T select count(*) as n from Tick group by sym;
      on Probe as p update T as t set note = 'seen' where t.sym = p.sym;
      @name('get') select T[p.sym].note as note, T[p.sym].n as n from Probe as p;`);
    const calls = record(engine, 'get');
    tick(engine, 1, 'A', 1, 1);
    tick(engine, 2, 'A', 1, 1);
    probe(engine, 3, 'A', 0);
    tick(engine, 4, 'A', 1, 1);
    probe(engine, 5, 'A', 0);
    // The update statement was deployed before 'get', so it runs first for each Probe.
    expect(calls.get).toEqual([
      { time: 3, new: [{ note: 'seen', n: 2 }], old: null },
      { time: 5, new: [{ note: 'seen', n: 3 }], old: null },
    ]);
  });

  it('explain shows the primary-key lookup and the table the groups live in', () => {
    const text = explainModule(`${SCHEMAS}${TOTALS}
      @name('s') on Probe as p select t.n as n from Totals as t where t.sym = p.sym;`);
    expect(text).toContain('into table Totals (n=$agg0, total=$agg1, hi=$agg2, mean=$agg3)');
    expect(text).toContain('groups are the rows of table Totals');
    expect(text).toContain('via index Totals(primary key)(sym hash) unique keys sym = p.sym');
  });
});

describe('undeploy', () => {
  it('refuses to undeploy a create statement while another statement reads what it created', () => {
    const engine = deploy(`
      @name('t') create table T(sym string primary key, n count(*));
      @name('w') into table T select count(*) as n from Tick group by sym;
      @name('v') create window W#keepall as Tick;
      @name('c') select count(*) as n from W;`);
    expect(() => engine.statement('t')?.undeploy()).toThrow(
      "Cannot undeploy statement 't': statement 'w' reads table 'T', which only 't' provides; undeploy it first",
    );
    expect(() => engine.statement('v')?.undeploy()).toThrow(
      "Cannot undeploy statement 'v': statement 'c' reads named window 'W', which only 'v' provides; undeploy it first",
    );
    engine.statement('w')?.undeploy();
    engine.statement('t')?.undeploy();
    expect(engine.statement('t')).toBeUndefined();
  });
});

describe('table errors', () => {
  it('says what is wrong with a table or a statement writing into it', () => {
    expect(errorsOf('create table T(k string primary key, n count(*), k long);')).toEqual([
      "analyze/duplicate-schema: Column 'k' appears twice in table 'T'",
    ]);
    expect(errorsOf('create table T(k string primary key, n nosuch(int));')).toEqual([
      "analyze/unknown-function: Unknown aggregation function 'nosuch'",
    ]);
    expect(errorsOf('create table T(k string primary key, n sum(*));')[0]).toMatch(
      /^analyze\/invalid-aggregate: sum\(.*\) in table 'T' needs an argument type, not \*/,
    );
    const table = 'create table T(k string primary key, n count(*), s sum(double));';
    expect(errorsOf(`${table} into table T select count(*) as n from Tick;`)).toEqual([
      "analyze/invalid-group-by: Table 'T' has primary key k: the statement writing into it must group by 1 expression(s), it groups by 0",
    ]);
    expect(errorsOf(`${table} into table T select sum(px) as n from Tick group by sym;`)).toEqual([
      "analyze/invalid-aggregate: Column 'n' of table 'T' is count(*): it cannot hold sum(px)",
    ]);
    expect(errorsOf(`${table} into table T select count(*) as cnt from Tick group by sym;`)).toEqual([
      "analyze/invalid-aggregate: An aggregation written into table 'T' must be named as one of its aggregation columns (n, s); 'cnt' is none",
    ]);
    expect(errorsOf(`${table} into table T select count(*) as n from Tick group by qty;`)).toEqual([
      "analyze/type-mismatch: Group-by expression 1 is long, primary key 'k' of table 'T' is string",
    ]);
    expect(errorsOf('into table Nope select count(*) as n from Tick;')).toEqual([
      "analyze/unknown-stream: 'Nope' is not a table (create table Nope (…) first)",
    ]);
    expect(errorsOf(`${table} select T[1, 2].n from Tick;`)[0]).toMatch(/^analyze\/.*primary key/);
  });
});
