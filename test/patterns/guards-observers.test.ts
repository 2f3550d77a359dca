/** Hand-derived cases for timer:withinmax, while, timer:at and the crontab arithmetic. */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
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
