/**
 * DataWindow.update(new, old): what a named window's data window does with an `on` action's
 * change. Expectations are derived by hand from Esper 9's view code (the remove-stream
 * variants a named window uses: LengthWindowViewRStream, TimeWindowView, UniqueByPropertyView,
 * FirstLengthWindowView, FirstEventView, FirstUniqueByPropertyView, LastEventView,
 * SortWindowView, LengthBatchViewRStream, TimeBatchViewRStream, TimeAccumViewRStream,
 * ExternallyTimedWindowView, ExternallyTimedBatchView, GroupByViewImpl, IntersectDefaultView),
 * each step noted next to its expectation. A property checks update([row], []) against
 * insert(row), the path the conformance cases pin, for every window kind and combination.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { FakeWindowContext } from '../support/fake-window-context.js';
import { WINDOW_KINDS } from '../support/window-kinds.js';
import { chainOf } from '../support/window-spec.js';
import { contentIds, emitIds, ev } from '../support/window-test-rows.js';

/** A window of `spec` with a clock at 1000 and numbered events. */
function setup(spec: string) {
  const ctx = new FakeWindowContext(1000);
  const window = chainOf(spec, ctx);
  const rows = new Map<number, Row>();
  const row = (id: number, props: Record<string, unknown> = {}) => {
    let r = rows.get(id);
    if (r === undefined) {
      r = ev(id, props);
      rows.set(id, r);
    }
    return r;
  };
  const at = (time: number) => ctx.advanceTo(time);
  const insert = (id: number, props?: Record<string, unknown>) => window.insert(row(id, props));
  const update = (ins: (number | [number, Record<string, unknown>])[], rem: number[]) =>
    window.update(
      ins.map((i) => (Array.isArray(i) ? row(i[0], i[1]) : row(i))),
      rem.map((i) => row(i)),
    );
  const posts = (from = 0) => emitIds(ctx.since(from));
  const held = () => contentIds(window.contents());
  return { ctx, window, at, insert, update, posts, held };
}

describe('DataWindow.update(new, old) as Esper posts it in a named window', () => {
  it('#length: old rows leave, new join, overflow leaves; posts overflow, else the old rows as given', () => {
    const w = setup('#length(2)');
    w.insert(1);
    w.insert(2);
    const from = w.ctx.emits.length;
    w.update([3], [1]); // [2,3], no overflow: (new [3], old = oldData)
    w.update([4, 5], []); // [2,3,4,5] → overflow 2: (new [4,5], old [2,3])
    w.update([], [9]); // 9 was never held: still posted as old (expiredArr = oldData)
    expect(w.posts(from)).toEqual([
      { t: 1000, new: [3], old: [1] },
      { t: 1000, new: [4, 5], old: [2, 3] },
      { t: 1000, new: null, old: [9] },
    ]);
    expect(w.held()).toEqual([4, 5]);
  });

  it('#time: an updated event gets a fresh expiry; posts as given', () => {
    const w = setup('#time(1 sec)');
    w.insert(1);
    w.at(1500);
    w.update([2], [1]);
    w.at(5000);
    expect(w.posts()).toEqual([
      { t: 1000, new: [1], old: null },
      { t: 1500, new: [2], old: [1] },
      { t: 2500, new: null, old: [2] },
    ]);
  });

  it('#keepall: posts as given', () => {
    const w = setup('#keepall');
    w.insert(1);
    w.insert(2);
    w.update([3], [1]);
    expect(w.posts(2)).toEqual([{ t: 1000, new: [3], old: [1] }]);
    expect(w.held()).toEqual([2, 3]);
  });

  it('#unique: new rows first (replacing their key), then old rows still current', () => {
    const w = setup('#unique(k)');
    w.insert(1, { k: 'a' });
    w.insert(2, { k: 'b' });
    // 3 replaces 1 (old [1]); then old 1 is no longer a's event: skipped.
    w.update([[3, { k: 'a' }]], [1]);
    // old 2 is b's event: it leaves.
    w.update([], [2]);
    expect(w.posts(2)).toEqual([
      { t: 1000, new: [3], old: [1] },
      { t: 1000, new: null, old: [2] },
    ]);
    expect(w.held()).toEqual([3]);
  });

  it('#lastevent: every new row posted; the replaced ones (earlier new rows too) as old', () => {
    const w = setup('#lastevent');
    w.insert(1);
    w.update([2, 3], []); // old: the last (1), then every new row but the last (2)
    w.update([], [3]);
    expect(w.posts(1)).toEqual([
      { t: 1000, new: [2, 3], old: [1, 2] },
      { t: 1000, new: null, old: [3] },
    ]);
    expect(w.held()).toEqual([]);
  });

  it('#firstlength: new rows while there is room first, then the old rows', () => {
    const w = setup('#firstlength(2)');
    w.insert(1);
    w.insert(2);
    w.update([3], [1]); // full: 3 refused; then 1 leaves
    w.update([4], []); // room again
    expect(w.posts(2)).toEqual([
      { t: 1000, new: null, old: [1] },
      { t: 1000, new: [4], old: null },
    ]);
    expect(w.held()).toEqual([2, 4]);
  });

  it('#firstevent: the old rows first, then the first new row if the window is empty', () => {
    const w = setup('#firstevent');
    w.insert(1);
    w.update([2, 3], [1]);
    expect(w.posts(1)).toEqual([{ t: 1000, new: [2], old: [1] }]);
    expect(w.held()).toEqual([2]);
  });

  it('#firstunique: the old rows first, then new rows with a free key', () => {
    const w = setup('#firstunique(k)');
    w.insert(1, { k: 'a' });
    w.update(
      [
        [2, { k: 'a' }],
        [3, { k: 'a' }],
      ],
      [1],
    );
    expect(w.posts(1)).toEqual([{ t: 1000, new: [2], old: [1] }]);
    expect(w.held()).toEqual([2]);
  });

  it('#sort: held old rows leave, new rows join, rows sorting last beyond the size leave', () => {
    const w = setup('#sort(2, v)');
    w.insert(1, { v: 5 });
    w.insert(2, { v: 3 });
    w.update([[3, { v: 1 }]], [1]); // 1 leaves; [3(v1), 2(v3)]
    w.update([[4, { v: 0 }]], [9]); // 9 not held: not posted; 4 pushes 2 out
    expect(w.posts(2)).toEqual([
      { t: 1000, new: [3], old: [1] },
      { t: 1000, new: [4], old: [2] },
    ]);
    expect(w.held()).toEqual([4, 3]);
  });

  it('#length_batch: old rows leave the collected batch silently; a batch past n posts whole', () => {
    const w = setup('#length_batch(2)');
    w.insert(1);
    w.update([2], [1]); // batch [2]: nothing posted
    w.update([3, 4], []); // [2,3,4] reaches 2: posted as one batch of 3
    expect(w.posts()).toEqual([{ t: 1000, new: [2, 3, 4], old: null }]);
  });

  it('#time_batch: old rows leave the collected batch silently; new rows wait for the timer', () => {
    const w = setup('#time_batch(1 sec)');
    w.insert(1);
    w.at(1200);
    w.update([2], [1]);
    w.at(2000);
    expect(w.posts()).toEqual([{ t: 2000, new: [2], old: null }]);
  });

  it('#time_accum: removing the newest event counts the quiet period from the newest left', () => {
    const w = setup('#time_accum(1 sec)');
    w.insert(1);
    w.at(1500);
    w.insert(2);
    w.at(1600);
    w.update([], [2]);
    w.at(5000);
    expect(w.posts(2)).toEqual([
      { t: 1600, new: null, old: [2] },
      { t: 2000, new: null, old: [1] },
    ]);
  });

  it("#ext_timed: the expired events and the old rows together (Esper's set union, quirk included)", () => {
    const w = setup('#ext_timed(ets, 1 sec)');
    w.insert(1, { ets: 0 });
    // 2 (ets 1500) expires 1; old [9] with expired [1]: two single events that differ give
    // the first twice (CollectionUtil.addArrayWithSetSemantics).
    w.update([[2, { ets: 1500 }]], [9]);
    w.update([[3, { ets: 1600 }]], [2]); // nothing expires: the old rows as given
    expect(w.posts(1)).toEqual([
      { t: 1000, new: [2], old: [9, 9] },
      { t: 1000, new: [3], old: [2] },
    ]);
  });

  it('#ext_timed_batch: a batch released in the update, then the old rows as a second post', () => {
    const w = setup('#ext_timed_batch(ets, 1 sec)');
    w.insert(1, { ets: 0 });
    w.insert(2, { ets: 100 });
    // 2 leaves the batch [1,2]; 3 (ets 1000) reaches the boundary: [1] is released.
    w.update([[3, { ets: 1000 }]], [2]);
    expect(w.posts()).toEqual([
      { t: 1000, new: [1], old: null },
      { t: 1000, new: null, old: [2] },
    ]);
    expect(w.held()).toEqual([3]);
  });

  it('#groupwin: each group touched gets its rows and posts on its own', () => {
    const w = setup('#groupwin(k)#length(1)');
    w.insert(1, { k: 'a' });
    w.insert(2, { k: 'b' });
    w.update(
      [
        [3, { k: 'a' }],
        [4, { k: 'b' }],
      ],
      [],
    );
    expect(w.posts(2)).toEqual([
      { t: 1000, new: [3], old: [1] },
      { t: 1000, new: [4], old: [2] },
    ]);
  });

  it('an intersection: every member gets the change; what members post as old is the old side', () => {
    const w = setup('#length(2)#time(1 sec)');
    w.insert(1);
    w.insert(2);
    w.update([3], [1]); // both members drop 1 and post it: old [1]
    w.update([], [2]); // a delete: every member drops 2, posted as given
    w.at(5000);
    expect(w.posts(2)).toEqual([
      { t: 1000, new: [3], old: [1] },
      { t: 1000, new: null, old: [2] },
      { t: 2000, new: null, old: [3] },
    ]);
  });

  for (const spec of WINDOW_KINDS) {
    it(`update([row], []) posts what insert(row) posts: ${spec}`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2500 })),
              k: fc.constantFrom('a', 'b'),
              v: fc.integer({ min: 0, max: 3 }),
            }),
            { minLength: 1, maxLength: 25 },
          ),
          (input) => {
            const allowEmpty = spec.includes('FORCE_UPDATE');
            const a = new FakeWindowContext(1000, allowEmpty);
            const b = new FakeWindowContext(1000, allowEmpty);
            const wa = chainOf(spec, a);
            const wb = chainOf(spec, b);
            let t = 1000;
            input.forEach(({ gap, k, v }, id) => {
              t += gap;
              const row = { id, k, v, ets: t };
              a.advanceTo(t);
              wa.insert(row);
              b.advanceTo(t);
              wb.update([row], []);
            });
            a.advanceTo(t + 5000);
            b.advanceTo(t + 5000);
            expect(emitIds(b.emits)).toEqual(emitIds(a.emits));
            expect(contentIds(wb.contents())).toEqual(contentIds(wa.contents()));
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});
