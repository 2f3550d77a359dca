/**
 * Data windows against naive models: after every step, the events a `select irstream *`
 * statement has seen enter and not yet leave must be exactly what the window's definition
 * says it holds, recomputed from scratch over the events so far.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import type { Row } from '../../src/index.js';

interface Ev {
  readonly id: number;
  readonly k: string;
  readonly v: number;
  readonly ts: number;
}

type Model = (events: readonly Ev[], now: number) => Ev[];

const lastByKey = (events: readonly Ev[]) => {
  const map = new Map<string, Ev>();
  for (const e of events) {
    map.delete(e.k);
    map.set(e.k, e);
  }
  return [...map.values()];
};

const MODELS: [string, Model][] = [
  ['#length(3)', (es) => es.slice(-3)],
  ['#time(2 sec)', (es, now) => es.filter((e) => e.ts + 2000 > now)],
  ['#keepall', (es) => [...es]],
  ['#unique(k)', lastByKey],
  ['#lastevent', (es) => es.slice(-1)],
  ['#firstlength(3)', (es) => es.slice(0, 3)],
  [
    '#firstunique(k)',
    (es) => {
      const seen = new Set<string>();
      return es.filter((e) => !seen.has(e.k) && seen.add(e.k));
    },
  ],
  [
    '#groupwin(k)#length(2)',
    (es) => es.filter((e) => es.filter((o) => o.k === e.k && o.id > e.id).length < 2),
  ],
  [
    '#ext_timed(ts, 2 sec)',
    (es) => (es.length === 0 ? [] : es.filter((e) => e.ts > (es[es.length - 1] as Ev).ts - 2000)),
  ],
  // Ties: the newest first (Esper's SortWindowView), so the oldest tie is displaced.
  ['#sort(3, v desc)', (es) => [...es].sort((a, b) => b.v - a.v || b.id - a.id).slice(0, 3)],
  ['#length(4)#time(2 sec)', (es, now) => es.slice(-4).filter((e) => e.ts + 2000 > now)],
];

const streams = fc
  .array(
    fc.record({
      k: fc.constantFrom('a', 'b', 'c'),
      v: fc.integer({ min: 0, max: 9 }),
      gap: fc.integer({ min: 1, max: 900 }),
    }),
    {
      minLength: 1,
      maxLength: 30,
    },
  )
  .map((raw) => {
    let ts = 1000;
    return raw.map((r, id) => {
      ts += r.gap;
      return { id, k: r.k, v: r.v, ts };
    });
  });

describe('window contents against naive models', () => {
  for (const [window, model] of MODELS) {
    it(window, () => {
      fc.assert(
        fc.property(streams, (events) => {
          const engine = createEngine();
          const [stmt] = engine.deploy(
            `create schema T(id int, k string, v int, ts long); select irstream * from T${window}`,
          );
          const contents: Row[] = [];
          stmt?.subscribe((n, o) => {
            for (const r of n ?? []) contents.push(r);
            for (const r of o ?? []) contents.splice(contents.indexOf(r), 1);
          });
          const seen: Ev[] = [];
          for (const e of events) {
            engine.send('T', e, e.ts);
            seen.push(e);
            const expected = model(seen, e.ts)
              .map((x) => x.id)
              .sort((a, b) => a - b);
            expect(contents.map((r) => r.id as number).sort((a, b) => a - b)).toEqual(expected);
          }
        }),
        { numRuns: 80 },
      );
    });
  }
});
