/**
 * The join against a naive nested-loop recompute over window contents (Esper's definition):
 * in each step, the insert stream is every combination of the contents after the step that
 * holds at least one event posted as new, and the remove stream every combination of the
 * contents before the step that holds at least one event posted as old, where the where
 * clause holds; both as sets. Compared per step as multisets (a repeat would show).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import type { BoundExpr } from '../../src/expr/bound-expr.js';
import { createEngine } from '../../src/index.js';
import type { Operator } from '../../src/operators/operator.js';
import { createJoinOperator } from '../../src/physical/compile-join.js';
import type { JoinNode } from '../../src/plan/logical-plan.js';

// A type alias (not an interface), so an Ev is a Row.
type Ev = {
  readonly id: number;
  readonly k: string | null;
  readonly v: number;
};

type Pair = readonly [Ev, Ev];

function matches(a: Ev, b: Ev, equality: boolean): boolean {
  const keyed = !equality || (a.k !== null && b.k !== null && a.k === b.k);
  return keyed && a.v <= b.v;
}

/** Combinations of `as` × `bs` (where clause holding) with a component in `marked`. */
function naivePairs(
  as: readonly Ev[],
  bs: readonly Ev[],
  marked: ReadonlySet<Ev>,
  equality: boolean,
): string[] {
  const out: string[] = [];
  for (const a of as) {
    for (const b of bs)
      if ((marked.has(a) || marked.has(b)) && matches(a, b, equality)) out.push(`${a.id}-${b.id}`);
  }
  return out.sort();
}

const event = fc.record({
  k: fc.option(fc.constantFrom('x', 'y', 'z'), { nil: null, freq: 6 }),
  v: fc.integer({ min: 0, max: 5 }),
  stream: fc.constantFrom('A', 'B'),
});

describe('join through the engine vs a naive recompute (two #length windows)', () => {
  for (const equality of [true, false]) {
    it(equality
      ? 'with an equality (hash lookups) and a residual'
      : 'without an equality (cross product)', () => {
      fc.assert(
        fc.property(
          fc.array(event, { minLength: 1, maxLength: 30 }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 1, max: 3 }),
          (input, n, m) => {
            const engine = createEngine();
            const where = equality ? 'a.k = b.k and a.v <= b.v' : 'a.v <= b.v';
            const [stmt] = engine.deploy(`
              create schema A(id int, k string, v int);
              create schema B(id int, k string, v int);
              select irstream a.id as aid, b.id as bid
              from A#length(${n}) as a, B#length(${m}) as b where ${where};
            `);
            const calls = new Map<number, { ins: string[]; rem: string[] }>();
            const key = (r: Row) => `${r.aid}-${r.bid}`;
            stmt?.subscribe((ins, rem, { time }) => {
              expect(calls.has(time)).toBe(false);
              calls.set(time, { ins: (ins ?? []).map(key).sort(), rem: (rem ?? []).map(key).sort() });
            });
            let as: Ev[] = [];
            let bs: Ev[] = [];
            input.forEach((e, i) => {
              const ev: Ev = { id: i, k: e.k, v: e.v };
              const time = 1000 * (i + 1);
              engine.send(e.stream, { ...ev }, time);
              const beforeA = as;
              const beforeB = bs;
              const [own, size] = e.stream === 'A' ? [as, n] : [bs, m];
              const after = [...own, ev];
              const evicted = after.length > size ? after.splice(0, after.length - size) : [];
              if (e.stream === 'A') as = after;
              else bs = after;
              const ins = naivePairs(as, bs, new Set([ev]), equality);
              const rem = naivePairs(beforeA, beforeB, new Set(evicted), equality);
              const got = calls.get(time);
              if (ins.length === 0 && rem.length === 0) expect(got).toBeUndefined();
              else expect(got).toEqual({ ins, rem });
            });
          },
        ),
        { numRuns: 150 },
      );
    });
  }
});

/** A two-stream Join node over `{ a, b }` with `a.k = b.k` (or none) and residual `a.v <= b.v`. */
function joinNode(equality: boolean): JoinNode {
  const prop = (alias: string, name: string, type: 'string' | 'int'): BoundExpr => ({
    kind: 'Prop',
    path: [alias, name],
    type,
  });
  return {
    kind: 'Join',
    inputs: [],
    streams: [
      { alias: 'a', stream: 'A', unidirectional: false, predicate: undefined },
      { alias: 'b', stream: 'B', unidirectional: false, predicate: undefined },
    ],
    equalities: equality
      ? [
          {
            left: { stream: 0, expr: prop('a', 'k', 'string') },
            right: { stream: 1, expr: prop('b', 'k', 'string') },
          },
        ]
      : [],
    outer: undefined,
    residual: {
      kind: 'Compare',
      op: '<=',
      left: prop('a', 'v', 'int'),
      right: prop('b', 'v', 'int'),
      type: 'boolean',
    },
    schema: [],
  };
}

/** One step: what each side's window posts (new events are fresh; old ones come from its contents). */
const stepArb = fc.record({
  newA: fc.array(event, { maxLength: 3 }),
  newB: fc.array(event, { maxLength: 3 }),
  dropA: fc.array(fc.boolean(), { maxLength: 6 }),
  dropB: fc.array(fc.boolean(), { maxLength: 6 }),
});

describe('JoinOperator with several streams posting in one step vs the naive definition', () => {
  for (const equality of [true, false]) {
    it(equality ? 'hash lookups' : 'cross product', () => {
      fc.assert(
        fc.property(fc.array(stepArb, { minLength: 1, maxLength: 12 }), (steps) => {
          const pending: { flush?: () => void } = {};
          // The engine's step end: the join flushes what every side posted.
          const runFlush = () => pending.flush?.();
          let got: { ins: string[]; rem: string[] } | undefined;
          const key = (r: Row) => `${(r.a as Ev).id}-${(r.b as Ev).id}`;
          const sink: Operator = {
            onUpdate: (ins, rem) => {
              got = { ins: (ins ?? []).map(key).sort(), rem: (rem ?? []).map(key).sort() };
            },
          };
          const ctx = { aggValues: [], prev: () => undefined, prior: () => undefined };
          const join = createJoinOperator(
            joinNode(equality),
            {
              ctx,
              computeOld: true,
              defer: (f) => {
                pending.flush = f;
              },
            },
            sink,
          );
          let nextId = 0;
          let as: Ev[] = [];
          let bs: Ev[] = [];
          for (const step of steps) {
            const fresh = (es: readonly { k: string | null; v: number }[]) =>
              es.map((e) => ({ id: nextId++, k: e.k, v: e.v }));
            const newA = fresh(step.newA);
            const newB = fresh(step.newB);
            const oldA = as.filter((_, i) => step.dropA[i] === true);
            const oldB = bs.filter((_, i) => step.dropB[i] === true);
            pending.flush = undefined;
            got = undefined;
            if (newA.length > 0 || oldA.length > 0) {
              join.side(0).onUpdate(newA.length > 0 ? newA : null, oldA.length > 0 ? oldA : null);
            }
            if (newB.length > 0 || oldB.length > 0) {
              join.side(1).onUpdate(newB.length > 0 ? newB : null, oldB.length > 0 ? oldB : null);
            }
            runFlush();
            const rem = naivePairs(as, bs, new Set([...oldA, ...oldB]), equality);
            as = [...as.filter((e) => !oldA.includes(e)), ...newA];
            bs = [...bs.filter((e) => !oldB.includes(e)), ...newB];
            const ins = naivePairs(as, bs, new Set([...newA, ...newB]), equality);
            if (ins.length === 0 && rem.length === 0) expect(got).toBeUndefined();
            else expect(got).toEqual({ ins, rem });
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});

/**
 * Three streams chained by two equalities (`a.k = b.k`, `b.j = c.j`) and a residual over the
 * ends (`a.v <= c.v`), on `#time(2 sec)` windows with timestamps on a 1-second grid, so
 * expiries of several streams often fall due at one instant and form one step.
 */
describe('three-stream join through the engine vs a naive recompute (#time windows)', () => {
  type Ev3 = {
    readonly id: number;
    readonly k: string;
    readonly j: number;
    readonly v: number;
    readonly ts: number;
  };
  const holds = (a: Ev3, b: Ev3, c: Ev3) => a.k === b.k && b.j === c.j && a.v <= c.v;
  const triples = (as: Ev3[], bs: Ev3[], cs: Ev3[], marked: ReadonlySet<Ev3>) => {
    const out: string[] = [];
    for (const a of as)
      for (const b of bs)
        for (const c of cs)
          if ((marked.has(a) || marked.has(b) || marked.has(c)) && holds(a, b, c))
            out.push(`${a.id}-${b.id}-${c.id}`);
    return out.sort();
  };
  const arb = fc.array(
    fc.record({
      stream: fc.constantFrom('A', 'B', 'C'),
      k: fc.constantFrom('x', 'x', 'y'),
      j: fc.constantFrom(1, 1, 2),
      v: fc.integer({ min: 0, max: 3 }),
      gap: fc.constantFrom(0, 0, 1, 1, 2),
    }),
    { minLength: 1, maxLength: 40 },
  );

  it('posts exactly the combinations gained and lost in each step', () => {
    fc.assert(
      fc.property(arb, (input) => {
        const engine = createEngine();
        const [stmt] = engine.deploy(`
          create schema A(id int, k string, v int);
          create schema B(id int, k string, j int);
          create schema C(id int, j int, v int);
          select irstream a.id as aid, b.id as bid, c.id as cid
          from A#time(2 sec) as a, B#time(2 sec) as b, C#time(2 sec) as c
          where a.k = b.k and b.j = c.j and a.v <= c.v;
        `);
        const got: string[] = [];
        const key = (r: Row) => `${r.aid}-${r.bid}-${r.cid}`;
        stmt?.subscribe((ins, rem, { time }) => {
          got.push(JSON.stringify([time, (ins ?? []).map(key).sort(), (rem ?? []).map(key).sort()]));
        });
        const expected: string[] = [];
        const post = (time: number, ins: string[], rem: string[]) => {
          if (ins.length > 0 || rem.length > 0) expected.push(JSON.stringify([time, ins, rem]));
        };
        const live: Record<string, Ev3[]> = { A: [], B: [], C: [] };
        const expire = (upTo: number) => {
          for (;;) {
            const all = [...live.A!, ...live.B!, ...live.C!];
            if (all.length === 0) return;
            const due = Math.min(...all.map((e) => e.ts + 2000));
            if (due > upTo) return;
            const leaving = new Set(all.filter((e) => e.ts + 2000 === due));
            post(due, [], triples(live.A!, live.B!, live.C!, leaving));
            for (const s of ['A', 'B', 'C']) live[s] = live[s]!.filter((e) => !leaving.has(e));
          }
        };
        let ts = 1000;
        input.forEach((e, id) => {
          ts += e.gap * 1000;
          expire(ts);
          const ev: Ev3 = { id, k: e.k, j: e.j, v: e.v, ts };
          engine.send(e.stream, { id, k: e.k, j: e.j, v: e.v }, ts);
          live[e.stream] = [...live[e.stream]!, ev];
          post(ts, triples(live.A!, live.B!, live.C!, new Set([ev])), []);
        });
        engine.advanceTime(ts + 3000);
        expire(ts + 3000);
        expect(got).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('unidirectional join through the engine vs a naive recompute', () => {
  it('posts, for each arrival on the unidirectional stream only, its matches in the other window', () => {
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 3 }),
        (input, m) => {
          const engine = createEngine();
          const [stmt] = engine.deploy(`
          create schema A(id int, k string, v int);
          create schema B(id int, k string, v int);
          select irstream a.id as aid, b.id as bid
          from A as a unidirectional, B#length(${m}) as b where a.k = b.k and a.v <= b.v;
        `);
          const got: string[] = [];
          const key = (r: Row) => `${r.aid}-${r.bid}`;
          stmt?.subscribe((ins, rem, { time }) => {
            got.push(JSON.stringify([time, (ins ?? []).map(key).sort(), rem]));
          });
          const expected: string[] = [];
          let bs: Ev[] = [];
          input.forEach((e, i) => {
            const ev: Ev = { id: i, k: e.k, v: e.v };
            const time = 1000 * (i + 1);
            engine.send(e.stream, { ...ev }, time);
            if (e.stream === 'B') {
              bs = [...bs, ev].slice(-m);
              return;
            }
            const ins = naivePairs([ev], bs, new Set([ev]), true);
            if (ins.length > 0) expected.push(JSON.stringify([time, ins, null]));
          });
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('join of a batch window and a sliding window vs a naive recompute', () => {
  it('sees what the batch last posted; a flush joins the new batch, the previous leaves as old', () => {
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (input, n, m) => {
          const engine = createEngine();
          const [stmt] = engine.deploy(`
            create schema A(id int, k string, v int);
            create schema B(id int, k string, v int);
            select irstream a.id as aid, b.id as bid
            from A#length_batch(${n}) as a, B#length(${m}) as b where a.k = b.k and a.v <= b.v;
          `);
          const got: string[] = [];
          const key = (r: Row) => `${r.aid}-${r.bid}`;
          stmt?.subscribe((ins, rem, { time }) => {
            got.push(JSON.stringify([time, (ins ?? []).map(key).sort(), (rem ?? []).map(key).sort()]));
          });
          const expected: string[] = [];
          let batch: Ev[] = [];
          let as: Ev[] = [];
          let bs: Ev[] = [];
          input.forEach((e, i) => {
            const ev: Ev = { id: i, k: e.k, v: e.v };
            const time = 1000 * (i + 1);
            engine.send(e.stream, { ...ev }, time);
            let ins: string[];
            let rem: string[];
            if (e.stream === 'A') {
              batch = [...batch, ev];
              if (batch.length < n) return;
              rem = naivePairs(as, bs, new Set(as), true);
              as = batch;
              batch = [];
              ins = naivePairs(as, bs, new Set(as), true);
            } else {
              const after = [...bs, ev];
              const evicted = after.length > m ? after.splice(0, after.length - m) : [];
              rem = naivePairs(as, bs, new Set(evicted), true);
              bs = after;
              ins = naivePairs(as, bs, new Set([ev]), true);
            }
            if (ins.length > 0 || rem.length > 0) expected.push(JSON.stringify([time, ins, rem]));
          });
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
