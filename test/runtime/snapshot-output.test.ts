/**
 * Snapshot/restore of output rate limiting: every output clause kind (every n events, every
 * period, at crontab, when expression, after, and each output type: default, all, last,
 * first, snapshot), over each result-set processor (simple, row per event, row for all, row
 * per group, grouped with ungrouped columns), sorted and unsorted, over windows and joins.
 * Random streams, a cut at every event: the restored engine continues with exactly the
 * listener calls of the uninterrupted run (steps waiting for output, rows of an `all`
 * interval, per-group `first` conditions, pending output timers).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectCutsRestore, timedEvents } from '../support/snapshot-cut.js';

const SCHEMAS = 'create schema T(k string, v int); create schema U(k string, w int);\n';

const streams = fc.array(
  fc.tuple(
    fc.constantFrom('T', 'T', 'T', 'U'),
    fc.constantFrom('a', 'b', 'c'),
    fc.integer({ min: -3, max: 9 }),
    fc.integer({ min: 0, max: 1400 }),
  ),
  { minLength: 1, maxLength: 22 },
);

function checkEveryCut(statements: string, runs: number): void {
  const epl = SCHEMAS + statements;
  fc.assert(
    fc.property(streams, (items) => {
      const events = timedEvents(items, (type, k, v) => (type === 'T' ? { k, v } : { k, w: v }));
      expectCutsRestore(epl, events, 12_000);
    }),
    { numRuns: runs },
  );
}

describe('snapshot of output rate limiting', () => {
  it('every n events: each output type over each processor kind', () => {
    checkEveryCut(
      `@name('simple-all') select irstream k, v from T#length(3) output all every 2 events;
      @name('simple-last') select irstream k, v from T#length(3) output last every 3 events;
      @name('simple-first') select irstream k, v from T#length(3) output first every 3 events;
      @name('simple-default') select irstream k, v from T#length(2) output every 2 events;
      @name('all-all') select irstream count(*) as n, sum(v) as s from T#length(3) output all every 2 events;
      @name('all-last') select irstream sum(v) as s from T#length(3) output last every 3 events;
      @name('mixed-all') select irstream k, v, sum(v) as s from T#length(3) output all every 2 events;
      @name('mixed-last') select irstream k, sum(v) as s from T#length(3) output last every 2 events;
      @name('group-all') select irstream k, sum(v) as s from T#length(4) group by k output all every 3 events;
      @name('group-last') select irstream k, sum(v) as s from T#length(4) group by k output last every 2 events;
      @name('gmixed-all') select irstream k, v, count(*) as n from T#length(4) group by k output all every 3 events;
      @name('gmixed-last') select irstream k, v, count(*) as n from T#length(4) group by k output last every 2 events;`,
      12,
    );
  });

  it('every n events with order by (buffered helpers) and having', () => {
    checkEveryCut(
      `@name('s-all') select irstream k, v from T#length(3) output all every 3 events order by v desc;
      @name('s-last') select irstream k, v from T#length(3) output last every 2 events order by v;
      @name('g-all') select irstream k, sum(v) as s from T#length(4) group by k having sum(v) > 0 output all every 3 events order by k;
      @name('gm-all') select irstream k, v, count(*) as n from T#length(4) group by k output all every 2 events order by v, k;
      @name('a-all') select irstream sum(v) as s from T#length(3) having sum(v) > 2 output all every 2 events order by s;
      @name('a-last') select irstream sum(v) as s from T#length(3) having sum(v) > 2 output last every 2 events order by s;`,
      12,
    );
  });

  it('time-driven output: every period, at crontab, when, after, and snapshot', () => {
    checkEveryCut(
      `@name('t-default') select irstream k, v from T#time(2 sec) output every 1500 msec;
      @name('t-all') select irstream k, sum(v) as s from T#time(3 sec) group by k output all every 2 sec;
      @name('t-last') select irstream count(*) as n from T#time(2 sec) output last every 1 sec;
      @name('t-first') select k, v from T output first every 2 sec;
      @name('cron') select irstream sum(v) as s from T#length(3) output at (*, *, *, *, *, */3);
      @name('when') select irstream k, v from T#length(2) output when count_insert >= 2 or count_remove_total > 2;
      @name('after') select irstream k, sum(v) as s from T#length(3) group by k output after 2 events last every 2 events;
      @name('after-t') select k, v from T output after 2 sec;
      @name('snap') select k, v from T#length(3) where v > 0 output snapshot every 2 events;
      @name('snap-t') select k, sum(v) as s from T#time(3 sec) group by k output snapshot every 2 sec;`,
      12,
    );
  });

  it('grouped output first: each group with its own condition (count, time, when, crontab)', () => {
    checkEveryCut(
      `@name('f-n') select irstream k, sum(v) as s from T#length(4) group by k output first every 2 events;
      @name('f-t') select k, sum(v) as s from T group by k output first every 2 sec;
      @name('f-when') select k, count(*) as n from T group by k output first when count_insert > 1;
      @name('f-cron') select k, v, count(*) as n from T group by k output first at (*, *, *, *, *, */2);
      @name('f-having') select k, v, sum(v) as s from T#length(4) group by k having sum(v) > 1 output first every 3 events;`,
      12,
    );
  });

  it('over joins: buffered join rows keep their events (first/last aggregates by identity)', () => {
    checkEveryCut(
      `@name('j-default') select irstream T.k as k, v, w from T#length(3) as T, U#length(2) as U where T.k = U.k output every 2 events;
      @name('j-first') select irstream T.k as k, first(v) as f, last(w) as l, window(v) as vs from T#length(3) as T, U#length(2) as U where T.k = U.k group by T.k output every 3 events;
      @name('j-agg') select irstream T.k as k, first(v) as f, last(w) as l, count(*) as n from T#length(3) as T, U#length(2) as U where T.k = U.k group by T.k output last every 2 events;
      @name('j-all') select irstream T.k as k, v, w from T#length(2) as T left outer join U#length(2) as U on T.k = U.k output all every 3 events;
      @name('j-time') select T.k as k, sum(v) as s from T#time(2 sec) as T, U#time(2 sec) as U where T.k = U.k group by T.k output every 1 sec;`,
      12,
    );
  });
});
