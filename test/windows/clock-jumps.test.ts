/**
 * Bounded work per event across a clock jump (issue 13 §2): a window never steps through
 * empty intervals one by one. #ext_timed_batch computes its next boundary; FORCE_UPDATE batch
 * windows skip the intervals whose empty posts nothing sees (their output is the same);
 * where every interval posts (an aggregation sees the empty posts) the engine's maxTimeJump
 * bounds the jump instead. Infinite parameters are one clear error. (Stepping would not
 * finish within the test's timeout: 1e9 intervals.)
 */
import { describe, expect, it } from 'vitest';
import { NO_SPAN } from '../../src/common/span.js';
import { createEngine } from '../../src/index.js';
import { extTimedBatchWindow } from '../../src/windows/ext-timed-batch.js';
import { lengthWindow } from '../../src/windows/length.js';
import { timeBatchWindow } from '../../src/windows/time-batch.js';
import { timeLengthBatchWindow } from '../../src/windows/time-length-batch.js';
import { timeWindow } from '../../src/windows/time.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { num, period, prop, str } from '../support/window-spec.js';
import { emitIds, ev, thrown } from '../support/window-test-rows.js';

const EPOCH_MS = 1_733_550_000_000;

describe('windows across a huge clock jump', () => {
  it('#ext_timed_batch: an epoch-ms timestamp after a small one computes the boundary', () => {
    const ctx = new FakeWindowContext(0);
    const w = extTimedBatchWindow.create(
      extTimedBatchWindow.validate([prop('t'), period(1000)], NO_SPAN),
      ctx,
    );
    w.insert(ev(1, { t: 5 }));
    w.insert(ev(2, { t: EPOCH_MS }));
    w.insert(ev(3, { t: EPOCH_MS + 400 }));
    w.insert(ev(4, { t: EPOCH_MS + 1000 }));
    // Grid 5 + k·1000 (reference: the first event). e2 is past e1's boundary 1005: [e1]
    // posts. e2's boundary is the grid point after it, EPOCH_MS + 5 (EPOCH_MS − 5 ≡ 995 mod
    // 1000), which e3 (+400) passes: [e2] posts with [e1] old. e3's boundary is EPOCH_MS + 1005:
    // e4 (+1000) joins it, e5 (+1005) closes it.
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1], old: null },
      { t: 0, new: [2], old: [1] },
    ]);
    w.insert(ev(5, { t: EPOCH_MS + 1005 }));
    expect(emitIds(ctx.emits).at(-1)).toEqual({ t: 0, new: [3, 4], old: [2] });
    expect(ctx.scheduled).toBe(0);
  });

  it("#time_batch(1 sec, 'FORCE_UPDATE') with nothing that sees empty posts: no timer per empty interval", () => {
    const ctx = new FakeWindowContext(0, true);
    ctx.seesEmptyPosts = false;
    const w = timeBatchWindow.create(
      timeBatchWindow.validate([period(1000), str('FORCE_UPDATE')], NO_SPAN),
      ctx,
    );
    ctx.send(w, ev(1), 500);
    ctx.send(w, ev(2), 1e12 + 250); // ~1e9 intervals later
    ctx.advanceTo(1e12 + 2000);
    // Grid 500 + k·1000: e1 flushes at 1500, posts old at 2500, then the timer stops (the
    // empty posts FORCE_UPDATE would make are invisible); e2 resumes the same grid.
    expect(emitIds(ctx.emits)).toEqual([
      { t: 1500, new: [1], old: null },
      { t: 2500, new: null, old: [1] },
      { t: 1e12 + 500, new: [2], old: null },
      { t: 1e12 + 1500, new: null, old: [2] },
    ]);
    expect(ctx.scheduled).toBeLessThan(10);
  });

  it("#time_batch(1 sec, 'FORCE_UPDATE') where empty posts are seen posts every interval", () => {
    const ctx = new FakeWindowContext(0, true);
    const w = timeBatchWindow.create(
      timeBatchWindow.validate([period(1000), str('FORCE_UPDATE')], NO_SPAN),
      ctx,
    );
    ctx.send(w, ev(1), 500);
    ctx.advanceTo(5600);
    expect(emitIds(ctx.emits).map((e) => e.t)).toEqual([1500, 2500, 3500, 4500, 5500]);
  });

  it("#time_length_batch(1 sec, 10, 'FORCE_UPDATE'): idle intervals skipped, the cadence kept", () => {
    const ctx = new FakeWindowContext(0, true);
    ctx.seesEmptyPosts = false;
    const w = timeLengthBatchWindow.create(
      timeLengthBatchWindow.validate([period(1000), num(10), str('FORCE_UPDATE')], NO_SPAN),
      ctx,
    );
    ctx.send(w, ev(1), 300); // timer at 1300 (arrival + p)
    ctx.send(w, ev(2), 1e12 + 50);
    ctx.advanceTo(1e12 + 5000);
    // Esper re-arms every p under FORCE_UPDATE: flushes at 1300, 2300, 3300 … (300 + k·1000);
    // e2 at 1e12 + 50 goes out at the next one, 1e12 + 300, then its old post at 1e12 + 1300.
    expect(emitIds(ctx.emits)).toEqual([
      { t: 1300, new: [1], old: null },
      { t: 2300, new: null, old: [1] },
      { t: 1e12 + 300, new: [2], old: null },
      { t: 1e12 + 1300, new: null, old: [2] },
    ]);
    expect(ctx.scheduled).toBeLessThan(10);
  });
});

describe('infinite window parameters', () => {
  it('#time_batch(1e309 sec) and #length(1e309) get the same clear error', () => {
    const huge = { kind: 'time-period' as const, ms: Number.POSITIVE_INFINITY, span: NO_SPAN };
    for (const [validate, args] of [
      [timeBatchWindow.validate, [huge]],
      [timeWindow.validate, [num(Number.POSITIVE_INFINITY)]],
      [lengthWindow.validate, [num(Number.POSITIVE_INFINITY)]],
    ] as const) {
      const error = thrown(() => validate(args as never, NO_SPAN));
      expect(error.code).toBe('analyze/invalid-window-parameter');
      expect(error.message).toMatch(/^#(time_batch|time|length) requires a finite number, got Infinity/);
    }
  });
});

describe('through the engine', () => {
  it('a FORCE_UPDATE #time_batch feeding no aggregation crosses 1e12 ms at once (maxTimeJump: Infinity)', () => {
    const engine = createEngine({ maxTimeJump: Number.POSITIVE_INFINITY });
    engine.deploy(
      "create schema T(v int); @name('q') select irstream v from T#time_batch(1 sec, 'FORCE_UPDATE');",
    );
    const calls: number[] = [];
    engine.statement('q')?.subscribe((_n, _o, { time }) => calls.push(time));
    engine.send('T', { v: 1 }, 1000);
    engine.send('T', { v: 2 }, 1e12 + 1000);
    engine.advanceTime(1e12 + 3000);
    expect(calls).toEqual([2000, 3000, 1e12 + 2000, 1e12 + 3000]);
  });
});
