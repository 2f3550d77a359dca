/**
 * The flat evaluator of `every a=A -> b=B(k = a.x) [where timer:within(p)]` against the
 * general automaton on random streams: the same calls (time and rows), and after every
 * event the same live instances and cap hits. Streams mix equal
 * timestamps, gaps landing exactly on deadlines, null keys and events that both start and
 * could complete a wait; caps are small enough to be reached.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { compileExpr } from '../../src/expr/compile-expr.js';
import type { createPatternMatcher } from '../../src/patterns/create-pattern-matcher.js';
import { EveryFollowedByMatcher, everyFollowedByShape } from '../../src/patterns/every-followed-by.js';
import { type MatchState, type PatternContext, PatternMatcher } from '../../src/patterns/pattern-matcher.js';
import type { PatternPlan } from '../../src/patterns/pattern-plan.js';
import { TimerQueue } from '../../src/runtime/timer-queue.js';
import { patternPlanOf } from '../support/pattern-plan.js';

const SCHEMAS = `create schema A(id string, v int); create schema B(id string, v int);
  create schema L(user string, ok boolean, v int);`;

const SHAPES = [
  'every a=A(v > 1) -> b=B(id = a.id) where timer:within(3 sec)',
  'every a=L(ok = false) -> b=L(ok = true, user = a.user) where timer:within(3 sec)',
  'every a=L -> b=L(user = a.user, v > a.v)',
  'every a=L -> b=L(user = a.user) where timer:within(2 sec)',
  'every a=A -> b=B where timer:within(2 sec)',
  'every a=A -> b=B(v >= a.v)',
  'every A(v > 0) -> b=B where timer:within(2 sec)',
  'every a=L(ok = false) -> L(user = a.user) where timer:within(3 sec)',
  'every a=L(v > 0) -> b=L(ok = true, v < 3, user = a.user, v >= a.v) where timer:within(3 sec)',
];

function patternPlan(pattern: string): PatternPlan {
  return patternPlanOf(SCHEMAS, pattern);
}

interface Ev {
  readonly type: 'A' | 'B' | 'L';
  readonly row: Row;
  readonly ts: number;
}

const events = fc
  .array(
    fc.record({
      type: fc.constantFrom('A', 'B', 'L'),
      key: fc.constantFrom('x', 'y', 'z', null),
      ok: fc.boolean(),
      v: fc.integer({ min: 0, max: 3 }),
      gap: fc.constantFrom(0, 1, 500, 1000, 1999, 2000, 3000),
    }),
    { maxLength: 40 },
  )
  .map((raw) => {
    let ts = 1000;
    return raw.map((r): Ev => {
      ts += r.gap;
      const row = r.type === 'L' ? { user: r.key, ok: r.ok, v: r.v } : { id: r.key, v: r.v };
      return { type: r.type as Ev['type'], row, ts };
    });
  });

interface Harness {
  send(e: Ev): void;
  stats(): { liveInstances: number; capReached: number; examined: number };
  readonly calls: string[];
}

/** An engine in miniature: a clock and a timer queue fired in due order before each event. */
function harness(
  make: (ctx: PatternContext) => ReturnType<typeof createPatternMatcher>,
  cap: number,
): Harness {
  const timers = new TimerQueue();
  let clock = 1000;
  const calls: string[] = [];
  const name = (row: unknown) => (row === undefined || row === null ? '-' : ((row as Row).name as string));
  // The matches of one event or timer instant form one call, as the statement's output groups them.
  let step: MatchState[] = [];
  const endStep = () => {
    if (step.length > 0) calls.push(`${clock}: ${step.map((m) => `${name(m.a)}/${name(m.b)}`).join(' ')}`);
    step = [];
  };
  const matcher = make({
    timers: timers.service(() => clock),
    compile: compileExpr,
    emit: (match: MatchState) => {
      step.push(match);
    },
    maxLiveInstances: cap,
    onCapReached: () => {},
  });
  matcher.start();
  let n = 0;
  return {
    calls,
    stats: () => matcher.stats(),
    send(e) {
      for (let t = timers.popDue(e.ts); t !== undefined; t = timers.popDue(e.ts)) {
        clock = Math.max(clock, t.due);
        t.owner.onTimer(t.tag, t.due);
        endStep();
      }
      clock = Math.max(clock, e.ts);
      matcher.onEvent(e.type, { ...e.row, name: `${e.type}${n++}` });
      endStep();
    },
  };
}

/** Same live instances and cap hits; `examined` may only be lower (event-only conditions come first). */
function expectSameState(flat: Harness, general: Harness): void {
  const f = flat.stats();
  const g = general.stats();
  expect({ live: f.liveInstances, capped: f.capReached }).toEqual({
    live: g.liveInstances,
    capped: g.capReached,
  });
  expect(f.examined).toBeLessThanOrEqual(g.examined);
}

describe('every a=A -> b=B(k = a.x) [where timer:within(p)], flat evaluator', () => {
  it('is chosen for the shape and only for it', () => {
    for (const s of SHAPES) expect(everyFollowedByShape(patternPlan(s)), s).toBeDefined();
    for (const s of [
      'every (a=A -> b=B(id = a.id))',
      'a=A -> b=B(id = a.id)',
      'every a=A -> b=B(id = a.id) where timer:withinmax(2 sec, 1)',
      'every a=A -> b=B -> c=L',
      'every a=A where timer:within(1 sec) -> b=B',
    ]) {
      expect(everyFollowedByShape(patternPlan(s)), s).toBeUndefined();
    }
  });

  for (const pattern of SHAPES) {
    it(`matches the general automaton: ${pattern}`, () => {
      const plan = patternPlan(pattern);
      const shape = everyFollowedByShape(plan);
      if (shape === undefined) throw new Error('not the shape');
      fc.assert(
        fc.property(events, fc.constantFrom(1, 2, 3, 5, 1_000_000), (stream, cap) => {
          const general = harness((ctx) => new PatternMatcher(plan, ctx), cap);
          const flat = harness((ctx) => new EveryFollowedByMatcher(shape, ctx), cap);
          for (const e of stream) {
            general.send(e);
            flat.send(e);
            expectSameState(flat, general);
          }
          const end = { type: 'C', row: {}, ts: (stream.at(-1)?.ts ?? 1000) + 10_000 } as unknown as Ev;
          general.send(end);
          flat.send(end);
          expectSameState(flat, general);
          expect(flat.calls).toEqual(general.calls);
        }),
        { numRuns: 300 },
      );
    });
  }
});
