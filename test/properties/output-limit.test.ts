/**
 * Output rate limiting against a naive model: the same statement without its output clause
 * runs through the engine, its listener calls are grouped into the intervals of the output
 * condition, and the output type is applied per interval (Esper's rules for un-aggregated
 * statements):
 * - `all`: the concatenation of the interval's inserts and of its removes;
 * - `last`: the last insert and the last remove of the interval;
 * - an empty side posts null.
 * Intervals: `every n events` closes at every n-th event reaching the output view (the event's
 * own results included; a stream filter's rejected events do not count; a partial interval at
 * the end is never posted; an interval with nothing to report posts no call, Esper's count
 * condition does not force updates). `every p seconds` closes at the first arrival at the view
 * + p, + 2p, …; an event arriving at a close belongs to the next interval, and an interval with
 * nothing to report still calls the listener with both sides null (Esper's time condition forces
 * updates; EPL-SEMANTICS.md, golden out-time-driven).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { createEngine } from '../../src/index.js';

type Ev = { readonly id: number; readonly g: string; readonly v: number; readonly ts: number };
type Call = { readonly time: number; readonly ins: Row[] | null; readonly rem: Row[] | null };

const SCHEMA = 'create schema S(id int, g string, v int, ts long);';

const streams = fc
  .array(
    fc.record({
      g: fc.constantFrom('a', 'b', 'c'),
      v: fc.integer({ min: 0, max: 9 }),
      gap: fc.integer({ min: 1, max: 6 }).map((q) => q * 250), // often exactly at an interval close
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((raw) => {
    let ts = 1000;
    return raw.map((r, id): Ev => {
      if (id > 0) ts += r.gap;
      return { id, g: r.g, v: r.v, ts };
    });
  });

/** Deploys `epl`, sends the events and advances to `end`; every listener call, rows as JSON-able objects. */
function run(epl: string, events: readonly Ev[], end: number): Call[] {
  const engine = createEngine();
  const stmts = engine.deploy(`${SCHEMA} ${epl}`);
  const stmt = stmts[stmts.length - 1];
  const calls: Call[] = [];
  const plain = (rows: Row[] | null | undefined) => (rows == null ? null : rows.map((r) => ({ ...r })));
  stmt?.subscribe((ins, rem, { time }) => {
    calls.push({ time, ins: plain(ins), rem: plain(rem) });
  });
  for (const e of events) engine.send('S', { ...e }, e.ts);
  engine.advanceTime(end);
  return calls;
}

type OutputType = 'all' | 'last';

/** Applies the output type to one interval's unlimited calls. */
function apply(type: OutputType, interval: readonly Call[], time: number): Call {
  const ins = interval.flatMap((c) => c.ins ?? []);
  const rem = interval.flatMap((c) => c.rem ?? []);
  const pick = (rows: Row[]) => (type === 'all' ? rows : rows.slice(-1));
  return {
    time,
    ins: ins.length === 0 ? null : pick(ins),
    rem: rem.length === 0 ? null : pick(rem),
  };
}

/**
 * `every n events`: an interval closes at every n-th event reaching the output view (`arrivals`,
 * their timestamps, strictly increasing) and holds the unlimited calls since the previous close.
 */
function byEvents(
  type: OutputType,
  unlimited: readonly Call[],
  arrivals: readonly number[],
  n: number,
): Call[] {
  const out: Call[] = [];
  let open = Number.NEGATIVE_INFINITY;
  for (let i = n; i <= arrivals.length; i += n) {
    const close = arrivals[i - 1] ?? 0;
    const posted = apply(
      type,
      unlimited.filter((c) => c.time > open && c.time <= close),
      close,
    );
    if (posted.ins !== null || posted.rem !== null) out.push(posted);
    open = close;
  }
  return out;
}

/** `every p ms`, intervals closing at first + p, first + 2p, … up to `end` (none before a first arrival). */
function byTime(
  type: OutputType,
  unlimited: readonly Call[],
  first: number | undefined,
  p: number,
  end: number,
): Call[] {
  const out: Call[] = [];
  if (first === undefined) return out;
  for (let close = first + p; close <= end; close += p) {
    const interval = unlimited.filter((c) => c.time >= close - p && c.time < close);
    out.push(apply(type, interval, close));
  }
  return out;
}

/** Statement shapes and which events reach the output view. */
const shapes: readonly [(k: number) => string, (e: Ev) => boolean][] = [
  [(k) => `select * from S#length(${k})`, () => true],
  [(k) => `select irstream * from S#length(${k})`, () => true],
  [(k) => `select irstream id, g from S(v >= 3)#length(${k})`, (e) => e.v >= 3],
  [(k) => `select rstream id, v from S#length(${k})`, () => true],
];

describe('output rate limiting vs a naive per-interval model (un-aggregated)', () => {
  for (const type of ['all', 'last'] as const) {
    it(`output ${type} every n events`, () => {
      fc.assert(
        fc.property(
          streams,
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 5 }),
          fc.nat(3),
          (events, k, n, shape) => {
            const [select, reaches] = shapes[shape] ?? shapes[0]!;
            const end = (events[events.length - 1]?.ts ?? 0) + 1;
            const unlimited = run(`${select(k)};`, events, end);
            const limited = run(`${select(k)} output ${type} every ${n} events;`, events, end);
            const arrivals = events.filter(reaches).map((e) => e.ts);
            expect(limited).toEqual(byEvents(type, unlimited, arrivals, n));
          },
        ),
        { numRuns: 100 },
      );
    });

    it(`output ${type} every p seconds`, () => {
      fc.assert(
        fc.property(
          streams,
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 3 }),
          fc.nat(3),
          (events, k, p, shape) => {
            const [select, reaches] = shapes[shape] ?? shapes[0]!;
            const first = events.find(reaches)?.ts;
            const end = (events[events.length - 1]?.ts ?? 0) + 2500;
            const unlimited = run(`${select(k)};`, events, end);
            const limited = run(`${select(k)} output ${type} every ${p} seconds;`, events, end);
            expect(limited).toEqual(byTime(type, unlimited, first, p * 1000, end));
          },
        ),
        { numRuns: 100 },
      );
    });
  }
});
