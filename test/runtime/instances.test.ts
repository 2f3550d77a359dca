/**
 * Statement instances stop completely on undeploy (no timer of theirs fires, their state
 * becomes unreachable), and the catalog refuses an undeploy that would leave a live statement
 * without the stream it reads.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WeirError, createEngine } from '../../src/index.js';
import { Catalog } from '../../src/runtime/catalog.js';

function thrownBy(fn: () => unknown): WeirError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WeirError) return e;
    throw e;
  }
  throw new Error('expected a WeirError');
}

describe('statement instances', () => {
  it('an undeployed statement has no pending timer and none of its timers fires', () => {
    const engine = createEngine();
    const [a, b] = engine.deploy(`
      create schema T(k string, v double);
      @name('a') select irstream * from T#time(5 sec);
      @name('b') select irstream k from T#time(7 sec);
    `);
    const calls: string[] = [];
    a?.subscribe((_n, o, c) => calls.push(`a ${c.time} ${o === null ? '' : 'old'}`));
    b?.subscribe((_n, o, c) => calls.push(`b ${c.time} ${o === null ? '' : 'old'}`));
    engine.send('T', { k: 'x', v: 1 }, 1000);
    expect(engine.stats().pendingTimers).toBe(2);
    a?.undeploy();
    expect(engine.stats().pendingTimers).toBe(1);
    engine.advanceTime(60_000);
    expect(calls).toEqual(['a 1000 ', 'b 1000 ', 'b 8000 old']);
    expect(engine.stats().pendingTimers).toBe(0);
  });

  it('a fused time window undeployed by its listener during an expiry step re-arms nothing', () => {
    const engine = createEngine();
    const [q] = engine.deploy(`
      create schema T(k string, v double);
      @name('q') select k, max(v) as m from T#time(1 sec) group by k;
    `);
    const calls: string[] = [];
    q?.subscribe((n, _o, c) => {
      calls.push(`${c.time} ${JSON.stringify(n)}`);
      // The expiry of x (its window's timer re-arms by returning the next due time).
      if (c.time === 2000) q.undeploy();
    });
    engine.send('T', { k: 'x', v: 1 }, 1000);
    engine.send('T', { k: 'y', v: 2 }, 1500);
    expect(engine.stats().pendingTimers).toBe(1);
    engine.advanceTime(2000);
    expect(engine.stats().pendingTimers).toBe(0);
    engine.advanceTime(60_000);
    expect(calls).toEqual(['1000 [{"k":"x","m":1}]', '1500 [{"k":"y","m":2}]', '2000 [{"k":"x","m":null}]']);
  });

  it('a window shared by two statements keeps feeding the one left', () => {
    const engine = createEngine();
    const [a, b] = engine.deploy(`
      create schema T(k string, v double);
      @name('a') select irstream * from T#length(2);
      @name('b') select irstream k from T#length(2);
    `);
    const calls: string[] = [];
    b?.subscribe((n, o) => calls.push(JSON.stringify([n, o])));
    engine.send('T', { k: 'x', v: 1 }, 1000);
    a?.undeploy();
    engine.send('T', { k: 'y', v: 2 }, 2000);
    engine.send('T', { k: 'z', v: 3 }, 3000);
    expect(calls).toEqual(['[[{"k":"x"}],null]', '[[{"k":"y"}],null]', '[[{"k":"z"}],[{"k":"x"}]]']);
  });

  it("an undeployed statement's state becomes unreachable (checked with a real GC in a child process)", () => {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, '../support/gc-undeploy.ts')],
      { encoding: 'utf8', cwd: join(import.meta.dirname, '../..') },
    );
    expect(JSON.parse(out)).toEqual({ whileRunning: true, afterUndeploy: false, pendingTimers: 0 });
  });

  it('undeploying the only producer of a stream a live statement reads is an error naming the reader', () => {
    const engine = createEngine();
    const [producer] = engine.deploy(`
      create schema T(k string, v double);
      @name('producer') insert into Big select k, v from T(v > 10);
    `);
    const [consumer] = engine.deploy(`@name('consumer') select count(*) as n from Big#length(5);`);
    const e = thrownBy(() => producer?.undeploy());
    expect(e.code).toBe('runtime/in-use');
    expect(e.message).toBe(
      "Cannot undeploy statement 'producer': statement 'consumer' reads stream 'Big', which only 'producer' provides; undeploy it first",
    );
    // Still running.
    const seen: unknown[] = [];
    consumer?.subscribe((n) => seen.push(n?.[0]));
    engine.send('T', { k: 'x', v: 11 }, 1000);
    expect(seen).toEqual([{ n: 1 }]);
    consumer?.undeploy();
    producer?.undeploy();
    expect(engine.statements()).toEqual([]);
  });

  it('a second producer makes the first removable', () => {
    const engine = createEngine();
    const [p1] = engine.deploy(`
      create schema T(k string, v double);
      @name('p1') insert into S select k from T;
      @name('p2') insert into S select k from T(v > 0);
      @name('c') select * from S;
    `);
    p1?.undeploy();
    expect(engine.statements().map((s) => s.name)).toEqual(['p2', 'c']);
  });
});

describe('catalog', () => {
  it('keeps named entries per kind, providers and users', () => {
    const catalog = new Catalog();
    catalog.provide('namedWindow', 'Orders', 'create-orders', { store: 1 });
    catalog.use('report', 'namedWindow', 'Orders');
    catalog.provide('table', 'Orders', 'create-table', { table: 1 });
    expect(catalog.get('namedWindow', 'Orders')).toEqual({ store: 1 });
    expect(catalog.get('table', 'Orders')).toEqual({ table: 1 });
    expect(catalog.dependents('create-orders')).toEqual([
      { kind: 'namedWindow', name: 'Orders', users: ['report'] },
    ]);
    expect(thrownBy(() => catalog.checkRemovable('create-orders')).message).toMatch(
      /statement 'report' reads named window 'Orders'/,
    );
    catalog.release('report');
    catalog.checkRemovable('create-orders');
    catalog.release('create-orders');
    expect(catalog.has('namedWindow', 'Orders')).toBe(false);
    expect(catalog.names('table')).toEqual(['Orders']);
  });
});
