/**
 * Pattern and match_recognize state through the state contract: an engine snapshotted in the
 * middle of a stream, with partial matches alive (open followed-by waits, guards and interval
 * timers pending, repetitions half collected, `and`/`not` halves kept, match_recognize threads
 * and held interval matches), and restored into a fresh engine posts exactly what the
 * uninterrupted engine posts: same calls, same times, same rows.
 *
 * Every Esper conformance case of patterns and match_recognize is replayed with cuts at several
 * points; random streams then drive shapes that keep state in every kind of node.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readConformanceCase } from '../support/conformance-case.js';
import { type CutEvent, runWithCut } from '../support/snapshot-cut.js';

const CONFORMANCE = join(import.meta.dirname, '../conformance');

/**
 * The module without the statements whose snapshot is refused by a part outside src/patterns,
 * and the run cut at half the events.
 */
function withoutUnsupported(
  epl: string,
  events: readonly CutEvent[],
  endTime: number | undefined,
): { text: string; run: ReturnType<typeof runWithCut> } {
  let text = epl;
  for (;;) {
    try {
      return { text, run: runWithCut(text, events, Math.floor(events.length / 2), { endTime }) };
    } catch (e) {
      const name = /Cannot snapshot statement '([^']+)'/.exec(String((e as Error).message))?.[1];
      const parts = text.split(';');
      const i = parts.findIndex((p) => p.includes(`@name('${name}')`));
      if (name === undefined || i < 0 || /pattern\s*\[|match_recognize/.test(parts[i] as string)) throw e;
      parts.splice(i, 1);
      text = parts.join(';');
    }
  }
}

describe('pattern state survives a snapshot and restore', () => {
  const cases = readdirSync(CONFORMANCE).filter((d) => /^(pat|mr)-/.test(d));

  it('replays every pat-* and mr-* conformance case cut at a third, half and two thirds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(125);
    let statements = 0;
    for (const name of cases) {
      const { epl, events, endTime } = readConformanceCase(join(CONFORMANCE, name));
      // Statements of other kinds whose parts are not converted yet are left out (their
      // owners test them); every pattern and match_recognize statement stays.
      const { text: kept, run: half } = withoutUnsupported(epl, events, endTime);
      expect(half.interrupted, `${name} cut at half`).toEqual(half.straight);
      statements += (kept.match(/@name/g) ?? []).length;
      for (const fraction of [1 / 3, 2 / 3]) {
        const cut = Math.floor(events.length * fraction);
        const run = runWithCut(kept, events, cut, { endTime });
        expect(run.interrupted, `${name} cut at event ${cut}`).toEqual(run.straight);
      }
    }
    expect(statements).toBeGreaterThan(180);
  });

  const SCHEMAS =
    'create schema A(id string, v int); create schema B(id string, v int); create schema C(id string, v int);';
  const SHAPES = [
    'every a=A -> b=B(id = a.id) where timer:within(3 sec)',
    'every a=A -> (b=B and not C(id = a.id))',
    'every a=A -> (timer:interval(2 sec) and not B(id = a.id))',
    'every ([2:3] b=B until c=C)',
    'every (b=B until timer:interval(2 sec))',
    'every a=A -> (every b=B(v > a.v) where timer:withinmax(3 sec, 2))',
    'every-distinct(a.id, 4 sec) a=A -> b=B',
    'every (a=A or b=B) -> c=C where timer:within(2 sec)',
    'every a=A -> every b=B(id = a.id) while (b.v > 0)',
    'a=A -> [2] b=B -> c=C(v > b[0].v)',
    'every a=A -> b=B(id = a.id) where timer:within(a.v)',
    'every a=A -> (timer:interval(a.v / 2) and not B(id = a.id))',
    'every a=A -> timer:interval(a.v - 2) -> b=B',
  ];
  const MR = [
    'partition by id measures A.v as a, count(B.v) as n pattern (A B+ C) define B as B.v > A.v, C as C.v < prev(C.v, 1)',
    'measures A.v as a, last(B.v) as lb all matches after match skip to current row pattern (A B*) define B as B.v > A.v',
    'partition by id measures first(B.v) as f pattern (B+) interval 2 sec or terminated define B as B.v > 0',
  ];

  const stream = fc
    .array(
      fc.record({
        type: fc.constantFrom('A', 'B', 'C'),
        id: fc.constantFrom('x', 'y', 'z'),
        v: fc.integer({ min: -1, max: 5 }),
        gap: fc.constantFrom(0, 500, 1000, 2000, 3000),
      }),
      { minLength: 2, maxLength: 30 },
    )
    .map((raw) => {
      let ts = 1000;
      return raw.map((r): CutEvent => {
        ts += r.gap;
        return { type: r.type, ts, data: { id: r.id, v: r.v } };
      });
    });

  const statements = [
    ...SHAPES.map((p, i) => `@name('p${i}') select * from pattern [${p}];`),
    ...MR.map((m, i) => `@name('m${i}') select * from B match_recognize (${m});`),
  ].join('\n');

  it('on random streams, for every kind of pattern node and match_recognize run', () => {
    fc.assert(
      fc.property(stream, fc.nat(), (events, at) => {
        const cut = at % (events.length + 1);
        const endTime = (events.at(-1)?.ts ?? 1000) + 10_000;
        const run = runWithCut(`${SCHEMAS}\n${statements}`, events, cut, { endTime });
        expect(run.interrupted).toEqual(run.straight);
      }),
      { numRuns: 100 },
    );
  });
});
