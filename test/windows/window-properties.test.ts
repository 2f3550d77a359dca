/**
 * Every window kind against a naive model that recomputes, from scratch, what the window
 * holds after the events so far at a given instant. Checked at every emit (the posted rows
 * must move the "visible" set — posted as new and not yet as old — exactly to the model's)
 * and after every arrival and at the end (contents() in window order, and nothing missed).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { chainOf } from '../support/window-spec.js';

interface E extends Row {
  readonly id: number;
  readonly k: string;
  readonly v: number | null;
  readonly ts: number;
  readonly ets: number;
}

interface Model {
  /** What contents() holds (in window order) after `es` arrived, at time `now`. */
  contents(es: readonly E[], now: number): readonly E[];
  /** Posted as new and not yet as old; defaults to contents (non-batch windows). */
  visible?(es: readonly E[], now: number): readonly E[];
  /** Compare contents as a set (groupwin has no global order). */
  unordered?: boolean;
  /**
   * False when one instant may take several steps (per-group timers due together), so the
   * state between those steps is not the model's: checked after the instant instead.
   */
  perEmit?: boolean;
}

const P = 2000;

const byKeyLast = (es: readonly E[]) => {
  const m = new Map<string, E>();
  for (const e of es) {
    m.delete(e.k);
    m.set(e.k, e);
  }
  return [...m.values()];
};

const firstByKey = (es: readonly E[]) => {
  const seen = new Set<string>();
  return es.filter((e) => !seen.has(e.k) && seen.add(e.k) !== undefined);
};

/**
 * Null ranks below every value: after values descending, before them ascending. Among equal
 * keys the newest event ranks first (Esper's SortWindowView), so the oldest tie is displaced.
 */
const sortModel = (n: number, descending: boolean) => (es: readonly E[]) =>
  [...es]
    .sort((a, b) => {
      if (a.v !== b.v) {
        if (a.v === null) return descending ? 1 : -1;
        if (b.v === null) return descending ? -1 : 1;
        return descending ? b.v - a.v : a.v - b.v;
      }
      return b.id - a.id;
    })
    .slice(0, n);

/** Tumbling intervals on a grid: contents = the open interval, visible = the last closed one. */
const gridBatches = (origin: (es: readonly E[]) => number) => ({
  contents(es: readonly E[], now: number) {
    if (es.length === 0) return [];
    const o = origin(es);
    const closed = Math.floor((now - o) / P);
    return es.filter((e) => Math.floor((e.ts - o) / P) >= closed);
  },
  visible(es: readonly E[], now: number) {
    if (es.length === 0) return [];
    const o = origin(es);
    const closed = Math.floor((now - o) / P);
    return es.filter((e) => Math.floor((e.ts - o) / P) === closed - 1);
  },
});

/** time_length_batch(P, 3), replayed from the start. */
function timeLengthBatch(es: readonly E[], now: number): { cur: E[]; prev: E[] } {
  let cur: E[] = [];
  let prev: E[] = [];
  let due: number | undefined;
  const flush = (t: number) => {
    const again = cur.length > 0 || prev.length > 0;
    prev = cur;
    cur = [];
    due = again ? t + P : undefined;
  };
  for (const e of es) {
    while (due !== undefined && due <= e.ts) flush(due);
    cur.push(e);
    if (cur.length >= 3) flush(e.ts);
    else due ??= e.ts + P;
  }
  while (due !== undefined && due <= now) flush(due);
  return { cur, prev };
}

function extBatches(es: readonly E[]): { cur: E[]; prev: E[] } {
  const first = es[0];
  if (first === undefined) return { cur: [], prev: [] };
  const idx = (e: E) => Math.floor((e.ets - first.ets) / P);
  const last = idx(es[es.length - 1] as E);
  const earlier = es.filter((e) => idx(e) < last);
  const prevIdx = earlier.length === 0 ? undefined : idx(earlier[earlier.length - 1] as E);
  return { cur: es.filter((e) => idx(e) === last), prev: earlier.filter((e) => idx(e) === prevIdx) };
}

const MODELS: Record<string, Model> = {
  '#length(3)': { contents: (es) => es.slice(-3) },
  '#length_batch(3)': {
    contents: (es) => es.slice(Math.floor(es.length / 3) * 3),
    visible: (es) => {
      const full = Math.floor(es.length / 3) * 3;
      return full === 0 ? [] : es.slice(full - 3, full);
    },
  },
  '#time(2 sec)': { contents: (es, now) => es.filter((e) => e.ts + P > now) },
  '#time_batch(2 sec)': gridBatches((es) => (es[0] as E).ts),
  '#time_batch(2 sec, 500L)': gridBatches(() => 500),
  '#time_length_batch(2 sec, 3)': {
    contents: (es, now) => timeLengthBatch(es, now).cur,
    visible: (es, now) => timeLengthBatch(es, now).prev,
  },
  '#time_accum(2 sec)': {
    contents(es, now) {
      const last = es[es.length - 1];
      if (last === undefined || last.ts + P <= now) return [];
      let i = es.length - 1;
      while (i > 0 && (es[i - 1] as E).ts + P > (es[i] as E).ts) i--;
      return es.slice(i);
    },
  },
  '#ext_timed(ets, 2 sec)': {
    contents: (es) => {
      const last = es[es.length - 1];
      return last === undefined ? [] : es.filter((e) => e.ets > last.ets - P);
    },
  },
  '#ext_timed_batch(ets, 2 sec)': {
    contents: (es) => extBatches(es).cur,
    visible: (es) => extBatches(es).prev,
  },
  '#keepall': { contents: (es) => es },
  '#unique(k)': { contents: byKeyLast },
  '#unique(k, v)': {
    contents: (es) => {
      const m = new Map<string, E>();
      for (const e of es) {
        const key = `${e.k}|${e.v}`;
        m.delete(key);
        m.set(key, e);
      }
      return [...m.values()];
    },
  },
  '#lastevent': { contents: (es) => es.slice(-1) },
  '#firstlength(3)': { contents: (es) => es.slice(0, 3) },
  '#firstunique(k)': { contents: firstByKey },
  '#firstevent': { contents: (es) => es.slice(0, 1) },
  '#sort(3, v desc)': { contents: sortModel(3, true) },
  '#sort(2, v asc)': { contents: sortModel(2, false) },
  '#groupwin(k)#length(2)': {
    contents: (es) => es.filter((e) => es.filter((o) => o.k === e.k && o.id > e.id).length < 2),
    unordered: true,
  },
  '#groupwin(k)#time(2 sec)': {
    contents: (es, now) => es.filter((e) => e.ts + P > now),
    unordered: true,
    perEmit: false,
  },
  '#length(4)#time(2 sec)': { contents: (es, now) => es.slice(-4).filter((e) => e.ts + P > now) },
  '#firstlength(2)#time(2 sec)': {
    contents(es, now) {
      let kept: E[] = [];
      for (const e of es) {
        kept = kept.filter((a) => a.ts + P > e.ts);
        if (kept.length < 2) kept.push(e);
      }
      return kept.filter((a) => a.ts + P > now);
    },
  },
  '#unique(k)#length(3)': {
    contents(es) {
      let kept: E[] = [];
      for (const e of es) {
        const all = [...kept, e];
        const gone = new Set<E>(kept.filter((o) => o.k === e.k));
        if (all.length > 3) gone.add(all[0] as E);
        kept = all.filter((o) => !gone.has(o));
      }
      return kept;
    },
  },
  '#firstunique(k)#length_batch(3)': {
    contents: (es) => firstUniqueBatches(es).cur,
    visible: (es) => firstUniqueBatches(es).prev,
  },
};

function firstUniqueBatches(es: readonly E[]): { cur: E[]; prev: E[] } {
  let cur: E[] = [];
  let prev: E[] = [];
  for (const e of es) {
    if (cur.some((c) => c.k === e.k)) continue;
    cur.push(e);
    if (cur.length === 3) {
      prev = cur;
      cur = [];
    }
  }
  return { cur, prev };
}

const eventsArb = fc
  .array(
    fc.record({
      k: fc.constantFrom('a', 'b', 'c'),
      v: fc.option(fc.integer({ min: 0, max: 5 }), { freq: 6, nil: null }),
      gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1500 }), fc.constant(P)),
      egap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 })),
    }),
    { maxLength: 30 },
  )
  .map((raw) => {
    let ts = 1000;
    let ets = 0;
    return raw.map((r, i): E => {
      ts += r.gap;
      ets += r.egap;
      return { id: i + 1, k: r.k, v: r.v, ts, ets };
    });
  });

const ids = (rows: readonly Row[]) => rows.map((r) => r.id as number);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

function run(spec: string, model: Model, events: readonly E[], tail: number): void {
  const ctx = new FakeWindowContext(events[0]?.ts ?? 0);
  const window = chainOf(spec, ctx);
  const arrived: E[] = [];
  const visible = new Set<number>();
  const visibleOf = model.visible ?? model.contents;
  ctx.onEmit = (emit) => {
    const news = ids(emit.inserted ?? []);
    const olds = ids(emit.removed ?? []);
    for (const id of news) expect(visible.has(id), `${spec}: e${id} posted as new twice`).toBe(false);
    for (const id of news) visible.add(id);
    for (const id of olds) {
      expect(visible.has(id), `${spec}: e${id} posted as old but was not in`).toBe(true);
      visible.delete(id);
    }
    if (model.perEmit === false) return;
    expect(sorted([...visible]), `${spec}: visible after the emit at ${emit.time}`).toEqual(
      sorted(ids(visibleOf(arrived, emit.time))),
    );
  };
  const checkState = () => {
    const now = ctx.now();
    const expected = ids(model.contents(arrived, now));
    const actual = ids(window.contents());
    if (model.unordered) expect(sorted(actual), `${spec}: contents at ${now}`).toEqual(sorted(expected));
    else expect(actual, `${spec}: contents at ${now}`).toEqual(expected);
    expect(window.size()).toBe(expected.length);
    expect(sorted([...visible]), `${spec}: visible at ${now}`).toEqual(sorted(ids(visibleOf(arrived, now))));
  };
  for (const e of events) {
    ctx.advanceTo(e.ts);
    arrived.push(e);
    window.insert(e);
    checkState();
  }
  ctx.advanceTo((events[events.length - 1]?.ts ?? 0) + tail);
  checkState();
}

describe('windows against naive models (fast-check)', () => {
  for (const [spec, model] of Object.entries(MODELS)) {
    it(spec, () => {
      fc.assert(
        fc.property(eventsArb, fc.integer({ min: 0, max: 3 * P }), (events, tail) => {
          run(spec, model, events, tail);
        }),
        { numRuns: 150 },
      );
    });
  }
});
