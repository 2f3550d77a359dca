/**
 * Contexts through the public API, against expectations derived by hand from Esper's context
 * semantics: a statement instance per partition, the partition's properties as `context.*`,
 * the creating event processed by the new partition first, one listener call per statement
 * and event however many partitions answer, and `output snapshot when terminated`.
 */
import { describe, expect, it } from 'vitest';
import { explainModule } from '../../src/index.js';
import { SCHEMAS, deploy, errorsOf, probe, record, tick } from '../support/infra-harness.js';

describe('keyed context (partition by)', () => {
  it('runs one instance per key, each with its own window; the key property reads the key', () => {
    const engine = deploy(`
      create context BySym partition by sym from Tick;
      @name('c') context BySym select sym, count(*) as n, sum(qty) as total, context.key1 as k, context.id as id
        from Tick#length(2);`);
    const calls = record(engine, 'c');
    tick(engine, 1, 'A', 1, 10);
    tick(engine, 2, 'B', 1, 20);
    tick(engine, 3, 'A', 1, 30);
    // A's third event evicts its first from A's own length(2) window: B's window is untouched.
    tick(engine, 4, 'A', 1, 40);
    expect(calls.c).toEqual([
      { time: 1, new: [{ sym: 'A', n: 1, total: 10, k: 'A', id: 0 }], old: null },
      { time: 2, new: [{ sym: 'B', n: 1, total: 20, k: 'B', id: 1 }], old: null },
      { time: 3, new: [{ sym: 'A', n: 2, total: 40, k: 'A', id: 0 }], old: null },
      { time: 4, new: [{ sym: 'A', n: 2, total: 70, k: 'A', id: 0 }], old: null },
    ]);
    // Stats add up the partitions: A's window holds 2 events, B's 1.
    expect(engine.statement('c')?.stats()).toMatchObject({ eventsIn: 4, windowSize: 3 });
  });

  it('a statement of a second stream of the context gets its own instance per key', () => {
    const engine = deploy(`
      create context ByKey partition by sym from Tick, sym from Probe;
      @name('t') context ByKey select count(*) as n from Tick;
      @name('p') context ByKey select context.key1 as k, count(*) as n from Probe;`);
    const calls = record(engine, 't', 'p');
    tick(engine, 1, 'A', 1, 1);
    probe(engine, 2, 'A', 0);
    probe(engine, 3, 'B', 0);
    tick(engine, 4, 'A', 1, 1);
    expect(calls.t).toEqual([
      { time: 1, new: [{ n: 1 }], old: null },
      { time: 4, new: [{ n: 2 }], old: null },
    ]);
    expect(calls.p).toEqual([
      { time: 2, new: [{ k: 'A', n: 1 }], old: null },
      { time: 3, new: [{ k: 'B', n: 1 }], old: null },
    ]);
  });
});

describe('category context (group by … as label)', () => {
  it('delivers each event to the categories it belongs to', () => {
    const engine = deploy(`
      create context Band group by px < 10 as low, group by px >= 10 as high, group by px >= 0 as any from Tick;
      @name('c') context Band select context.label as band, count(*) as n from Tick;`);
    const calls = record(engine, 'c');
    tick(engine, 1, 'A', 5, 1);
    tick(engine, 2, 'A', 15, 1);
    // One call per event, the partitions' rows in category order.
    expect(calls.c).toEqual([
      {
        time: 1,
        new: [
          { band: 'low', n: 1 },
          { band: 'any', n: 1 },
        ],
        old: null,
      },
      {
        time: 2,
        new: [
          { band: 'high', n: 1 },
          { band: 'any', n: 2 },
        ],
        old: null,
      },
    ]);
  });
});

describe('initiated/terminated context (overlapping)', () => {
  it('starts a partition per initiating event; the new one answers first; snapshots when it ends', () => {
    const engine = deploy(`
      create context W initiated by Probe as p terminated after 10 sec;
      @name('c') context W select context.p.sym as s, count(*) as n from Tick;
      @name('snap') context W select context.p.sym as s, count(*) as n from Tick output snapshot when terminated;`);
    const calls = record(engine, 'c', 'snap');
    probe(engine, 1000, 'X', 0);
    tick(engine, 2000, 'A', 1, 1);
    probe(engine, 3000, 'Y', 0);
    tick(engine, 4000, 'A', 1, 1);
    // X ends at 11000, Y at 13000.
    tick(engine, 12000, 'A', 1, 1);
    engine.advanceTime(14000);
    expect(calls.c).toEqual([
      { time: 2000, new: [{ s: 'X', n: 1 }], old: null },
      {
        time: 4000,
        new: [
          { s: 'X', n: 2 },
          { s: 'Y', n: 1 },
        ],
        old: null,
      },
      { time: 12000, new: [{ s: 'Y', n: 2 }], old: null },
    ]);
    expect(calls.snap).toEqual([
      { time: 11000, new: [{ s: 'X', n: 2 }], old: null },
      { time: 13000, new: [{ s: 'Y', n: 2 }], old: null },
    ]);
  });

  it('the initiating event also counts in its new partition, before the older ones', () => {
    const engine = deploy(`
      create context W initiated by Tick(qty > 100) as t terminated after 5 sec;
      @name('c') context W select context.t.sym as s, count(*) as n from Tick;`);
    const calls = record(engine, 'c');
    tick(engine, 1000, 'A', 1, 500);
    tick(engine, 2000, 'B', 1, 700);
    expect(calls.c).toEqual([
      { time: 1000, new: [{ s: 'A', n: 1 }], old: null },
      {
        time: 2000,
        new: [
          { s: 'B', n: 1 },
          { s: 'A', n: 2 },
        ],
        old: null,
      },
    ]);
  });
});

describe('start/end context (non-overlapping)', () => {
  it('runs one partition at a time, from a start event to an end event; a new one starts afresh', () => {
    const engine = deploy(`
      create context S start Probe(px > 0) end Probe(px < 0);
      @name('c') context S select count(*) as n from Tick;`);
    const calls = record(engine, 'c');
    tick(engine, 1, 'A', 1, 1);
    probe(engine, 2, 'X', 1);
    tick(engine, 3, 'A', 1, 1);
    probe(engine, 4, 'X', 2);
    tick(engine, 5, 'A', 1, 1);
    probe(engine, 6, 'X', -1);
    tick(engine, 7, 'A', 1, 1);
    probe(engine, 8, 'X', 1);
    tick(engine, 9, 'A', 1, 1);
    expect(calls.c).toEqual([
      { time: 3, new: [{ n: 1 }], old: null },
      { time: 5, new: [{ n: 2 }], old: null },
      { time: 9, new: [{ n: 1 }], old: null },
    ]);
  });
});

describe('context errors and explain', () => {
  it('says what is wrong', () => {
    expect(errorsOf('select context.key1 as k from Tick;')).toEqual([
      "analyze/unknown-property: 'context.key1' is only valid in a statement that runs in a context (context C select …)",
    ]);
    expect(errorsOf('select count(*) as n from Tick output snapshot when terminated;')).toEqual([
      "analyze/invalid-argument: 'output … when terminated' posts when a context partition ends: the statement must run in a context (context C select …)",
    ]);
    expect(
      errorsOf('create context K partition by sym from Tick; context K select context.label as l from Tick;'),
    ).toEqual([
      "analyze/unknown-property: Context 'K' has no property 'label' (it has: name, id, startTime, key1)",
    ]);
    expect(errorsOf('create context K partition by sym from Tick; context K select * from Probe;')).toEqual([
      "analyze/invalid-argument: Context 'K' partitions Tick events: a statement in it must read one of them, not only Probe",
    ]);
    expect(errorsOf('create context K partition by sym from Tick, sym and px from Probe;')[0]).toMatch(
      /^analyze\/invalid-argument: Every stream of a keyed context gives the same number of key properties/,
    );
  });

  it('explain shows how the context partitions', () => {
    const text = explainModule(`${SCHEMAS}
      create context BySym partition by sym from Tick;
      context BySym select count(*) as n from Tick;`);
    expect(text).toContain('Define context BySym: keyed by sym from Tick');
  });
});
