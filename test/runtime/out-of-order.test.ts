/**
 * Out-of-order input within the allowed lateness produces exactly the in-order result, for
 * every window kind: the event-time buffer restores timestamp order before anything runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';

const QUERIES = [
  'select irstream k, v from T#time(2 sec)',
  'select irstream count(*) as c, sum(v) as s from T#length(3)',
  'select irstream k, avg(v) as a from T#time_batch(1 sec) group by k',
  'select irstream k, v from T#sort(2, v desc)',
  'select k, v, max(v) as m from T#unique(k)',
];

function run(
  query: string,
  events: readonly { ts: number; k: string; v: number }[],
  lateness: number,
): string[] {
  const engine = createEngine({ allowedLateness: lateness });
  const out: string[] = [];
  engine.deploy(`create schema T(k string, v int); ${query}`)[0]?.subscribe((n, o, ctx) => {
    out.push(JSON.stringify([ctx.time, n, o]));
  });
  for (const e of events) engine.send('T', { k: e.k, v: e.v }, e.ts);
  engine.flush();
  engine.advanceTime(100_000);
  return out;
}

describe('out-of-order input within the lateness bound', () => {
  for (const query of QUERIES) {
    it(query, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              gap: fc.integer({ min: 1, max: 700 }),
              k: fc.constantFrom('a', 'b'),
              v: fc.integer({ min: 0, max: 9 }),
            }),
            {
              minLength: 1,
              maxLength: 30,
            },
          ),
          fc.integer({ min: 0, max: 3000 }),
          fc.infiniteStream(fc.integer({ min: 0, max: 1000 })),
          (raw, lateness, jitter) => {
            let ts = 1000;
            const inOrder = raw.map((r) => {
              ts += r.gap;
              return { ts, k: r.k, v: r.v };
            });
            // Each event may move behind later events that are at most `lateness` ms newer.
            const keys = inOrder.map((e) => ({
              e,
              key: e.ts + ((jitter.next().value as number) % (lateness + 1)),
            }));
            const shuffled = keys.sort((a, b) => a.key - b.key).map((x) => x.e);
            expect(run(query, shuffled, lateness)).toEqual(run(query, inOrder, 0));
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});
