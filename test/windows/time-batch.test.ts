import { describe, expect, it } from 'vitest';
import { NO_SPAN } from '../../src/common/span.js';
import { nextGridPoint, timeBatchWindow } from '../../src/windows/time-batch.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { num, period, prop, str } from '../support/window-spec.js';
import { contentIds, emitIds, ev, thrown } from '../support/window-test-rows.js';

const create = (args: Parameters<typeof timeBatchWindow.validate>[0], ctx: FakeWindowContext) => {
  const window = timeBatchWindow.create(timeBatchWindow.validate(args, NO_SPAN), ctx);
  window.start?.();
  return window;
};

describe('#time_batch', () => {
  it('flushes at first arrival + p, then every p; empty after full posts only old; then stops', () => {
    const ctx = new FakeWindowContext(0);
    const w = create([period(5000)], ctx);
    ctx.send(w, ev(1), 1000);
    ctx.send(w, ev(2), 2000);
    ctx.send(w, ev(3), 6000); // the flush due at 6000 comes first: e3 is in the next batch
    expect(contentIds(w.contents())).toEqual([3]);
    ctx.advanceTo(22_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 6000, new: [1, 2], old: null },
      { t: 11000, new: [3], old: [1, 2] },
      { t: 16000, new: null, old: [3] },
      // 21000: two empty intervals in a row: no post, and the timer stops.
    ]);
    expect(ctx.pendingTimers()).toBe(0);
    // The next arrival resumes on the grid of the first arrival (1000 + k·5000).
    ctx.send(w, ev(4), 23_000);
    ctx.advanceTo(27_000);
    expect(emitIds(ctx.emits).slice(3)).toEqual([{ t: 26000, new: [4], old: null }]);
  });

  it('aligns flushes to a reference point', () => {
    const ctx = new FakeWindowContext(0);
    const w = create([period(5000), num(0)], ctx);
    ctx.send(w, ev(1), 1000);
    ctx.send(w, ev(2), 5000); // the 5000 flush fires before e2
    ctx.advanceTo(10_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 5000, new: [1], old: null },
      { t: 10000, new: [2], old: [1] },
    ]);
  });

  it('a reference point after the first arrival still puts the grid on ref + k·p', () => {
    const ctx = new FakeWindowContext(0);
    const w = create([period(1000), num(10_250)], ctx);
    ctx.send(w, ev(1), 3100);
    ctx.advanceTo(4000);
    expect(emitIds(ctx.emits)).toEqual([{ t: 3250, new: [1], old: null }]);
  });

  it('START_EAGER starts the grid at deployment, ignoring the reference point', () => {
    const ctx = new FakeWindowContext(100);
    const w = create([period(1000), num(0), str('START_EAGER')], ctx);
    expect(ctx.pendingTimers()).toBe(1);
    ctx.advanceTo(1100); // empty first interval: no post, the timer stops
    expect(ctx.pendingTimers()).toBe(0);
    ctx.send(w, ev(1), 1500);
    ctx.advanceTo(3000);
    expect(emitIds(ctx.emits)).toEqual([{ t: 2100, new: [1], old: null }]);
    ctx.advanceTo(3100);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 2100, new: [1], old: null },
      { t: 3100, new: null, old: [1] },
    ]);
  });

  it('FORCE_UPDATE posts every interval, even empty ones, and never stops', () => {
    const ctx = new FakeWindowContext(0, true);
    const w = create([period(1000), str('FORCE_UPDATE')], ctx);
    ctx.send(w, ev(1), 0);
    ctx.advanceTo(4000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 1000, new: [1], old: null },
      { t: 2000, new: null, old: [1] },
      { t: 3000, new: null, old: null },
      { t: 4000, new: null, old: null },
    ]);
    expect(ctx.pendingTimers()).toBe(1);
  });

  it('keeps one timer pending however many arrivals', () => {
    const ctx = new FakeWindowContext(0);
    const w = create([period(1000)], ctx);
    for (let i = 0; i < 100; i++) ctx.send(w, ev(i), i * 37);
    expect(ctx.pendingTimers()).toBe(1);
  });

  it('validates its parameters', () => {
    expect(timeBatchWindow.validate([num(5), num(0), str('force_update, start_eager')], NO_SPAN)).toEqual({
      ms: 5000,
      referencePoint: 0,
      forceUpdate: true,
      startEager: true,
    });
    expect(thrown(() => timeBatchWindow.validate([num(5), str('SOON')], NO_SPAN)).message).toContain(
      "unknown keyword 'SOON'",
    );
    expect(thrown(() => timeBatchWindow.validate([num(5), prop('v')], NO_SPAN)).message).toContain(
      'reference point',
    );
    expect(thrown(() => timeBatchWindow.validate([num(-5)], NO_SPAN)).code).toBe(
      'analyze/invalid-window-parameter',
    );
  });

  it('nextGridPoint is the first grid point strictly after now', () => {
    expect(nextGridPoint(1000, 1000, 5000)).toBe(6000);
    expect(nextGridPoint(5999, 1000, 5000)).toBe(6000);
    expect(nextGridPoint(6000, 1000, 5000)).toBe(11000);
    expect(nextGridPoint(3100, 10_250, 1000)).toBe(3250);
  });
});
