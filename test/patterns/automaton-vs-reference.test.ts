/**
 * The pattern automaton against reference matchers written directly from each operator's
 * definition (enumerating the candidate events of a small random stream), for ->, and, or,
 * not, every and within; call by call (simultaneous completion) for interval, absence, until
 * (bounds and a timer) and withinmax.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';

interface Ev {
  readonly type: 'A' | 'B' | 'C';
  readonly id: string;
  readonly ts: number;
}

const stream = fc
  .array(fc.record({ type: fc.constantFrom('A', 'B', 'C'), gap: fc.integer({ min: 1, max: 1500 }) }), {
    maxLength: 10,
  })
  .map((raw) => {
    let ts = 1000;
    return raw.map((r, i) => {
      ts += r.gap;
      return { type: r.type as Ev['type'], id: `${r.type}${i}`, ts };
    });
  });

function run(pattern: string, events: readonly Ev[]): string[] {
  const engine = createEngine();
  const [stmt] =
    engine.deploy(`create schema A(id string); create schema B(id string); create schema C(id string);
    select a.id as a, b.id as b from pattern [${pattern}]`);
  const out: string[] = [];
  stmt?.subscribe((rows) => {
    for (const r of rows ?? []) out.push(`${r.a ?? '-'}:${r.b ?? '-'}`);
  });
  for (const e of events) engine.send(e.type, { id: e.id }, e.ts);
  engine.advanceTime(1_000_000);
  return out.sort();
}

const after = (events: readonly Ev[], i: number, type: string) =>
  events.findIndex((e, j) => j > i && e.type === type);
const pairs = (list: [Ev, Ev][]) => list.map(([a, b]) => `${a.id}:${b.id}`).sort();

const REFERENCES: [string, (events: readonly Ev[]) => string[]][] = [
  [
    'every a=A -> b=B',
    (es) =>
      pairs(
        es.flatMap((a, i) => {
          const j = a.type === 'A' ? after(es, i, 'B') : -1;
          return j < 0 ? [] : [[a, es[j] as Ev] as [Ev, Ev]];
        }),
      ),
  ],
  [
    'every (a=A -> b=B)',
    (es) => {
      const out: [Ev, Ev][] = [];
      let i = -1;
      for (;;) {
        const a = after(es, i, 'A');
        if (a < 0) break;
        const b = after(es, a, 'B');
        if (b < 0) break;
        out.push([es[a] as Ev, es[b] as Ev]);
        i = b;
      }
      return pairs(out);
    },
  ],
  [
    'a=A -> every b=B',
    (es) => {
      const a = after(es, -1, 'A');
      return a < 0 ? [] : pairs(es.filter((e, j) => j > a && e.type === 'B').map((b) => [es[a] as Ev, b]));
    },
  ],
  [
    'every a=A -> every b=B',
    (es) =>
      pairs(
        es.flatMap((a, i) =>
          a.type !== 'A' ? [] : es.filter((b, j) => j > i && b.type === 'B').map((b) => [a, b] as [Ev, Ev]),
        ),
      ),
  ],
  [
    'every (a=A and b=B)',
    (es) => {
      const out: [Ev, Ev][] = [];
      let a: Ev | undefined;
      let b: Ev | undefined;
      for (const e of es) {
        if (e.type === 'A' && a === undefined) a = e;
        if (e.type === 'B' && b === undefined) b = e;
        if (a !== undefined && b !== undefined) {
          out.push([a, b]);
          a = undefined;
          b = undefined;
        }
      }
      return pairs(out);
    },
  ],
  [
    'every (a=A or b=B)',
    (es) =>
      es
        .filter((e) => e.type !== 'C')
        .map((e) => (e.type === 'A' ? `${e.id}:-` : `-:${e.id}`))
        .sort(),
  ],
  [
    'every a=A -> (b=B and not C)',
    (es) =>
      pairs(
        es.flatMap((a, i) => {
          if (a.type !== 'A') return [];
          const b = after(es, i, 'B');
          const c = after(es, i, 'C');
          return b >= 0 && (c < 0 || c > b) ? [[a, es[b] as Ev] as [Ev, Ev]] : [];
        }),
      ),
  ],
  [
    'every a=A -> b=B where timer:within(2 sec)',
    (es) =>
      pairs(
        es.flatMap((a, i) => {
          const b = a.type === 'A' ? after(es, i, 'B') : -1;
          // The guard's timer at a.ts + 2000 fires before an event at that same time.
          return b >= 0 && (es[b] as Ev).ts < a.ts + 2000 ? [[a, es[b] as Ev] as [Ev, Ev]] : [];
        }),
      ),
  ],
];

describe('pattern automaton against reference matchers', () => {
  for (const [pattern, reference] of REFERENCES) {
    it(pattern, () => {
      fc.assert(
        fc.property(stream, (events) => {
          expect(run(pattern, events)).toEqual(reference(events));
        }),
        { numRuns: 150 },
      );
    });
  }
});

/**
 * Listener calls, not only rows: the matches one event or one timer instant completes arrive
 * in one call (rows compared as a multiset within a call). Streams here repeat timestamps
 * (gap 0) and land events exactly on timer instants, where simultaneous completion happens.
 */
const tiedStream = fc
  .array(fc.record({ type: fc.constantFrom('A', 'B', 'C'), gap: fc.constantFrom(0, 0, 500, 1000, 1500) }), {
    maxLength: 10,
  })
  .map((raw) => {
    let ts = 1000;
    return raw.map((r, i) => {
      ts += r.gap;
      return { type: r.type as Ev['type'], id: `${r.type}${i}`, ts };
    });
  });

type Call = [number, string[]];

function runCalls(pattern: string, select: string, events: readonly Ev[]): string[] {
  const engine = createEngine();
  const [stmt] =
    engine.deploy(`create schema A(id string); create schema B(id string); create schema C(id string);
    select ${select} from pattern [${pattern}]`);
  const out: Call[] = [];
  stmt?.subscribe((rows, _old, ctx) => {
    out.push([
      ctx.time,
      (rows ?? []).map((r) =>
        Object.values(r)
          .map((v) => v ?? '-')
          .join(':'),
      ),
    ]);
  });
  for (const e of events) engine.send(e.type, { id: e.id }, e.ts);
  engine.advanceTime(1_000_000);
  return renderCalls(out);
}

function renderCalls(calls: readonly Call[]): string[] {
  return calls
    .filter(([, rows]) => rows.length > 0)
    .map(([t, rows]) => `${t}: ${[...rows].sort().join(' ')}`);
}

/** Rows completed at the same time (by one event or by timers due then) as one call each, in time order. */
function byTime(rows: readonly [number, number, string][]): string[] {
  // [time, order key within the time (event index, or -1 for timers, which fire first), row]
  const calls = new Map<string, Call>();
  const sorted = [...rows].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  for (const [t, k, row] of sorted) {
    const key = `${t}/${k}`;
    const call = calls.get(key);
    if (call === undefined) calls.set(key, [t, [row]]);
    else call[1].push(row);
  }
  return renderCalls([...calls.values()]);
}

const CALL_REFERENCES: [string, string, (events: readonly Ev[]) => string[]][] = [
  [
    // Each A's interval ends 1 s later; A's with one timestamp end together: one call.
    'every a=A -> timer:interval(1 sec)',
    'a.id as a',
    (es) => byTime(es.filter((e) => e.type === 'A').map((a) => [a.ts + 1000, -1, a.id])),
  ],
  [
    // Absence: no B after the A and before its interval ends (a B at that instant is too late).
    'every a=A -> (timer:interval(1 sec) and not B)',
    'a.id as a',
    (es) =>
      byTime(
        es.flatMap((a, i): [number, number, string][] => {
          if (a.type !== 'A') return [];
          const cancelled = es.some((b, j) => j > i && b.type === 'B' && b.ts < a.ts + 1000);
          return cancelled ? [] : [[a.ts + 1000, -1, a.id]];
        }),
      ),
  ],
  [
    // One B completes every A still waiting: one call per B.
    'every a=A -> b=B',
    'a.id as a, b.id as b',
    (es) =>
      byTime(
        es.flatMap((a, i): [number, number, string][] => {
          const j = a.type === 'A' ? after(es, i, 'B') : -1;
          return j < 0 ? [] : [[(es[j] as Ev).ts, j, `${a.id}:${(es[j] as Ev).id}`]];
        }),
      ),
  ],
  [
    // [2:3] until B: A's collected up to 3; a B ends the instance, true with at least 2; the
    // restarted instance sees only later events.
    'every ([2:3] a=A until b=B)',
    'a[0].id as a0, a[1].id as a1, a[2].id as a2, b.id as b',
    (es) => {
      const out: [number, number, string][] = [];
      let collected: Ev[] = [];
      es.forEach((e, j) => {
        if (e.type === 'A' && collected.length < 3) collected.push(e);
        if (e.type !== 'B') return;
        if (collected.length >= 2) {
          const ids = [0, 1, 2].map((k) => collected[k]?.id ?? '-');
          out.push([e.ts, j, `${ids.join(':')}:${e.id}`]);
        }
        collected = [];
      });
      return byTime(out);
    },
  ],
  [
    // [1:] until an interval: windows of 1 s from the start (the statement starts at the first
    // event's time); a window with an A posts its
    // A's at its end, one without is false and restarts silently; an A at a window's end
    // instant belongs to the next window (the timer fires first).
    'every ([1:] a=A until timer:interval(1 sec))',
    'a[0].id as a0, a[1].id as a1',
    (es) => {
      const windows = new Map<number, Ev[]>();
      const start = es[0]?.ts ?? 0;
      for (const e of es) {
        if (e.type !== 'A') continue;
        const end = start + (Math.floor((e.ts - start) / 1000) + 1) * 1000;
        windows.set(end, [...(windows.get(end) ?? []), e]);
      }
      return byTime([...windows].map(([end, as]) => [end, -1, `${as[0]?.id ?? '-'}:${as[1]?.id ?? '-'}`]));
    },
  ],
  [
    // withinmax: each A's `every b=B` passes its first two B's within 2 s, then ends.
    'every a=A -> (every b=B) where timer:withinmax(2 sec, 2)',
    'a.id as a, b.id as b',
    (es) =>
      byTime(
        es.flatMap((a, i): [number, number, string][] => {
          if (a.type !== 'A') return [];
          return es
            .map((b, j) => [b, j] as const)
            .filter(([b, j]) => j > i && b.type === 'B' && b.ts < a.ts + 2000)
            .slice(0, 2)
            .map(([b, j]) => [b.ts, j, `${a.id}:${b.id}`]);
        }),
      ),
  ],
];

describe('pattern automaton against reference matchers, call by call', () => {
  for (const [pattern, select, reference] of CALL_REFERENCES) {
    it(pattern, () => {
      fc.assert(
        fc.property(tiedStream, (events) => {
          expect(runCalls(pattern, select, events)).toEqual(reference(events));
        }),
        { numRuns: 120 },
      );
    });
  }
});
