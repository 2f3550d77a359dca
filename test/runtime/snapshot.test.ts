/**
 * engine.snapshot() / createEngine({ restore }): a restored engine makes exactly the listener
 * calls the snapshotted one would have made; bad bytes give typed errors and build nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Engine, WeirError, createEngine, explainModule } from '../../src/index.js';
import { SNAPSHOT_VERSION } from '../../src/runtime/snapshot/codec.js';
import { PartListWriter } from '../../src/runtime/snapshot/part-list.js';
import {
  EventTableWriter,
  findNegativeZeros,
  restoreNegativeZeros,
} from '../../src/runtime/snapshot/state-io.js';
import { type CutEvent, runWithCut } from '../support/snapshot-cut.js';

const SCHEMA = 'create schema T(k string, v double);';

function events(times: readonly number[]): CutEvent[] {
  return times.map((ts, i) => ({ type: 'T', ts, data: { k: `k${i % 3}`, v: i } }));
}

function thrownBy(fn: () => unknown): WeirError {
  try {
    fn();
  } catch (e) {
    if (e instanceof WeirError) return e;
    throw e;
  }
  throw new Error('expected a WeirError');
}

function snapshotOf(epl: string, times: readonly number[], options = {}): Uint8Array {
  const engine = createEngine(options);
  engine.deploy(epl);
  for (const e of events(times)) engine.send(e.type, e.data, e.ts);
  return engine.snapshot();
}

describe('engine snapshot and restore', () => {
  it('a time window cut at any event continues exactly (expiry timers pending across the cut)', () => {
    const epl = `${SCHEMA} @name('w') select irstream * from T#time(2 sec); @name('x') select * from T(v > 3)#time(1 sec);`;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1500 }), { maxLength: 30 }), fc.nat(), (gaps, seed) => {
        let t = 1000;
        const times = gaps.map((g) => {
          t += g;
          return t;
        });
        const run = runWithCut(epl, events(times), seed % (times.length + 1), { endTime: t + 5000 });
        expect(run.interrupted).toEqual(run.straight);
      }),
      { numRuns: 60 },
    );
  });

  it('aggregations (row for all, per group, per event; every aggregate function) continue exactly', () => {
    const epl = `${SCHEMA}
      @name('all') select irstream count(*) as n, sum(v) as s, avg(v) as a, min(v) as lo, max(v) as hi,
        stddev(v) as sd, avedev(v) as ad, median(v) as md, count(distinct k) as dk from T#time(3 sec);
      @name('grouped') select irstream k, sum(v) as s, first(v) as f, last(v) as l, window(v) as w
        from T#time(2 sec) group by k;
      @name('mixed') select k, v, avg(v) as a from T#time(2 sec);
      @name('forever') select k, count(*) as n, sum(distinct v) as s from T group by k;`;
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 900 }), v: fc.integer({ min: -5, max: 5 }) }), {
          maxLength: 30,
        }),
        fc.nat(),
        (steps, seed) => {
          let t = 1000;
          const evs: CutEvent[] = steps.map((s, i) => {
            t += s.gap;
            return { type: 'T', ts: t, data: { k: `k${i % 3}`, v: s.v / 2 } };
          });
          const run = runWithCut(epl, evs, seed % (evs.length + 1), {
            engine: { columnarAggregation: false },
            endTime: t + 5000,
          });
          expect(run.interrupted).toEqual(run.straight);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the fused columnar aggregation continues exactly (ring entries, groups, batch lists, expiry timer)', () => {
    const epl = `${SCHEMA}
      @name('time-all') select irstream count(*) as n, sum(v) as s, avg(v) as a, min(v) as lo from T#time(2 sec);
      @name('time-grouped') select k, sum(v) as s, max(v) as hi from T#time(1500 msec) group by k;
      @name('length-grouped') select irstream k, avg(v) as a, count(*) as n from T#length(4) group by k;
      @name('length-all') select sum(v) as s, max(v) as hi from T#length(3);
      @name('batch-grouped') select k, sum(v) as s, count(*) as n from T#length_batch(3) group by k;
      @name('batch-old') select irstream k, sum(v) as s from T#length_batch(2) group by k;
      @name('batch-all') select irstream avg(v) as a, count(*) as n from T#length_batch(4);
      @name('batch-kept') select k, stddev(v) as sd, avg(v) as a from T#length_batch(5) group by k;`;
    const explained = explainModule(epl);
    expect(explained.match(/ColumnarAggregation/g)?.length ?? 0).toBeGreaterThanOrEqual(8);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ gap: fc.integer({ min: 0, max: 900 }), v: fc.option(fc.integer({ min: -5, max: 5 })) }),
          { maxLength: 30 },
        ),
        fc.nat(),
        (steps, seed) => {
          let t = 1000;
          const evs: CutEvent[] = steps.map((s, i) => {
            t += s.gap;
            return { type: 'T', ts: t, data: { k: `k${i % 3}`, v: s.v === null ? null : s.v / 2 } };
          });
          const run = runWithCut(epl, evs, seed % (evs.length + 1), { endTime: t + 5000 });
          expect(run.interrupted).toEqual(run.straight);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('joins continue exactly (index buckets in order, scans, several keys, unidirectional)', () => {
    const epl = `create schema A(k string, j int, v double); create schema B(k string, j int, w double);
      @name('eq') select irstream a.k as k, a.v as v, b.w as w from A#time(2 sec) as a, B#time(3 sec) as b where a.k = b.k;
      @name('two-keys') select a.v as v, b.w as w from A#time(2 sec) as a, B#time(1 sec) as b where a.k = b.k and a.j = b.j;
      @name('scan') select irstream a.v as v, b.w as w from A#time(1 sec) as a, B#time(2 sec) as b where a.v < b.w;
      @name('uni') select a.v as v, b.w as w from A as a unidirectional, B#time(2 sec) as b where a.k = b.k;
      @name('agg') select a.k as k, sum(b.w) as s from A#time(2 sec) as a, B#time(2 sec) as b where a.k = b.k group by a.k;`;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 700 }),
            b: fc.boolean(),
            k: fc.constantFrom('x', 'y', 'z'),
            j: fc.integer({ min: 0, max: 1 }),
            v: fc.integer({ min: -3, max: 3 }),
          }),
          { maxLength: 30 },
        ),
        fc.nat(),
        (steps, seed) => {
          let t = 1000;
          const evs: CutEvent[] = steps.map((s) => {
            t += s.gap;
            return s.b
              ? { type: 'B', ts: t, data: { k: s.k, j: s.j, w: s.v } }
              : { type: 'A', ts: t, data: { k: s.k, j: s.j, v: s.v } };
          });
          const run = runWithCut(epl, evs, seed % (evs.length + 1), {
            engine: { columnarAggregation: false },
            endTime: t + 5000,
          });
          expect(run.interrupted).toEqual(run.straight);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('round trip through a file and a second process', () => {
    const epl = `${SCHEMA}
      @name('w') select irstream k, count(*) as n, avg(v) as a from T#time(2 sec) group by k;
      @name('j') select a.k as k, b.v as v from T#time(1 sec) as a, T#time(1 sec) as b where a.k = b.k and a.v < b.v;`;
    const all = events(Array.from({ length: 40 }, (_, i) => 1000 + i * 137));
    const cut = 23;
    const run = runWithCut(epl, all, cut, { endTime: 20_000 });
    expect(run.interrupted).toEqual(run.straight);
    // The same cut, continued in another process from the snapshot file.
    const engine = createEngine();
    engine.deploy(epl);
    const before: string[] = [];
    for (const s of engine.statements()) {
      s.subscribe((n, o, c) => before.push(JSON.stringify([c.statement, c.time, n, o])));
    }
    for (const e of all.slice(0, cut)) engine.send(e.type, e.data, e.ts);
    const dir = mkdtempSync(join(tmpdir(), 'weir-snapshot-'));
    writeFileSync(join(dir, 'state.weirsnap'), engine.snapshot());
    writeFileSync(
      join(dir, 'rest.ndjson'),
      all
        .slice(cut)
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, '../support/restore-child.ts'),
        join(dir, 'state.weirsnap'),
        join(dir, 'rest.ndjson'),
        '20000',
      ],
      { encoding: 'utf8', cwd: join(import.meta.dirname, '../..') },
    );
    const after = out.split('\n').filter((l) => l !== '');
    expect(after.length).toBeGreaterThan(10);
    expect([...before, ...after]).toEqual(run.straight);
  });

  it('keeps events waiting in the event-time buffer, in order', () => {
    const epl = `${SCHEMA} @name('w') select irstream * from T#time(2 sec);`;
    const times = [1000, 3000, 2000, 2500, 6000, 4000, 9000];
    for (let cut = 0; cut <= times.length; cut++) {
      const run = runWithCut(epl, events(times), cut, { engine: { allowedLateness: 2500 }, endTime: 20_000 });
      expect(run.interrupted, `cut at ${cut}`).toEqual(run.straight);
    }
  });

  it('restores statements that had not started (no event yet) and undeployed ones stay gone', () => {
    const a = createEngine();
    const [x] = a.deploy(`${SCHEMA} @name('x') select * from T#time(1 sec);`);
    a.deploy(`@name('y') select irstream * from T#time(1 sec);`);
    x?.undeploy();
    // The name is free again: a later deployment reuses it.
    a.deploy(`@name('x') select irstream k from T#time(3 sec);`);
    const b = createEngine({ restore: a.snapshot() });
    expect(b.statements().map((s) => s.name)).toEqual(['y', 'x']);
    expect(b.statement('x')?.text).toContain('#time(3 sec)');
    const calls: string[] = [];
    b.statement('x')?.subscribe((n, o, c) => calls.push(JSON.stringify([c.time, n, o])));
    b.send('T', { k: 'a', v: 1 }, 1000);
    b.advanceTime(10_000);
    expect(calls).toEqual(['[1000,[{"k":"a"}],null]', '[4000,null,[{"k":"a"}]]']);
  });

  it('an event held by two windows is restored as one object', () => {
    const a = createEngine();
    a.deploy(
      `${SCHEMA} @name('p') select irstream * from T#time(5 sec); @name('q') select irstream * from T#time(9 sec);`,
    );
    a.send('T', { k: 'a-distinctive-key', v: 1 }, 1000);
    const bytes = a.snapshot();
    // Written once: the event's values appear once in the bytes.
    expect(Buffer.from(bytes).toString('latin1').split('a-distinctive-key')).toHaveLength(2);
    const b = createEngine({ restore: bytes });
    const seen: unknown[] = [];
    for (const name of ['p', 'q']) b.statement(name)?.subscribe((_n, o) => seen.push(o?.[0]));
    b.advanceTime(20_000);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
  });

  it('keeps statistics: events in, rows out, listener calls, engine counters', () => {
    const a = createEngine({ allowedLateness: 0 });
    a.deploy(`${SCHEMA} @name('w') select irstream * from T(v >= 1)#time(1 sec);`);
    for (const e of events([1000, 1500, 3000])) a.send(e.type, e.data, e.ts);
    a.send('T', { k: 'late', v: 9 }, 10);
    const b = createEngine({ restore: a.snapshot() });
    expect(b.statement('w')?.stats()).toEqual(a.statement('w')?.stats());
    expect(b.stats()).toEqual(a.stats());
  });

  it('a part without the state contract fails the snapshot, naming it (never a partial snapshot)', () => {
    const parts = PartListWriter.of(new EventTableWriter());
    const e = thrownBy(() => parts.write([{ label: 'widget', part: {} }], "statement 'x'"));
    expect(e.code).toBe('snapshot/unsupported');
    expect(e.message).toBe(
      "Cannot snapshot statement 'x': its widget does not implement the state contract yet",
    );
  });

  it('contexts, named windows, tables and output limiters all snapshot', () => {
    const a = createEngine();
    a.deploy(`${SCHEMA} create context ByK partition by k from T;
      @name('c') context ByK select count(*) as n from T output last every 2 events;
      @name('w') create window W#keepall as T; insert into W select * from T;
      create table Tot(k string primary key, n count(*)); into table Tot select count(*) as n from T group by k;`);
    a.send('T', { k: 'a', v: 1 }, 1000);
    expect(a.snapshot().length).toBeGreaterThan(0);
  });

  it('-0 in event values round-trips (msgpack alone writes it as 0)', () => {
    const a = createEngine();
    a.deploy(`${SCHEMA} @name('w') select irstream v, 1 / v as inv from T#length(1);`);
    a.send('T', { k: 'a', v: -0 }, 1000);
    const b = createEngine({ restore: a.snapshot() });
    const old: unknown[] = [];
    b.statement('w')?.subscribe((_n, o) => old.push(...(o ?? [])));
    b.send('T', { k: 'b', v: 1 }, 1001);
    expect(old).toHaveLength(1);
    expect(Object.is((old[0] as { v: number }).v, -0)).toBe(true);
    expect((old[0] as { inv: number }).inv).toBe(Number.NEGATIVE_INFINITY);
    // Nested values too, and nothing else becomes -0.
    const rows = [{ a: 0, b: [1, -0, { c: -0 }], d: 'x' }, { e: -0 }];
    const zeros = findNegativeZeros(rows);
    expect(zeros).toEqual([
      [0, 'b', 1],
      [0, 'b', 2, 'c'],
      [1, 'e'],
    ]);
    const copy = [{ a: 0, b: [1, 0, { c: 0 }], d: 'x' }, { e: 0 }];
    restoreNegativeZeros(copy, zeros);
    expect(Object.is(copy[0]?.a, 0) && Object.is((copy[0]?.b as unknown[])[1], -0)).toBe(true);
    expect(Object.is(((copy[0]?.b as unknown[])[2] as { c: number }).c, -0)).toBe(true);
    expect(Object.is(copy[1]?.e, -0)).toBe(true);
  });

  it('refuses to snapshot from inside a listener', () => {
    const a = createEngine();
    const [w] = a.deploy(`${SCHEMA} @name('w') select * from T#time(1 sec);`);
    let error: WeirError | undefined;
    w?.subscribe(() => {
      error = thrownBy(() => a.snapshot());
    });
    a.send('T', { k: 'a', v: 1 }, 1000);
    expect(error?.code).toBe('snapshot/busy');
    // And works again between calls.
    expect(a.snapshot().length).toBeGreaterThan(0);
  });

  it('options must match the snapshot', () => {
    const bytes = snapshotOf(`${SCHEMA} select * from T#time(1 sec);`, [1000], { allowedLateness: 500 });
    expect(thrownBy(() => createEngine({ restore: bytes, allowedLateness: 0 })).code).toBe(
      'snapshot/mismatch',
    );
    expect(createEngine({ restore: bytes, allowedLateness: 500 }).stats().buffered).toBe(1);
  });
});

describe('bad snapshot bytes', () => {
  const good = snapshotOf(`${SCHEMA} @name('w') select * from T#time(10 sec);`, [1000, 2000, 3000]);

  const restoring = (bytes: Uint8Array): WeirError => thrownBy(() => createEngine({ restore: bytes }));

  it('truncated at any length: snapshot/truncated', () => {
    for (let n = 0; n < good.length; n++) {
      expect(restoring(good.subarray(0, n)).code, `length ${n}`).toBe('snapshot/truncated');
    }
  });

  it('any single flipped bit: a typed error, never a wrong engine', () => {
    for (let i = 0; i < good.length; i++) {
      for (const bit of [0, 3, 7]) {
        const bad = Uint8Array.from(good);
        bad[i] = (bad[i] as number) ^ (1 << bit);
        const e = restoring(bad);
        expect(e.code.startsWith('snapshot/'), `byte ${i} bit ${bit}: ${e.code}`).toBe(true);
      }
    }
  });

  it('another format version, other bytes, extra bytes', () => {
    const other = Uint8Array.from(good);
    other[9] = (good[9] as number) + 1;
    expect(restoring(other).code).toBe('snapshot/version');
    expect(restoring(other).message).toMatch(
      new RegExp(`format version ${SNAPSHOT_VERSION + 1}; this Weir reads version ${SNAPSHOT_VERSION}$`),
    );
    // Version 2 wrote the event table as one record per event (before the column-wise table).
    const v2 = Uint8Array.from(good);
    v2[9] = 2;
    expect(restoring(v2).code).toBe('snapshot/version');
    expect(restoring(new TextEncoder().encode('{"not":"a snapshot"}')).code).toBe('snapshot/not-a-snapshot');
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    expect(restoring(longer).code).toBe('snapshot/corrupt');
  });

  it('a restore that fails leaves the caller with no engine', () => {
    let engine: Engine | undefined;
    try {
      engine = createEngine({ restore: good.subarray(0, 40) });
    } catch {
      // expected
    }
    expect(engine).toBeUndefined();
  });
});
