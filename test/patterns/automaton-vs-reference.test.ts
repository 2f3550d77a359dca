/**
 * The pattern automaton against reference matchers written directly from each operator's
 * definition (enumerating the candidate events of a small random stream), for ->, and, or,
 * not, every and within.
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
