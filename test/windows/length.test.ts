import { describe, expect, it } from 'vitest';
import { NO_SPAN } from '../../src/common/span.js';
import { lengthBatchWindow } from '../../src/windows/length-batch.js';
import { lengthWindow } from '../../src/windows/length.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { num, period, prop } from '../support/window-spec.js';
import { contentIds, emitIds, ev, thrown } from '../support/window-test-rows.js';

describe('#length', () => {
  it('posts each arrival with the event it evicts in one step', () => {
    const ctx = new FakeWindowContext();
    const w = lengthWindow.create({ size: 2 }, ctx);
    const [e1, e2, e3, e4] = [ev(1), ev(2), ev(3), ev(4)];
    ctx.send(w, e1, 0);
    ctx.send(w, e2, 10);
    ctx.send(w, e3, 20);
    ctx.send(w, e4, 20);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1], old: null },
      { t: 10, new: [2], old: null },
      { t: 20, new: [3], old: [1] },
      { t: 20, new: [4], old: [2] },
    ]);
    expect(contentIds(w.contents())).toEqual([3, 4]);
    expect(w.size()).toBe(2);
    expect(ctx.scheduled).toBe(0);
  });

  it('prev(n): the n-th newest event, whatever row asks (Esper IStreamRandomAccess)', () => {
    const ctx = new FakeWindowContext();
    const w = lengthWindow.create({ size: 3 }, ctx);
    const rows = [ev(1), ev(2), ev(3), ev(4)];
    for (const r of rows) w.insert(r);
    const [, e2, e3, e4] = rows;
    expect(w.prev?.(e4 as never, 0)).toBe(e4);
    expect(w.prev?.(e4 as never, 1)).toBe(e3);
    expect(w.prev?.(e4 as never, 2)).toBe(e2);
    expect(w.prev?.(e4 as never, 3)).toBeUndefined();
    expect(w.prev?.(e2 as never, 0)).toBe(e4);
  });

  it('remove() takes an event out silently and frees its slot', () => {
    const ctx = new FakeWindowContext();
    const w = lengthWindow.create({ size: 2 }, ctx);
    const [e1, e2, e3] = [ev(1), ev(2), ev(3)];
    w.insert(e1);
    w.insert(e2);
    expect(w.remove(e1)).toBe(true);
    expect(w.remove(e1)).toBe(false);
    w.insert(e3);
    expect(emitIds(ctx.emits).at(-1)).toEqual({ t: 0, new: [3], old: null });
    expect(contentIds(w.contents())).toEqual([2, 3]);
  });

  it('validates its size with Esper-like messages', () => {
    expect(lengthWindow.validate([num(3)], NO_SPAN)).toEqual({ size: 3 });
    const neg = thrown(() => lengthWindow.validate([num(-1)], NO_SPAN));
    expect(neg.code).toBe('analyze/invalid-window-parameter');
    expect(neg.message).toBe('#length requires a positive integer size, got -1');
    expect(thrown(() => lengthWindow.validate([num(0)], NO_SPAN)).message).toContain('positive integer');
    expect(thrown(() => lengthWindow.validate([num(2.5)], NO_SPAN)).message).toContain('got 2.5');
    expect(thrown(() => lengthWindow.validate([period(1000)], NO_SPAN)).code).toBe(
      'analyze/invalid-window-parameter',
    );
    expect(thrown(() => lengthWindow.validate([prop('v')], NO_SPAN)).message).toContain("'v'");
    expect(thrown(() => lengthWindow.validate([], NO_SPAN)).message).toBe(
      '#length takes 1 parameter(s), got 0',
    );
    expect(lengthWindow.describe({ size: 3 })).toBe('length(3)');
  });
});

describe('#length_batch', () => {
  it('posts nothing until n events, then the batch with the previous batch as old', () => {
    const ctx = new FakeWindowContext();
    const w = lengthBatchWindow.create({ size: 3 }, ctx);
    for (let i = 1; i <= 7; i++) ctx.send(w, ev(i), i * 100);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 300, new: [1, 2, 3], old: null },
      { t: 600, new: [4, 5, 6], old: [1, 2, 3] },
    ]);
    expect(contentIds(w.contents())).toEqual([7]);
    ctx.advanceTo(1_000_000);
    expect(ctx.emits).toHaveLength(2);
  });

  it('length_batch(1) flushes every arrival', () => {
    const ctx = new FakeWindowContext();
    const w = lengthBatchWindow.create({ size: 1 }, ctx);
    for (let i = 1; i <= 3; i++) ctx.send(w, ev(i), i);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 1, new: [1], old: null },
      { t: 2, new: [2], old: [1] },
      { t: 3, new: [3], old: [2] },
    ]);
    expect(w.size()).toBe(0);
  });

  it('rejects a non-positive size', () => {
    expect(thrown(() => lengthBatchWindow.validate([num(0)], NO_SPAN)).message).toBe(
      '#length_batch requires a positive integer size, got 0',
    );
  });
});
