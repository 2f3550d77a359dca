import { describe, expect, it } from 'vitest';
import { validateWindowChain } from '../../src/windows/window-chain.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { chainOf, spansFor, stagesOf } from '../support/window-spec.js';
import { contentIds, emitIdSets, emitIds, ev, thrown } from '../support/window-test-rows.js';

describe('intersections', () => {
  it('#length(3)#time(5 sec): an event leaves when either window drops it, once', () => {
    const ctx = new FakeWindowContext(0);
    const w = chainOf('#length(3)#time(5 sec)', ctx);
    for (let i = 1; i <= 4; i++) ctx.send(w, ev(i), (i - 1) * 1000);
    ctx.advanceTo(10_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1], old: null },
      { t: 1000, new: [2], old: null },
      { t: 2000, new: [3], old: null },
      { t: 3000, new: [4], old: [1] }, // length evicts e1; its 5000 expiry then finds nothing
      { t: 6000, new: null, old: [2] },
      { t: 7000, new: null, old: [3] },
      { t: 8000, new: null, old: [4] },
    ]);
    expect(w.size()).toBe(0);
  });

  it('#firstlength(2)#time(5 sec): firstlength accepts again once time removed older events', () => {
    const ctx = new FakeWindowContext(0);
    const w = chainOf('#firstlength(2)#time(5 sec)', ctx);
    ctx.send(w, ev(1), 0);
    ctx.send(w, ev(2), 1000);
    ctx.send(w, ev(3), 2000); // refused by firstlength: no post, not kept by time either
    ctx.send(w, ev(4), 5500); // e1 left at 5000: a slot is free
    ctx.send(w, ev(5), 5600); // full again
    ctx.advanceTo(20_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1], old: null },
      { t: 1000, new: [2], old: null },
      { t: 5000, new: null, old: [1] },
      { t: 5500, new: [4], old: null },
      { t: 6000, new: null, old: [2] },
      { t: 10500, new: null, old: [4] },
    ]);
  });

  it('an event evicted by two windows in one step is posted once', () => {
    const ctx = new FakeWindowContext(0);
    const w = chainOf('#unique(k)#length(2)', ctx);
    for (const r of [ev(1, { k: 'a' }), ev(2, { k: 'b' }), ev(3, { k: 'a' })]) ctx.send(w, r, 0);
    expect(emitIds(ctx.emits).at(-1)).toEqual({ t: 0, new: [3], old: [1] });
    expect(contentIds(w.contents())).toEqual([2, 3]);
  });

  it('evictions by different windows in one step are posted together and leave both', () => {
    const ctx = new FakeWindowContext(0);
    const w = chainOf('#unique(k)#length(3)', ctx);
    for (const r of [ev(1, { k: 'a' }), ev(2, { k: 'b' }), ev(3, { k: 'c' }), ev(4, { k: 'b' })]) {
      ctx.send(w, r, 0);
    }
    // length evicts e1 (oldest), unique evicts e2 (same key b).
    expect(emitIdSets(ctx.emits).at(-1)).toEqual({ t: 0, new: [4], old: [1, 2] });
    expect(contentIds(w.contents())).toEqual([3, 4]);
  });

  it('#sort(2, v desc)#length(5): an arrival not making the top is new and old, and leaves length too', () => {
    const ctx = new FakeWindowContext(0);
    const w = chainOf('#sort(2, v desc)#length(5)', ctx);
    for (const [id, v] of [
      [1, 5],
      [2, 9],
      [3, 1],
    ] as const)
      ctx.send(w, ev(id, { v }), 0);
    expect(emitIds(ctx.emits).at(-1)).toEqual({ t: 0, new: [3], old: [3] });
    expect(w.size()).toBe(2);
    expect(contentIds(w.contents())).toEqual([2, 1]);
  });

  it('#firstunique(k)#time_batch(5 sec): the batch gets the first event per key, posted batches free keys', () => {
    const ctx = new FakeWindowContext(0);
    const w = chainOf('#firstunique(k)#time_batch(5 sec)', ctx);
    ctx.send(w, ev(1, { k: 'a' }), 0);
    ctx.send(w, ev(2, { k: 'a' }), 1000); // refused by firstunique
    ctx.send(w, ev(3, { k: 'b' }), 2000);
    ctx.send(w, ev(4, { k: 'a' }), 6000); // after the 5000 flush: key a is free again
    ctx.send(w, ev(5, { k: 'a' }), 7000);
    ctx.advanceTo(10_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 5000, new: [1, 3], old: null },
      { t: 10000, new: [4], old: [1, 3] },
    ]);
  });

  it('#length_batch(3)#time(5 sec): only the batch posts; a time expiry leaves the batch unposted', () => {
    const ctx = new FakeWindowContext(0);
    const w = chainOf('#length_batch(3)#time(5 sec)', ctx);
    ctx.send(w, ev(1), 0);
    ctx.send(w, ev(2), 1000);
    ctx.send(w, ev(3), 2000);
    ctx.send(w, ev(4), 3000);
    ctx.advanceTo(9000); // e4 expires from #time at 8000: Esper's LengthBatchViewRStream drops it
    ctx.send(w, ev(5), 9000);
    ctx.send(w, ev(6), 9000);
    ctx.send(w, ev(7), 9500);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 2000, new: [1, 2, 3], old: null },
      { t: 9500, new: [5, 6, 7], old: [1, 2, 3] },
    ]);
    expect(w.size()).toBe(0);
  });
});

describe('#groupwin', () => {
  it("#groupwin(k)#length(2): a length window per key; prev() reads the row's group", () => {
    const ctx = new FakeWindowContext(0);
    const w = chainOf('#groupwin(k)#length(2)', ctx);
    const rows = [
      ev(1, { k: 'a' }),
      ev(2, { k: 'b' }),
      ev(3, { k: 'a' }),
      ev(4, { k: 'a' }),
      ev(5, { k: 'b' }),
      ev(6, { k: 'b' }),
    ];
    for (const r of rows) ctx.send(w, r, 0);
    expect(emitIds(ctx.emits).map((e) => [e.new, e.old])).toEqual([
      [[1], null],
      [[2], null],
      [[3], null],
      [[4], [1]],
      [[5], null],
      [[6], [2]],
    ]);
    expect(contentIds(w.contents()).sort()).toEqual([3, 4, 5, 6]);
    expect(w.size()).toBe(4);
    // Each group's window counts back from its own newest event.
    expect(w.prev?.(rows[3] as never, 1)).toBe(rows[2]);
    expect(w.prev?.(rows[5] as never, 1)).toBe(rows[4]);
    expect(w.prev?.(rows[4] as never, 0)).toBe(rows[5]);
    expect(w.prev?.(rows[4] as never, 2)).toBeUndefined();
    expect(w.remove(rows[2] as never)).toBe(true);
    expect(w.size()).toBe(3);
  });

  it('groups by several properties', () => {
    const ctx = new FakeWindowContext(0);
    const w = chainOf('#groupwin(k, j)#lastevent', ctx);
    for (const r of [ev(1, { k: 'a', j: 1 }), ev(2, { k: 'a', j: 2 }), ev(3, { k: 'a', j: 1 })]) w.insert(r);
    expect(emitIds(ctx.emits).map((e) => e.old)).toEqual([null, null, [1]]);
    expect(contentIds(w.contents()).sort()).toEqual([2, 3]);
  });

  it('#groupwin(k)#length(2)#time(5 sec): an intersection per group, with its own timer', () => {
    const ctx = new FakeWindowContext(0);
    const w = chainOf('#groupwin(k)#length(2)#time(5 sec)', ctx);
    ctx.send(w, ev(1, { k: 'a' }), 0);
    ctx.send(w, ev(2, { k: 'b' }), 1000);
    ctx.send(w, ev(3, { k: 'a' }), 2000);
    ctx.send(w, ev(4, { k: 'a' }), 3000);
    ctx.advanceTo(10_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1], old: null },
      { t: 1000, new: [2], old: null },
      { t: 2000, new: [3], old: null },
      { t: 3000, new: [4], old: [1] },
      { t: 6000, new: null, old: [2] },
      { t: 7000, new: null, old: [3] },
      { t: 8000, new: null, old: [4] },
    ]);
  });
});

describe('validateWindowChain', () => {
  const check = (text: string) => () => {
    const stages = stagesOf(text);
    validateWindowChain(stages, spansFor(stages));
  };

  it('accepts valid combinations', () => {
    for (const text of [
      '#length(3)',
      '#length(3)#time(5 sec)',
      '#groupwin(k)#length(2)',
      '#unique(k)#time_batch(1)',
    ]) {
      expect(check(text)).not.toThrow();
    }
  });

  it('allows at most one batch window per intersection', () => {
    const err = thrown(check('#length_batch(3)#time_batch(5 sec)'));
    expect(err.code).toBe('analyze/invalid-window-parameter');
    expect(err.message).toBe(
      'Cannot combine multiple batch windows (#length_batch and #time_batch) into an intersection',
    );
  });

  it('requires groupwin first and followed by a window', () => {
    expect(thrown(check('#groupwin(k)')).message).toContain('#groupwin must be followed by a data window');
    expect(thrown(check('#length(2)#groupwin(k)')).message).toContain('#groupwin must come first');
  });
});
