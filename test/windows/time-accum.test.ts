import { describe, expect, it } from 'vitest';
import { timeAccumWindow } from '../../src/windows/time-accum.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { contentIds, emitIds, ev } from '../support/window-test-rows.js';

describe('#time_accum', () => {
  it('posts arrivals at once; all leave together once p passes without an arrival', () => {
    const ctx = new FakeWindowContext(0);
    const w = timeAccumWindow.create({ ms: 2000 }, ctx);
    ctx.send(w, ev(1), 0);
    ctx.send(w, ev(2), 1500);
    ctx.send(w, ev(3), 3000);
    ctx.advanceTo(4999);
    expect(contentIds(w.contents())).toEqual([1, 2, 3]);
    ctx.send(w, ev(4), 7000); // 3000 + 2000 = 5000 passed quietly: e1..e3 left at 5000
    ctx.send(w, ev(5), 9000); // exactly p after e4: e4 leaves first
    ctx.advanceTo(20_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1], old: null },
      { t: 1500, new: [2], old: null },
      { t: 3000, new: [3], old: null },
      { t: 5000, new: null, old: [1, 2, 3] },
      { t: 7000, new: [4], old: null },
      { t: 9000, new: null, old: [4] },
      { t: 9000, new: [5], old: null },
      { t: 11000, new: null, old: [5] },
    ]);
  });

  it('keeps one timer, re-armed on expiry rather than per arrival', () => {
    const ctx = new FakeWindowContext(0);
    const w = timeAccumWindow.create({ ms: 1000 }, ctx);
    for (let i = 0; i < 100; i++) {
      ctx.send(w, ev(i), i * 10);
      expect(ctx.pendingTimers()).toBe(1);
    }
    ctx.advanceTo(5000);
    expect(ctx.scheduled).toBeLessThan(5);
    expect(emitIds(ctx.emits).at(-1)).toEqual({
      t: 1990,
      new: null,
      old: Array.from({ length: 100 }, (_, i) => i),
    });
  });
});
