import { describe, expect, it } from 'vitest';
import { NO_SPAN } from '../../src/common/span.js';
import { timeLengthBatchWindow } from '../../src/windows/time-length-batch.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { num, period, str } from '../support/window-spec.js';
import { emitIds, ev, thrown } from '../support/window-test-rows.js';

const create = (args: Parameters<typeof timeLengthBatchWindow.validate>[0], ctx: FakeWindowContext) =>
  timeLengthBatchWindow.create(timeLengthBatchWindow.validate(args, NO_SPAN), ctx);

describe('#time_length_batch', () => {
  it('flushes on count or timer, whichever first; a count flush restarts the timer', () => {
    const ctx = new FakeWindowContext(0);
    const w = create([period(5000), num(3)], ctx);
    ctx.send(w, ev(1), 1000); // timer due 6000
    ctx.send(w, ev(2), 2000);
    ctx.send(w, ev(3), 3000); // count flush; timer restarted: due 8000
    ctx.send(w, ev(4), 7000);
    ctx.advanceTo(8000); // timer flush [4]; next due 13000
    ctx.advanceTo(13_000); // [] after [4]: old only; next due 18000
    ctx.advanceTo(18_000); // two empty: nothing, timer stops
    expect(ctx.pendingTimers()).toBe(0);
    ctx.send(w, ev(5), 20_000); // timer due 25000
    ctx.advanceTo(25_000);
    expect(emitIds(ctx.emits)).toEqual([
      { t: 3000, new: [1, 2, 3], old: null },
      { t: 8000, new: [4], old: [1, 2, 3] },
      { t: 13000, new: null, old: [4] },
      { t: 25000, new: [5], old: null },
    ]);
  });

  it('a timer due at an arrival instant flushes before the arrival', () => {
    const ctx = new FakeWindowContext(0);
    const w = create([period(1000), num(10)], ctx);
    ctx.send(w, ev(1), 0);
    ctx.send(w, ev(2), 1000);
    expect(emitIds(ctx.emits)).toEqual([{ t: 1000, new: [1], old: null }]);
  });

  it('validates: a period, a positive count, flow-control keywords', () => {
    expect(timeLengthBatchWindow.validate([num(1), num(2), str('FORCE_UPDATE')], NO_SPAN)).toEqual({
      ms: 1000,
      count: 2,
      forceUpdate: true,
      startEager: false,
    });
    expect(thrown(() => timeLengthBatchWindow.validate([num(1), num(0)], NO_SPAN)).message).toBe(
      '#time_length_batch requires a positive integer size, got 0',
    );
    expect(thrown(() => timeLengthBatchWindow.validate([num(1)], NO_SPAN)).message).toBe(
      '#time_length_batch takes 2 to 3 parameter(s), got 1',
    );
  });
});
