/**
 * The state contract for every window kind (common/state.ts): a window snapshotted in the
 * middle of a random stream and restored into a fresh instance (through the real encoding,
 * with its timers re-armed in their original order) posts exactly what the uninterrupted
 * window posts from then on, holds the same events in the same order, and answers prev()
 * the same way. Combinations (intersections, batch intersections, groupwin) included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import type { Stateful } from '../../src/common/state.js';
import { createWindowChain } from '../../src/windows/window-chain.js';
import type { DataWindow } from '../../src/windows/window-def.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { roundTripPart } from '../support/state-round-trip.js';
import { WINDOW_KINDS } from '../support/window-kinds.js';
import { chainOf, stagesOf } from '../support/window-spec.js';
import { contentIds, emitIds } from '../support/window-test-rows.js';

interface E extends Row {
  readonly id: number;
  readonly k: string;
  readonly v: number | null;
  readonly ets: number;
}

const arrivals = fc.array(
  fc.record({
    gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1000, max: 4000 })),
    k: fc.constantFrom('a', 'b', 'c'),
    v: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
  }),
  { minLength: 1, maxLength: 30 },
);

/** prev(n) of every held event, n = 0..3, as ids (what a select would read right now). */
function prevIds(window: DataWindow): (number | null)[] {
  if (window.prev === undefined) return [];
  const out: (number | null)[] = [];
  for (const row of window.contents()) {
    for (let n = 0; n < 4; n++) out.push((window.prev(row, n)?.id as number | undefined) ?? null);
  }
  return out;
}

describe('window snapshot/restore: a round trip mid-stream changes nothing that follows', () => {
  for (const spec of WINDOW_KINDS) {
    it(spec, () => {
      const allowEmpty = spec.includes('FORCE_UPDATE');
      fc.assert(
        fc.property(arrivals, fc.nat(), (input, cutSeed) => {
          let t = 1000;
          const events = input.map((a, id) => {
            t += a.gap;
            // The external timestamp mostly follows the clock, sometimes lags behind it.
            return { time: t, row: { id, k: a.k, v: a.v, ets: t - (id % 4 === 3 ? 600 : 0) } as E };
          });
          const end = t + 5000;
          const cut = cutSeed % (events.length + 1);

          const a = new FakeWindowContext(1000, allowEmpty);
          const wa = chainOf(spec, a);
          for (const e of events) a.send(wa, e.row, e.time);
          a.advanceTo(end);

          const b = new FakeWindowContext(1000, allowEmpty);
          const wb = chainOf(spec, b);
          for (const e of events.slice(0, cut)) b.send(wb, e.row, e.time);
          const c = new FakeWindowContext(1000, allowEmpty);
          c.advanceTo(b.now());
          c.nextSeq = b.nextSeq;
          // A fresh, not started window: restore replaces its whole state.
          const restored = unstarted(spec, c);
          const trip = roundTripPart(wb as Stateful, restored as Stateful, c.restoreTimer);
          expect(trip.timersRestored).toBe(b.pendingTimers());
          expect(contentIds(restored.contents())).toEqual(contentIds(wb.contents()));
          expect(restored.size()).toBe(wb.size());
          expect(prevIds(restored)).toEqual(prevIds(wb));
          for (const e of events.slice(cut)) c.send(restored, e.row, e.time);
          c.advanceTo(end);
          expect(emitIds(c.emits)).toEqual(emitIds(a.emits).slice(b.emits.length));
          expect(contentIds(restored.contents())).toEqual(contentIds(wa.contents()));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('restored events shared by two structures come back as one object', () => {
    // A #length(2)#time(…) intersection holds each event in both members.
    const b = new FakeWindowContext(1000);
    const wb = chainOf('#length(2)#time(5 sec)', b);
    b.send(wb, { id: 1 }, 1000);
    b.send(wb, { id: 2 }, 1100);
    const c = new FakeWindowContext(1000);
    c.advanceTo(1100);
    const restored = unstarted('#length(2)#time(5 sec)', c);
    roundTripPart(wb as Stateful, restored as Stateful, c.restoreTimer);
    const [first] = restored.contents();
    // The length member evicts event 1 on the next arrival: the time member must drop the
    // very same object, so it never leaves a second time when its expiry comes.
    c.send(restored, { id: 3 }, 1200);
    c.advanceTo(10_000);
    expect(emitIds(c.emits)).toEqual([
      { t: 1200, new: [3], old: [1] },
      { t: 6100, new: null, old: [2] },
      { t: 6200, new: null, old: [3] },
    ]);
    expect(first?.id).toBe(1);
  });

  it('stop cancels every timer of a window combination and drops its events', () => {
    const ctx = new FakeWindowContext(1000);
    const w = chainOf('#groupwin(k)#length(2)#time(1 sec)', ctx);
    ctx.send(w, { id: 1, k: 'a' }, 1000);
    ctx.send(w, { id: 2, k: 'b' }, 1100);
    expect(ctx.pendingTimers()).toBe(2);
    w.stop?.();
    expect(ctx.pendingTimers()).toBe(0);
    expect(w.size()).toBe(0);
  });
});

/** A window as a restore gets it: built, not started (no START_EAGER timer armed). */
function unstarted(spec: string, ctx: FakeWindowContext): DataWindow {
  return createWindowChain(stagesOf(spec), ctx);
}
