/** Hand-derived cases for timer:withinmax, while, timer:at and the crontab arithmetic. */
import { describe, expect, it } from 'vitest';
import { createEngine, explainModule } from '../../src/index.js';
import { nextCronTime } from '../../src/patterns/crontab.js';

function run(
  pattern: string,
  events: [string, number, number][],
  until: number,
  select = 'b.v as v',
): [number, unknown][] {
  const engine = createEngine();
  const [stmt] = engine.deploy(
    `create schema A(v int); create schema B(v int); select ${select} from pattern [${pattern}]`,
  );
  const out: [number, unknown][] = [];
  stmt?.subscribe((rows, _o, ctx) => {
    for (const r of rows ?? []) out.push([ctx.time, Object.values(r)[0] ?? null]);
  });
  for (const [type, ts, v] of events) engine.send(type, { v }, ts);
  engine.advanceTime(until);
  return out;
}

describe('guards', () => {
  it('timer:withinmax ends after the given number of matches', () => {
    const events: [string, number, number][] = [
      ['A', 1000, 0],
      ['B', 2000, 1],
      ['B', 3000, 2],
      ['B', 4000, 3],
    ];
    expect(run('a=A -> (every b=B) where timer:withinmax(10 sec, 2)', events, 20_000)).toEqual([
      [2000, 1],
      [3000, 2],
    ]);
  });

  it('while ends its subexpression at the first result that fails the condition', () => {
    const events: [string, number, number][] = [
      ['A', 1000, 0],
      ['B', 2000, 1],
      ['B', 3000, 5],
      ['B', 4000, 20],
      ['B', 5000, 3],
    ];
    expect(run('a=A -> (every b=B) while (b.v < 10)', events, 10_000)).toEqual([
      [2000, 1],
      [3000, 5],
    ]);
  });
});

describe('pattern timers', () => {
  it('fire at their own due time when a firing schedules a later one (no late, merged firings)', () => {
    // Two repeating intervals from the start at 1000: 2 s ones at 3000, 5000, 7000, …; 3 s ones
    // at 4000, 7000, 10000, 13000. At 3000 the 2 s interval restarts (due 5000) while the 3 s
    // one is already queued for 4000: the 4000 firing must still happen at 4000. Instants
    // where both fire (7000, 13000) are one call with two rows.
    const engine = createEngine();
    const [stmt] = engine.deploy(
      'create schema A(v int); select count(*) as n from pattern [every timer:interval(2 sec) or every timer:interval(3 sec)]',
    );
    const calls: string[] = [];
    stmt?.subscribe((rows, _o, ctx) => calls.push(`${ctx.time}x${rows?.length ?? 0}`));
    engine.send('A', { v: 0 }, 1000);
    engine.advanceTime(13_000);
    expect(calls).toEqual([
      '3000x1',
      '4000x1',
      '5000x1',
      '7000x2',
      '9000x1',
      '10000x1',
      '11000x1',
      '13000x2',
    ]);
  });
});

describe('timer:at', () => {
  it('fires at each matching minute in event time', () => {
    const out = run('every timer:at(*, *, *, *, *)', [['A', 1000, 0]], 200_000, 'count(*) as n');
    expect(out.map(([t]) => t)).toEqual([60_000, 120_000, 180_000]);
  });

  it('computes the next crontab instant in UTC', () => {
    const start = Date.UTC(2026, 10, 23, 9, 15, 0);
    expect(nextCronTime(start, [[30], [9], null, null, null])).toBe(Date.UTC(2026, 10, 23, 9, 30, 0));
    expect(nextCronTime(Date.UTC(2026, 10, 23, 9, 30, 0), [[30], [9], null, null, null])).toBe(
      Date.UTC(2026, 10, 24, 9, 30, 0),
    );
    // Mondays (weekday 1) at 00:00:10.
    expect(nextCronTime(start, [[0], [0], null, null, [1], [10]])).toBe(Date.UTC(2026, 10, 30, 0, 0, 10));
  });
});

describe('pattern timer periods read from the tags', () => {
  // Esper's PatternDeltaComputeUtil: a non-constant parameter is evaluated against the begin
  // state when the observer or guard is made, as seconds (Math.round(1000 * value)).
  it('timer:interval and timer:within read their period (seconds) from earlier tags', () => {
    const module = `
      create schema A(id int, delay double); create schema B(id int);
      select a.id as id from pattern [every a=A -> timer:interval(a.delay)];
      select a.id as id, b.id as bid from pattern [every a=A -> b=B(id = a.id) where timer:within(a.delay / 2)];`;
    const engine = createEngine();
    const [interval, within] = engine.deploy(module);
    const calls: string[] = [];
    interval?.subscribe((rows, _o, ctx) => calls.push(`i@${ctx.time}:${rows?.map((r) => r.id).join(',')}`));
    within?.subscribe((rows, _o, ctx) => calls.push(`w@${ctx.time}:${rows?.map((r) => r.bid).join(',')}`));
    engine.send('A', { id: 1, delay: 3 }, 1000); // interval due 4000, within until 2500
    engine.send('A', { id: 2, delay: 1.0005 }, 1000); // interval due 2001 (rounded), within until 1500
    engine.send('A', { id: 3, delay: null }, 1000); // neither: never fires, never expires (counted)
    engine.send('B', { id: 2 }, 1600); // too late for a2's within
    engine.send('B', { id: 1 }, 2400); // within a1's
    engine.send('B', { id: 3 }, 9000); // a3's guard never expires
    engine.advanceTime(10_000);
    expect(calls).toEqual(['i@2001:2', 'w@2400:1', 'i@4000:1', 'w@9000:3']);
    expect(engine.stats().invalidPeriods).toBe(2);
    expect(explainModule(module)).toContain('timer:interval(a.delay * 1000 ms)');
  });

  it('a period read as zero or less waits 1 ms (never due within the instant that started it)', () => {
    // Esper fires it at once; Weir keeps every pattern timer in the future, so that
    // `[1:] timer:interval(a.v) until b=B` with a.v = 0 cannot repeat forever in one instant
    // (it collects one repetition per millisecond until B, as `timer:interval(1 msec)` does).
    const events: [string, number, number][] = [
      ['A', 1000, 0],
      ['B', 1000, 1],
      ['B', 1001, 2],
    ];
    expect(run('a=A -> timer:interval(a.v) -> b=B', events, 5000)).toEqual([[1001, 2]]);
    expect(run('a=A -> timer:interval(a.v - 5) -> b=B', events, 5000)).toEqual([[1001, 2]]);
    expect(
      run(
        'every a=A -> ([1:] timer:interval(a.v) until b=B)',
        events.slice(0, 1).concat([['B', 1010, 3]]),
        5000,
      ),
    ).toEqual([[1010, 3]]);
  });

  it('refuses a constant period below 1 ms, a period that is not a number, and a time period inside an expression', () => {
    const deploy = (pattern: string) => () =>
      createEngine().deploy(`create schema A(v int, s string); select * from pattern [${pattern}]`);
    for (const period of ['0', '0 sec', '-1 sec', '-(2)', '0.0001']) {
      expect(deploy(`every a=A -> timer:interval(${period})`)).toThrow(
        /timer:interval requires a positive time period such as 10 sec \(at least 1 msec\)/,
      );
    }
    expect(deploy('every a=A -> b=A where timer:within(0 sec)')).toThrow(/timer:within requires a positive/);
    expect(deploy('every a=A -> timer:interval(a.s)')).toThrow(
      /timer:interval requires a numeric or time period parameter, but 'a.s' is string/,
    );
    // A time period is a whole parameter (as Esper's grammar has it), never an operand.
    expect(deploy('every a=A -> timer:interval(1 sec + a.v)')).toThrow(
      /takes a time period alone .* not a time period inside an expression/,
    );
  });
});
