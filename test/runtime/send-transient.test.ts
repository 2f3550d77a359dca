/**
 * `sendTransient` (a row lent for one call, refilled by the caller for the next event) against
 * `send` (a fresh object per event): on random events — values null or not, out of order
 * within the lateness, late, times too far ahead — and statements of every shape (stream
 * filters the router tests on the lent row, filters it cannot — subqueries, pattern tags —,
 * indexed equalities, pruned projections with windows and groups, where clauses, patterns,
 * insert into and its consumer, a named window, no filter at all), both engines must deliver
 * the same listener calls with the same rows, the same late events, the same errors and the
 * same counts. The lent row is overwritten with poison after each call: a statement that kept
 * it instead of a copy would show it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WeirError } from '../../src/common/errors.js';
import type { Row } from '../../src/common/row.js';
import { createEngine } from '../../src/index.js';

const EPL = `
create schema T(s string, p double, v long, ok boolean);
@name('filter') select * from T(p > 50);
@name('indexed') select s, v from T(s = 'A');
@name('window') select irstream s, avg(p) as a from T#length(3) group by s;
@name('where') select * from T#time(1 sec) where v > 5;
@name('pattern') select a.s as s, b.p as p from pattern [every a=T(p > 90) -> b=T(s = a.s)];
@name('insert') insert into U select s, p * 2 as q from T(ok = true);
@name('consumer') select * from U(q > 10);
@name('subquery') select * from T(p > (select avg(p) from T#length(5)));
@name('regexp') select s, p from T(s regexp '[AB]' and v is not null);
@name('count') select count(*) as n from T;
@name('kept') select irstream * from T#length(2);
@name('keptFiltered') select irstream * from T(v > 2)#time(1 sec);
create window W#keepall as T;
insert into W select * from T(v < 3);
@name('named') select * from W(ok = false);
create context ByS partition by s from T;
@name('context') context ByS select s, count(*) as n, sum(p) as sp from T(v > 1);
@name('join') select a.p as ap, b.q as bq from T#length(3) as a, U#length(3) as b where a.s = b.s;
@name('limited') select s, sum(p) as sp from T#time(2 sec) group by s output every 1 sec;
`;

const NAMES = ['s', 'p', 'v', 'ok'] as const;

interface Event {
  readonly values: readonly unknown[];
  readonly ts: number;
}

interface Outcome {
  readonly calls: string[];
  readonly late: string[];
  readonly errors: string[];
  readonly stats: string;
}

function listen(engine: ReturnType<typeof createEngine>, calls: string[], late: string[]): void {
  for (const s of engine.statements()) {
    s.subscribe((n, o, ctx) => calls.push(JSON.stringify([s.name, ctx.time, n, o])));
  }
  engine.onLate((e) => late.push(JSON.stringify(e)));
}

function run(events: readonly Event[], lent: boolean, lateness: number): Outcome {
  // Without lateness every event is routed at once (lent); with it, most wait in the buffer (copied).
  const engine = createEngine({ allowedLateness: lateness });
  engine.deploy(EPL);
  const calls: string[] = [];
  const late: string[] = [];
  const errors: string[] = [];
  listen(engine, calls, late);
  const row: Row = { s: null, p: null, v: null, ok: null };
  for (const e of events) {
    try {
      if (lent) {
        NAMES.forEach((name, i) => {
          row[name] = e.values[i];
        });
        engine.sendTransient('T', row, e.ts);
        // Whatever kept the lent row instead of a copy now holds poison.
        for (const name of NAMES) row[name] = `poison-${name}`;
      } else {
        engine.send('T', Object.fromEntries(NAMES.map((name, i) => [name, e.values[i]])), e.ts);
      }
    } catch (error) {
      if (!(error instanceof WeirError)) throw error;
      errors.push(error.message);
    }
  }
  engine.flush();
  engine.advanceTime(10_000_000);
  const stats = JSON.stringify([engine.stats(), engine.statements().map((s) => [s.name, s.stats()])]);
  return { calls, late, errors, stats };
}

const EVENT = fc.record({
  s: fc.constantFrom('A', 'B', 'C', null),
  p: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(null, 50, 91, -0)),
  v: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(null)),
  ok: fc.constantFrom(true, false, null),
  // Mostly forward; some steps back (reordered within the lateness, or late), a few far ahead.
  step: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 400 }) },
    { weight: 2, arbitrary: fc.integer({ min: -1200, max: -1 }) },
    { weight: 1, arbitrary: fc.constant(1e12) },
  ),
});

interface Drawn {
  readonly s: unknown;
  readonly p: unknown;
  readonly v: unknown;
  readonly ok: unknown;
  readonly step: number;
}

function events(drawn: readonly Drawn[]): Event[] {
  let ts = 1000;
  return drawn.map((e) => {
    ts += e.step;
    const at = ts;
    // A jump far ahead is refused (maxTimeJump): the clock does not move.
    if (e.step >= 1e12) ts -= e.step;
    return { values: [e.s, e.p, e.v, e.ok], ts: at };
  });
}

describe('sendTransient: a lent row gives exactly what send gives', () => {
  it('on random events, every statement shape', () => {
    fc.assert(
      fc.property(
        fc.array(EVENT, { minLength: 1, maxLength: 60 }),
        fc.constantFrom(0, 500),
        (drawn, lateness) => {
          const input = events(drawn);
          expect(run(input, true, lateness)).toEqual(run(input, false, lateness));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('the properties can reach every statement (the random runs are not vacuous)', () => {
    const input = events(
      Array.from({ length: 400 }, (_, i) => ({
        s: ['A', 'B', 'C'][i % 3],
        p: (i * 37) % 101,
        v: i % 10,
        ok: i % 2 === 0,
        step: i % 7 === 3 ? -300 : i % 97 === 5 ? -2000 : 150,
      })),
    );
    expect(run(input, true, 0)).toEqual(run(input, false, 0));
    const sent = run(input, false, 500);
    expect(run(input, true, 500)).toEqual(sent);
    const named = new Set(sent.calls.map((c) => (JSON.parse(c) as [string])[0]));
    expect([...named].sort()).toEqual(
      [
        'consumer',
        'context',
        'count',
        'filter',
        'indexed',
        'insert',
        'join',
        'kept',
        'keptFiltered',
        'limited',
        'named',
        'pattern',
        'regexp',
        'subquery',
        'where',
        'window',
        'stmt-13',
        'stmt-14',
      ].sort(),
    );
    expect(sent.late.length).toBeGreaterThan(0);
  });

  it('an open type is read as by send', () => {
    const outcome = (lent: boolean) => {
      const engine = createEngine();
      engine.deploy("create schema O(s string) open; @name('o') select * from O(s = 'x');");
      const calls: string[] = [];
      engine.statements()[0]?.subscribe((n) => calls.push(JSON.stringify(n)));
      const row: Row = { s: 'x', extra: 1 };
      if (lent) engine.sendTransient('O', row, 1);
      else engine.send('O', { ...row }, 1);
      row.s = 'poison';
      return calls;
    };
    expect(outcome(true)).toEqual(outcome(false));
    expect(outcome(true)).toEqual([JSON.stringify([{ s: 'x', extra: 1 }])]);
  });

  it('a closed engine refuses it as send does', () => {
    const engine = createEngine();
    engine.deploy('create schema T(s string); select * from T;');
    engine.close();
    expect(() => engine.sendTransient('T', { s: 'a' }, 1)).toThrow(/send: the engine is closed/);
  });

  it('errors as send: an unknown type, a missing timestamp', () => {
    const engine = createEngine();
    engine.deploy('create schema T(s string); select * from T;');
    expect(() => engine.sendTransient('Nope', { s: 'a' }, 1)).toThrow(/Unknown event type 'Nope'/);
    expect(() => engine.sendTransient('T', { s: 'a' })).toThrow(/has no timestamp/);
    expect(engine.stats().eventsIn).toBe(0);
  });
});
