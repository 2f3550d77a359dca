import { describe, expect, it } from 'vitest';
import { NO_SPAN } from '../../src/common/span.js';
import { sortWindow } from '../../src/windows/sort.js';
import type { WindowArgument } from '../../src/windows/window-def.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { num, prop } from '../support/window-spec.js';
import { contentIds, emitIds, ev, thrown } from '../support/window-test-rows.js';

const create = (args: WindowArgument[], ctx: FakeWindowContext) =>
  sortWindow.create(sortWindow.validate(args, NO_SPAN), ctx);

describe('#sort', () => {
  it('keeps the top n; the displaced event is old; a non-qualifying arrival is new and old at once', () => {
    const ctx = new FakeWindowContext();
    const w = create([num(3), prop('v', true)], ctx);
    const vs = [5, 9, 1, 7, 0];
    vs.forEach((v, i) => ctx.send(w, ev(i + 1, { v }), 0));
    expect(emitIds(ctx.emits)).toEqual([
      { t: 0, new: [1], old: null },
      { t: 0, new: [2], old: null },
      { t: 0, new: [3], old: null },
      { t: 0, new: [4], old: [3] },
      { t: 0, new: [5], old: [5] },
    ]);
    expect(contentIds(w.contents())).toEqual([2, 4, 1]);
  });

  it('ties: the newest ranks first, so the oldest tie is displaced (Esper SortWindowView)', () => {
    const ctx = new FakeWindowContext();
    const w = create([num(2), prop('v', true)], ctx);
    for (const [id, v] of [
      [1, 5],
      [2, 5],
      [3, 5],
    ] as const)
      w.insert(ev(id, { v }));
    // Esper keeps per key a list with the newest in front and removes the list's last entry.
    expect(emitIds(ctx.emits).at(-1)).toEqual({ t: 0, new: [3], old: [1] });
    expect(contentIds(w.contents())).toEqual([3, 2]);
  });

  it('null ranks below every value: last when descending, first when ascending', () => {
    const desc = new FakeWindowContext();
    const wd = create([num(2), prop('v', true)], desc);
    for (const [id, v] of [
      [1, null],
      [2, 3],
      [3, 1],
    ] as const)
      wd.insert(ev(id, { v }));
    expect(emitIds(desc.emits).at(-1)).toEqual({ t: 0, new: [3], old: [1] });
    expect(contentIds(wd.contents())).toEqual([2, 3]);

    const asc = new FakeWindowContext();
    const wa = create([num(2), prop('v', false)], asc);
    for (const [id, v] of [
      [1, null],
      [2, 3],
      [3, 1],
    ] as const)
      wa.insert(ev(id, { v }));
    expect(emitIds(asc.emits).at(-1)).toEqual({ t: 0, new: [3], old: [2] });
    expect(contentIds(wa.contents())).toEqual([1, 3]);
  });

  it('sorts by several keys; prev(n) is the n-th event in sort order, whatever row asks', () => {
    const ctx = new FakeWindowContext();
    const w = create([num(4), prop('k'), prop('v', true)], ctx);
    const rows = [
      ev(1, { k: 'b', v: 1 }),
      ev(2, { k: 'a', v: 1 }),
      ev(3, { k: 'a', v: 2 }),
      ev(4, { k: 'b', v: 9 }),
    ];
    for (const r of rows) w.insert(r);
    expect(contentIds(w.contents())).toEqual([3, 2, 4, 1]);
    // Esper's IStreamSortRankRandomAccess: index n from the top of the sort order.
    expect(w.prev?.(rows[3] as never, 1)).toBe(rows[1]);
    expect(w.prev?.(rows[0] as never, 0)).toBe(rows[2]);
    expect(w.prev?.(rows[2] as never, 3)).toBe(rows[0]);
    expect(w.prev?.(rows[2] as never, 4)).toBeUndefined();
    expect(w.remove(rows[1] as never)).toBe(true);
    expect(contentIds(w.contents())).toEqual([3, 4, 1]);
  });

  it('validates a size and at least one expression', () => {
    expect(thrown(() => sortWindow.validate([num(3)], NO_SPAN)).message).toBe(
      '#sort requires a size and at least one sort expression',
    );
    expect(thrown(() => sortWindow.validate([num(0), prop('v')], NO_SPAN)).message).toBe(
      '#sort requires a positive integer size, got 0',
    );
  });
});
