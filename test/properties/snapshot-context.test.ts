/**
 * Snapshots taken mid-context restore to identical output (issues 10 and 12): random contexts
 * (keyed, category, initiated/terminated after or by an event, start/end with a filter, a
 * period or @now), random statements in them (windows, batches, aggregations, patterns,
 * output limiting including `when terminated`, insert into), random event streams, and random
 * cut points: the engine snapshotted at the cut and restored in a fresh one makes exactly the
 * listener calls of the uninterrupted run (partitions alive, their instances' windows and
 * timers, partitions ending by timer after the cut).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectCutsRestore, timedEvents } from '../support/snapshot-cut.js';

const SCHEMAS = 'create schema T(k string, v int); create schema S(k string, v int);\n';

const contexts = fc.constantFrom(
  'create context C partition by k from T, k from S;',
  'create context C group by v < 3 as low, group by v >= 3 and v < 6 as mid, group by v >= 6 as high from T;',
  'create context C initiated by S as s terminated after 2 sec;',
  'create context C initiated by S(v > 2) as s terminated by S(v < 0);',
  'create context C start S(v > 4) as s end S(v < 2);',
  'create context C start S end after 1500 msec;',
  'create context C start @now end after 3 sec;',
);

/** Statements valid in every context above (`context.s` is read only where the context has it). */
const statements = fc.subarray(
  [
    "@name('cnt') context C select irstream count(*) as n, sum(v) as s from T#length(3);",
    "@name('tim') context C select irstream k, avg(v) as a from T#time(1500 msec) group by k;",
    "@name('bat') context C select irstream k, v from T#time_batch(1 sec);",
    "@name('lb') context C select k, count(*) as n from T#length_batch(2) group by k;",
    "@name('pat') context C select a.v as x, b.v as y from pattern [every a=T -> b=T(v > a.v) where timer:within(2 sec)];",
    "@name('out') context C select k, sum(v) as s from T group by k output last every 2 events;",
    "@name('per') context C select count(*) as n from T output every 1 sec;",
    "@name('term') context C select count(*) as n, sum(v) as s from T output snapshot when terminated;",
    "@name('ins') context C insert into Out select k, v * 2 as w from T(v > 1);\n@name('outs') select k, w from Out;",
  ],
  { minLength: 1, maxLength: 4 },
);

const streams = fc.array(
  fc.tuple(
    fc.constantFrom('T', 'T', 'S'),
    fc.constantFrom('a', 'b', 'c'),
    fc.integer({ min: -2, max: 8 }),
    fc.integer({ min: 0, max: 1200 }),
  ),
  { minLength: 1, maxLength: 25 },
);

describe('snapshots taken mid-context restore to identical output', () => {
  it('random contexts, statements, streams and cut points', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(
        contexts,
        statements,
        streams,
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        (context, chosen, items, seeds) => {
          const epl = `${SCHEMAS}${context}\n${chosen.join('\n')}`;
          const events = timedEvents(items, (_type, k, v) => ({ k, v }));
          expectCutsRestore(
            epl,
            events,
            8_000,
            seeds.map((seed) => seed % (events.length + 1)),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
