/**
 * The baselines against Esper itself: the golden cases in test/conformance whose queries
 * have the benchmark's shapes (a #time group-by with avg and max, a grouped time_batch
 * count, `every a -> b(correlated) where timer:within`), run through the baselines with
 * the case's window length and end time, compared on the columns both produce.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { type BaselineFactory, runBaseline } from '../../bench/baselines/baseline.js';
import { createPatternBaseline } from '../../bench/baselines/pattern.js';
import { createSlidingAvgBaseline } from '../../bench/baselines/sliding-avg.js';
import { createSlidingMaxBaseline } from '../../bench/baselines/sliding-max.js';
import { createTumblingCountBaseline } from '../../bench/baselines/tumbling-count.js';
import { Checksum } from '../../bench/checksum.js';
import { type Call, callsOf, expectSameCalls } from './support/calls.js';

interface EnvelopeLine {
  readonly type: string;
  readonly ts: number;
  readonly data: Record<string, unknown>;
}
interface ExpectedLine {
  readonly stmt: string;
  readonly time: number;
  readonly new: Record<string, unknown>[] | null;
}

const caseDir = (name: string) => new URL(`../conformance/${name}/`, import.meta.url);
const lines = <T>(name: string, file: string): T[] =>
  readFileSync(new URL(file, caseDir(name)), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
const endTimeOf = (name: string) =>
  Number(/--end-time (\d+)/.exec(readFileSync(new URL('args', caseDir(name)), 'utf8'))?.[1]);

/** Expected calls of the case's statement, each row projected onto `columns`. */
function expected(
  name: string,
  columns: readonly string[],
  keep: (row: Record<string, unknown>) => boolean = () => true,
) {
  const calls: Call[] = [];
  for (const line of lines<ExpectedLine>(name, 'expected.ndjson')) {
    const rows = (line.new ?? []).filter(keep).map((r) => columns.map((c) => r[c]));
    if (rows.length > 0) calls.push({ time: line.time, rows });
  }
  return new Map([['q', calls]]);
}

function actual(
  factory: BaselineFactory,
  events: readonly EnvelopeLine[],
  endTime: number,
  keep: (row: readonly unknown[]) => boolean = () => true,
) {
  const out = new Checksum(true);
  runBaseline(
    factory,
    {
      type: events.map((e) => e.type),
      events: events.map((e) => ({ ...e.data, ts: e.ts })),
      timestamps: events.map((e) => e.ts),
    },
    out,
    endTime,
  );
  const calls = (callsOf(out).get('q') ?? [])
    .map((c) => ({ time: c.time, rows: c.rows.filter(keep) }))
    .filter((c) => c.rows.length > 0);
  return new Map([['q', calls]]);
}

describe('baselines reproduce Esper golden output', () => {
  for (const [name, windowMs] of [
    ['core-agg-time-groupby', 8000],
    ['core-long-time-groupby', 7000],
  ] as const) {
    const events = lines<EnvelopeLine>(name, 'events.ndjson');
    it(`${name}: sliding avg`, () => {
      expectSameCalls(
        actual((out) => createSlidingAvgBaseline(out, { windowMs }), events, endTimeOf(name)),
        expected(name, ['symbol', 'a']),
      );
    });
    it(`${name}: sliding max`, () => {
      expectSameCalls(
        actual((out) => createSlidingMaxBaseline(out, { windowMs }), events, endTimeOf(name)),
        expected(name, ['symbol', 'mx']),
      );
    });
  }

  it('core-agg-timebatch-groupby-having: tumbling count (rows with count > 1, as the having clause keeps)', () => {
    const name = 'core-agg-timebatch-groupby-having';
    expectSameCalls(
      actual(
        (out) => createTumblingCountBaseline(out, { periodMs: 5000 }),
        lines<EnvelopeLine>(name, 'events.ndjson'),
        endTimeOf(name),
        (row) => (row[1] as number) > 1,
      ),
      expected(name, ['symbol', 'c']),
    );
  });

  // A → a failed login, B → a successful one, id → user; C…F feed nothing. The baseline's
  // rows carry the two events' times, mapped back to their `v` values for comparison.
  for (const [name, withinMs] of [
    ['pat-within', 4000],
    ['pat-correlated', Number.POSITIVE_INFINITY],
  ] as const) {
    it(`${name}: pattern`, () => {
      const events = lines<EnvelopeLine>(name, 'events.ndjson').filter(
        (e) => e.type === 'A' || e.type === 'B',
      );
      const vAt = new Map(events.map((e) => [`${e.type}${e.ts}`, e.data.v]));
      const logins = events.map((e) => ({
        type: 'Login',
        ts: e.ts,
        data: { user: e.data.id, ok: e.type === 'B', country: 'US' },
      }));
      const got = actual((out) => createPatternBaseline(out, { withinMs }), logins, endTimeOf(name));
      const mapped = new Map([
        [
          'q',
          (got.get('q') ?? []).map((c) => ({
            time: c.time,
            rows: c.rows.map(([user, failedAt, okAt]) => [
              user,
              vAt.get(`A${failedAt}`),
              vAt.get(`B${okAt}`),
            ]),
          })),
        ],
      ]);
      expectSameCalls(mapped, expected(name, ['id', 'av', 'bv']));
    });
  }
});
