/** #unique, #lastevent, #keepall, #firstlength, #firstunique, #firstevent. */
import { describe, expect, it } from 'vitest';
import { NO_SPAN } from '../../src/common/span.js';
import { firstEventWindow, firstLengthWindow, firstUniqueWindow } from '../../src/windows/first-length.js';
import { keepallWindow } from '../../src/windows/keepall.js';
import { lastEventWindow } from '../../src/windows/lastevent.js';
import { uniqueWindow } from '../../src/windows/unique.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { num, prop } from '../support/window-spec.js';
import { contentIds, emitIds, ev, thrown } from '../support/window-test-rows.js';

describe('#unique', () => {
  it('posts each arrival with the event it replaces for its key', () => {
    const ctx = new FakeWindowContext();
    const w = uniqueWindow.create(uniqueWindow.validate([prop('k')], NO_SPAN), ctx);
    const rows = [
      ev(1, { k: 'a' }),
      ev(2, { k: 'b' }),
      ev(3, { k: 'a' }),
      ev(4, { k: null }),
      ev(5, { k: null }),
    ];
    for (const r of rows) ctx.send(w, r, 0);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1], old: null },
      { t: 0, new: [2], old: null },
      { t: 0, new: [3], old: [1] },
      { t: 0, new: [4], old: null },
      { t: 0, new: [5], old: [4] }, // null is a key like any other
    ]);
    expect(contentIds(w.contents())).toEqual([2, 3, 5]);
    expect(w.remove(rows[0] as never)).toBe(false); // replaced already
    expect(w.remove(rows[1] as never)).toBe(true);
    expect(w.size()).toBe(2);
  });

  it('several properties form one key', () => {
    const ctx = new FakeWindowContext();
    const w = uniqueWindow.create(uniqueWindow.validate([prop('k'), prop('j')], NO_SPAN), ctx);
    for (const r of [ev(1, { k: 'a', j: 1 }), ev(2, { k: 'a', j: 2 }), ev(3, { k: 'a', j: 1 })]) w.insert(r);
    expect(emitIds(ctx.emits).map((e) => e.old)).toEqual([null, null, [1]]);
  });

  it('requires at least one property', () => {
    expect(thrown(() => uniqueWindow.validate([], NO_SPAN)).message).toBe(
      '#unique requires at least one property',
    );
    expect(thrown(() => uniqueWindow.validate([num(1)], NO_SPAN)).code).toBe(
      'analyze/invalid-window-parameter',
    );
  });
});

describe('#lastevent', () => {
  it('posts each arrival with the previous event', () => {
    const ctx = new FakeWindowContext();
    const w = lastEventWindow.create({}, ctx);
    for (let i = 1; i <= 3; i++) ctx.send(w, ev(i), i);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 1, new: [1], old: null },
      { t: 2, new: [2], old: [1] },
      { t: 3, new: [3], old: [2] },
    ]);
    expect(contentIds(w.contents())).toEqual([3]);
    expect(thrown(() => lastEventWindow.validate([num(1)], NO_SPAN)).message).toBe(
      '#lastevent takes 0 parameter(s), got 1',
    );
  });
});

describe('#keepall', () => {
  it('posts arrivals and never evicts', () => {
    const ctx = new FakeWindowContext();
    const w = keepallWindow.create({}, ctx);
    for (let i = 1; i <= 4; i++) ctx.send(w, ev(i), i * 1000);
    ctx.advanceTo(1e9);
    expect(emitIds(ctx.emits).map((e) => [e.new, e.old])).toEqual([
      [[1], null],
      [[2], null],
      [[3], null],
      [[4], null],
    ]);
    expect(contentIds(w.contents())).toEqual([1, 2, 3, 4]);
    expect(keepallWindow.traits.commutesWithFilter).toBe(true);
  });
});

describe('#firstlength / #firstunique / #firstevent', () => {
  it('firstlength(n) keeps the first n and posts later events not at all', () => {
    const ctx = new FakeWindowContext();
    const w = firstLengthWindow.create({ size: 2 }, ctx);
    const rows = [ev(1), ev(2), ev(3), ev(4)];
    for (const r of rows) ctx.send(w, r, 0);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1], old: null },
      { t: 0, new: [2], old: null },
    ]);
    // A partner's removal frees a slot.
    expect(w.remove(rows[0] as never)).toBe(true);
    w.insert(ev(5));
    expect(contentIds(w.contents())).toEqual([2, 5]);
    expect(thrown(() => firstLengthWindow.validate([num(-2)], NO_SPAN)).message).toBe(
      '#firstlength requires a positive integer size, got -2',
    );
  });

  it('firstunique(k) keeps the first event per key', () => {
    const ctx = new FakeWindowContext();
    const w = firstUniqueWindow.create(firstUniqueWindow.validate([prop('k')], NO_SPAN), ctx);
    const rows = [ev(1, { k: 'a' }), ev(2, { k: 'a' }), ev(3, { k: 'b' }), ev(4, { k: 'b' })];
    for (const r of rows) ctx.send(w, r, 0);
    expect(emitIds(ctx.emits).map((e) => e.new)).toEqual([[1], [3]]);
    expect(contentIds(w.contents())).toEqual([1, 3]);
    w.remove(rows[0] as never);
    w.insert(ev(5, { k: 'a' }));
    expect(contentIds(w.contents())).toEqual([3, 5]);
  });

  it('firstevent keeps only the first event', () => {
    const ctx = new FakeWindowContext();
    const w = firstEventWindow.create({}, ctx);
    for (let i = 1; i <= 3; i++) ctx.send(w, ev(i), i);
    expect(emitIds(ctx.emits)).toEqual([{ t: 1, new: [1], old: null }]);
    expect(contentIds(w.contents())).toEqual([1]);
  });
});
