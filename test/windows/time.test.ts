import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_SPAN } from '../../src/common/span.js';
import { TimeWindow, timeWindow } from '../../src/windows/time.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { roundTripPart } from '../support/state-round-trip.js';
import { num, period, str } from '../support/window-spec.js';
import { contentIds, emitIds, ev, thrown } from '../support/window-test-rows.js';

describe('#time', () => {
  it('an event arriving at t leaves at exactly t + p, before an arrival at t + p', () => {
    const ctx = new FakeWindowContext();
    const w = timeWindow.create({ ms: 5000 }, ctx);
    ctx.send(w, ev(1), 1000);
    ctx.send(w, ev(2), 3000);
    ctx.send(w, ev(3), 6000); // e1's expiry is due at 6000: it fires first
    ctx.send(w, ev(4), 6000);
    expect(contentIds(w.contents())).toEqual([2, 3, 4]);
    ctx.advanceTo(20_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 1000, new: [1], old: null },
      { t: 3000, new: [2], old: null },
      { t: 6000, new: null, old: [1] },
      { t: 6000, new: [3], old: null },
      { t: 6000, new: [4], old: null },
      { t: 8000, new: null, old: [2] },
      // e3 and e4 leave at the same instant: one step.
      { t: 11000, new: null, old: [3, 4] },
    ]);
    expect(w.size()).toBe(0);
  });

  it('keeps at most one timer pending', () => {
    const ctx = new FakeWindowContext();
    const w = timeWindow.create({ ms: 1000 }, ctx);
    // 50 events at 5 distinct instants: one expiry step (one timer) per instant, not per event.
    for (let i = 0; i < 50; i++) {
      ctx.send(w, ev(i), Math.floor(i / 10) * 100);
      expect(ctx.pendingTimers()).toBeLessThanOrEqual(1);
    }
    ctx.advanceTo(5000);
    expect(ctx.pendingTimers()).toBe(0);
    expect(ctx.scheduled).toBe(5);
    expect(ctx.emits.filter((e) => e.removed !== null).map((e) => e.removed?.length)).toEqual([
      10, 10, 10, 10, 10,
    ]);
  });

  it('an event removed by an intersection partner does not leave again', () => {
    const ctx = new FakeWindowContext();
    const w = timeWindow.create({ ms: 5000 }, ctx);
    const e1 = ev(1);
    ctx.send(w, e1, 0);
    ctx.send(w, ev(2), 1000);
    expect(w.remove(e1)).toBe(true);
    ctx.advanceTo(5500);
    expect(emitIds(ctx.emits).slice(2)).toEqual([]);
    ctx.advanceTo(6000);
    expect(emitIds(ctx.emits).slice(2)).toEqual([{ t: 6000, new: null, old: [2] }]);
  });

  it('prev(n) is the n-th newest event in arrival order, whatever row asks', () => {
    const ctx = new FakeWindowContext();
    const w = timeWindow.create({ ms: 5000 }, ctx);
    const rows = [ev(1), ev(2), ev(3)];
    for (const r of rows) ctx.send(w, r, 0);
    expect(w.prev?.(rows[2] as never, 2)).toBe(rows[0]);
    expect(w.prev?.(rows[0] as never, 1)).toBe(rows[1]);
    expect(w.prev?.(rows[0] as never, 3)).toBeUndefined();
  });

  it('a plain number means seconds; periods are already ms', () => {
    expect(timeWindow.validate([num(5)], NO_SPAN)).toEqual({ ms: 5000 });
    expect(timeWindow.validate([num(2.3)], NO_SPAN)).toEqual({ ms: 2300 });
    expect(timeWindow.validate([period(1500)], NO_SPAN)).toEqual({ ms: 1500 });
    expect(thrown(() => timeWindow.validate([num(0)], NO_SPAN)).message).toBe(
      '#time requires a positive time period (such as 10 sec), got 0',
    );
    expect(thrown(() => timeWindow.validate([str('x')], NO_SPAN)).code).toBe(
      'analyze/invalid-window-parameter',
    );
  });

  it('a snapshot restored into a fresh window gives the same later posts (state contract example)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1500 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.nat(),
        (gaps, ms, cutSeed) => {
          const times: number[] = [];
          let t = 1000;
          for (const g of gaps) {
            t += g;
            times.push(t);
          }
          const cut = cutSeed % (times.length + 1);
          const end = t + 2 * ms;
          // Uninterrupted.
          const a = new FakeWindowContext(1000);
          const wa = new TimeWindow(ms, a);
          times.forEach((time, i) => a.send(wa, ev(i), time));
          a.advanceTo(end);
          // Interrupted after `cut` events: snapshot, restore into a fresh window, go on.
          const b = new FakeWindowContext(1000);
          const wb = new TimeWindow(ms, b);
          times.slice(0, cut).forEach((time, i) => b.send(wb, ev(i), time));
          const c = new FakeWindowContext(b.now());
          c.nextSeq = b.nextSeq;
          const wc = new TimeWindow(ms, c);
          const trip = roundTripPart(wb, wc, c.restoreTimer);
          expect(trip.timersRestored).toBe(b.pendingTimers());
          expect(contentIds(wc.contents())).toEqual(contentIds(wb.contents()));
          times.slice(cut).forEach((time, i) => c.send(wc, ev(cut + i), time));
          c.advanceTo(end);
          expect(emitIds(c.emits)).toEqual(emitIds(a.emits).slice(b.emits.length));
        },
      ),
    );
  });

  it('stop cancels the expiry timer and drops the events', () => {
    const ctx = new FakeWindowContext();
    const w = new TimeWindow(1000, ctx);
    ctx.send(w, ev(1), 0);
    expect(ctx.pendingTimers()).toBe(1);
    w.stop();
    expect(ctx.pendingTimers()).toBe(0);
    expect(w.size()).toBe(0);
    ctx.advanceTo(5000);
    expect(ctx.emits).toHaveLength(1);
  });
});
