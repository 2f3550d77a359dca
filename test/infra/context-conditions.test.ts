/**
 * Context start/end conditions beyond event filters, against expectations derived by hand
 * from Esper's documentation and its ContextControllerInitTerm* controllers:
 * - crontab conditions fire at the next occurrence strictly after the moment they are armed
 *   (UTC); a non-overlapping context deployed inside a start/end crontab range starts a
 *   partition at once (determineCurrentlyRunning), else waits for the start;
 * - a non-overlapping context re-arms its start condition when a partition ends (`start
 *   @now` starts the next partition at once);
 * - `initiated by` a time condition starts a partition at each firing (overlapping).
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { deployError } from '../support/deploy-error.js';
import { SCHEMAS, record, tick } from '../support/infra-harness.js';

const DAY = 24 * 3600_000;
/** Monday 5 January 2026, at `h` hours `m` minutes (UTC). */
const at = (h: number, m = 0, day = 0) => Date.UTC(2026, 0, 5, h, m) + day * DAY;

function engineAt(start: number, epl: string) {
  const engine = createEngine({ startTime: start });
  engine.deploy(SCHEMAS + epl);
  return engine;
}

describe('crontab start and end', () => {
  const EPL = `
    create context Office start (0, 9, *, *, *) end (0, 17, *, *, *);
    @name('n') context Office select count(*) as n, context.startTime as since from Tick;
  `;

  it('deployed before the range: partitions from 9:00 to 17:00 each day', () => {
    const engine = engineAt(at(8), EPL);
    const calls = record(engine, 'n');
    tick(engine, at(8, 30), 'A', 1, 1); // before 9:00: no partition
    tick(engine, at(9, 30), 'A', 1, 1);
    tick(engine, at(10), 'A', 1, 1);
    tick(engine, at(17, 30), 'A', 1, 1); // ended at 17:00
    tick(engine, at(9, 15, 1), 'A', 1, 1); // the next day's partition
    expect(calls.n).toEqual([
      { time: at(9, 30), new: [{ n: 1, since: at(9) }], old: null },
      { time: at(10), new: [{ n: 2, since: at(9) }], old: null },
      { time: at(9, 15, 1), new: [{ n: 1, since: at(9, 0, 1) }], old: null },
    ]);
  });

  it('deployed inside the range: a partition starts at once', () => {
    const engine = engineAt(at(10), EPL);
    const calls = record(engine, 'n');
    tick(engine, at(11), 'A', 1, 1);
    tick(engine, at(17), 'A', 1, 1); // the end at 17:00 comes first
    tick(engine, at(9, 0, 1), 'A', 1, 1); // the start at 9:00 comes first
    expect(calls.n).toEqual([
      { time: at(11), new: [{ n: 1, since: at(10) }], old: null },
      { time: at(9, 0, 1), new: [{ n: 1, since: at(9, 0, 1) }], old: null },
    ]);
  });

  it('several schedules and a seconds field; output snapshot when terminated', () => {
    const engine = engineAt(
      at(8),
      `create context Slots start (0, 9, *, *, *, 30), (0, 13, *, *, *) end after 1 hour;
       @name('n') context Slots select count(*) as n from Tick output snapshot when terminated;`,
    );
    const calls = record(engine, 'n');
    tick(engine, at(9, 10), 'A', 1, 1);
    tick(engine, at(9, 20), 'A', 1, 1);
    tick(engine, at(13, 5), 'A', 1, 1);
    engine.advanceTime(at(15));
    // 9:00:30 → 10:00:30: two ticks; 13:00 → 14:00: one.
    expect(calls.n).toEqual([
      { time: at(10) + 30_000, new: [{ n: 2 }], old: null },
      { time: at(14), new: [{ n: 1 }], old: null },
    ]);
  });

  it('refuses a crontab with a wrong field count or value', () => {
    const errors = (epl: string) => [deployError(SCHEMAS + epl).message];
    expect(errors('create context C start (0, 9, *, *) end (0, 17, *, *, *);')).toEqual([
      'A context crontab takes 5 or 6 crontab fields (minutes, hours, days of month, months, days of week [, seconds]), got 4',
    ]);
    expect(errors('create context C start (0, 25, *, *, *) end (0, 17, *, *, *);')).toEqual([
      "Crontab hours must be a whole number from 0 to 23, got '25'",
    ]);
  });
});

describe('crontab fields as in output at', () => {
  it('frequencies, ranges and lists: every 15 minutes from 9:00 to 10:59 on weekdays', () => {
    const engine = engineAt(
      at(8),
      `create context Q initiated by (*/15, 9:10, *, *, [1, 2, 3, 4, 5]) terminated after 1 min;
       @name('n') context Q select count(*) as n, context.startTime as since from Tick;`,
    );
    const calls = record(engine, 'n');
    tick(engine, at(8, 45), 'A', 1, 1); // before 9:00: no partition
    tick(engine, at(9, 0) + 30_000, 'A', 1, 1); // in the 9:00 partition
    tick(engine, at(9, 15) + 10_000, 'A', 1, 1); // in the 9:15 partition
    tick(engine, at(11, 0) + 10_000, 'A', 1, 1); // 11:00 is not in the hours
    tick(engine, at(10, 45, 5) + 10_000, 'A', 1, 1); // Saturday: nothing
    tick(engine, at(9, 30, 7) + 10_000, 'A', 1, 1); // the next Monday
    expect(calls.n?.map((c) => c.new)).toEqual([
      [{ n: 1, since: at(9) }],
      [{ n: 1, since: at(9, 15) }],
      [{ n: 1, since: at(9, 30, 7) }],
    ]);
  });
});

describe('timed starts', () => {
  it('start after a period: the next partition waits the period again after the end', () => {
    const engine = engineAt(
      0,
      `create context Cycle start after 10 sec end after 5 sec;
       @name('n') context Cycle select count(*) as n, context.startTime as since from Tick;`,
    );
    const calls = record(engine, 'n');
    for (const t of [5_000, 12_000, 14_000, 17_000, 26_000, 31_000, 40_000]) tick(engine, t, 'A', 1, 1);
    // Partitions [10 s, 15 s), [25 s, 30 s), [40 s, 45 s).
    expect(calls.n).toEqual([
      { time: 12_000, new: [{ n: 1, since: 10_000 }], old: null },
      { time: 14_000, new: [{ n: 2, since: 10_000 }], old: null },
      { time: 26_000, new: [{ n: 1, since: 25_000 }], old: null },
      { time: 40_000, new: [{ n: 1, since: 40_000 }], old: null },
    ]);
  });

  it('start @now: the next partition starts when one ends', () => {
    const engine = engineAt(
      0,
      `create context Rolling start @now end after 10 sec;
       @name('n') context Rolling select count(*) as n, context.startTime as since from Tick;`,
    );
    const calls = record(engine, 'n');
    for (const t of [1_000, 9_000, 10_000, 25_000]) tick(engine, t, 'A', 1, 1);
    expect(calls.n).toEqual([
      { time: 1_000, new: [{ n: 1, since: 0 }], old: null },
      { time: 9_000, new: [{ n: 2, since: 0 }], old: null },
      { time: 10_000, new: [{ n: 1, since: 10_000 }], old: null },
      { time: 25_000, new: [{ n: 1, since: 20_000 }], old: null },
    ]);
  });

  it('initiated by a crontab: overlapping partitions, one per firing', () => {
    const engine = engineAt(
      at(8),
      `create context Hourly initiated by (0, *, *, *, *) terminated after 90 min;
       @name('n') context Hourly select count(*) as n, context.startTime as since from Tick;`,
    );
    const calls = record(engine, 'n');
    tick(engine, at(9, 10), 'A', 1, 1); // partition 9:00
    tick(engine, at(10, 15), 'A', 1, 1); // partitions 9:00 and 10:00
    tick(engine, at(10, 45), 'A', 1, 1); // 9:00 ended at 10:30
    expect(calls.n).toEqual([
      { time: at(9, 10), new: [{ n: 1, since: at(9) }], old: null },
      {
        time: at(10, 15),
        new: [
          { n: 2, since: at(9) },
          { n: 1, since: at(10) },
        ],
        old: null,
      },
      { time: at(10, 45), new: [{ n: 2, since: at(10) }], old: null },
    ]);
  });
});

describe('context.endTime and the terminating event', () => {
  it('context.endTime is the expected end: a time or crontab end gives it, an event end does not', () => {
    const engine = engineAt(
      at(8),
      `create context Office start (0, 9, *, *, *) end (0, 17, *, *, *);
       create context Rush initiated by Tick(px > 100) as big terminated after 10 min;
       create context Upto start Tick(px = 0) end Tick(px < 0);
       @name('o') context Office select context.endTime as till from Probe;
       @name('r') context Rush select context.startTime as since, context.endTime as till from Probe;
       @name('u') context Upto select context.endTime as till from Probe;`,
    );
    const calls = record(engine, 'o', 'r', 'u');
    tick(engine, at(9, 30), 'A', 500, 1); // a Rush partition until 9:40
    tick(engine, at(9, 31), 'A', 0, 1); // an Upto partition, no end time
    engine.send('Probe', { sym: 'A', px: 1 }, at(9, 35));
    const rows = (name: string) => calls[name]?.map((c) => c.new);
    expect(rows('o')).toEqual([[{ till: at(17) }]]);
    expect(rows('r')).toEqual([[{ since: at(9, 30), till: at(9, 40) }]]);
    expect(rows('u')).toEqual([[{ till: null }]]);
  });

  it('an end filter named with as is readable when the partition ends (ContextKeySegmentedWInitTermEndEvent)', () => {
    const engine = engineAt(
      at(8),
      `create context MyContext partition by sym from Tick initiated by Tick(qty = 1) as startevent
         terminated by Tick(qty = 0) as endevent;
       @name('s0') context MyContext select context.startevent.px as c0, context.endevent.px as c1 from Tick
         output all when terminated;
       create context I initiated by Probe(px > 0) as p terminated by Probe(px = 0) as q;
       @name('s1') context I select context.p.px as c0, context.q.sym as c1, count(*) as n from Tick
         output snapshot when terminated;`,
    );
    const calls = record(engine, 's0', 's1');
    tick(engine, at(9), 'A', 11, 1);
    engine.send('Probe', { sym: 'P', px: 5 }, at(9, 1));
    tick(engine, at(9, 2), 'A', 22, 0); // ends A
    engine.send('Probe', { sym: 'Q', px: 0 }, at(9, 3)); // ends I's partition
    expect(calls.s0?.map((c) => c.new)).toEqual([[{ c0: 11, c1: 22 }]]);
    expect(calls.s1?.map((c) => c.new)).toEqual([[{ c0: 5, c1: 'Q', n: 1 }]]);
  });
});
