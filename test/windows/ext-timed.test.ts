import { describe, expect, it } from 'vitest';
import { NO_SPAN } from '../../src/common/span.js';
import { extTimedBatchWindow } from '../../src/windows/ext-timed-batch.js';
import { extTimedWindow } from '../../src/windows/ext-timed.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { num, period, prop, str } from '../support/window-spec.js';
import { contentIds, emitIds, ev, thrown } from '../support/window-test-rows.js';

describe('#ext_timed', () => {
  it('evicts on arrival only, by the property value: events with time <= T - p', () => {
    const ctx = new FakeWindowContext(0);
    const w = extTimedWindow.create(extTimedWindow.validate([prop('ets'), period(5000)], NO_SPAN), ctx);
    ctx.send(w, ev(1, { ets: 1000 }), 0);
    ctx.send(w, ev(2, { ets: 3000 }), 0);
    ctx.send(w, ev(3, { ets: 6000 }), 0); // 1000 <= 6000 - 5000: e1 leaves with this arrival
    ctx.advanceTo(1_000_000); // the clock evicts nothing
    ctx.send(w, ev(4, { ets: 20_000 }), 1_000_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1], old: null },
      { t: 0, new: [2], old: null },
      { t: 0, new: [3], old: [1] },
      { t: 1_000_000, new: [4], old: [2, 3] },
    ]);
    expect(ctx.scheduled).toBe(0);
    expect(contentIds(w.contents())).toEqual([4]);
  });

  it('requires a property and a period', () => {
    expect(thrown(() => extTimedWindow.validate([num(1), period(5000)], NO_SPAN)).message).toBe(
      '#ext_timed requires an event property, got 1',
    );
  });
});

describe('#ext_timed_batch', () => {
  it('posts a batch when an event at or past its end arrives; batches from the first event time', () => {
    const ctx = new FakeWindowContext(0);
    const w = extTimedBatchWindow.create(
      extTimedBatchWindow.validate([prop('ets'), period(5000)], NO_SPAN),
      ctx,
    );
    ctx.send(w, ev(1, { ets: 1000 }), 0); // batch [1000, 6000)
    ctx.send(w, ev(2, { ets: 2000 }), 0);
    ctx.send(w, ev(3, { ets: 6000 }), 0); // at the end: posts [e1, e2]
    ctx.send(w, ev(4, { ets: 7000 }), 0);
    ctx.advanceTo(100_000); // the clock never flushes
    ctx.send(w, ev(5, { ets: 23_000 }), 100_000); // posts [e3, e4]; e5 is in [21000, 26000)
    ctx.send(w, ev(6, { ets: 25_999 }), 100_000);
    ctx.send(w, ev(7, { ets: 26_000 }), 100_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1, 2], old: null },
      { t: 100_000, new: [3, 4], old: [1, 2] },
      { t: 100_000, new: [5, 6], old: [3, 4] },
    ]);
    expect(contentIds(w.contents())).toEqual([7]);
  });

  it('aligns batches to a reference point', () => {
    const ctx = new FakeWindowContext(0);
    const w = extTimedBatchWindow.create(
      extTimedBatchWindow.validate([prop('ets'), period(5000), num(0)], NO_SPAN),
      ctx,
    );
    ctx.send(w, ev(1, { ets: 1000 }), 0); // batch [0, 5000)
    ctx.send(w, ev(2, { ets: 5000 }), 0);
    expect(emitIds(ctx.emits)).toEqual([{ t: 0, new: [1], old: null }]);
  });

  it('rejects a reference point that is not a constant number', () => {
    expect(
      thrown(() => extTimedBatchWindow.validate([prop('ets'), period(5000), str('x')], NO_SPAN)).code,
    ).toBe('analyze/invalid-window-parameter');
  });
});
