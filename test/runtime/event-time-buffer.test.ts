import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BufferedEvent, EventTimeBuffer } from '../../src/runtime/event-time-buffer.js';

function run(lateness: number, timestamps: readonly number[]) {
  const buffer = new EventTimeBuffer(lateness);
  const released: number[] = [];
  const late: number[] = [];
  const deliver = (e: BufferedEvent) => released.push(e.row.i as number);
  timestamps.forEach((ts, i) => {
    const outcome = buffer.offer('T', { i }, ts);
    if (outcome === 'late') late.push(i);
    else if (outcome === 'direct') released.push(i);
    else buffer.release(deliver);
  });
  buffer.drain(deliver);
  return { released, late };
}

describe('EventTimeBuffer', () => {
  it('passes in-order events straight through with no lateness', () => {
    expect(run(0, [1, 2, 2, 5])).toEqual({ released: [0, 1, 2, 3], late: [] });
  });

  it('reorders within the allowed lateness and reports what is older than the watermark', () => {
    // lateness 10: watermark after ts 30 is 20; ts 25 is reordered, ts 15 is late.
    expect(run(10, [10, 30, 25, 15, 40])).toEqual({ released: [0, 2, 1, 4], late: [3] });
  });

  it('releases events only once the watermark passes them', () => {
    const buffer = new EventTimeBuffer(100);
    const out: number[] = [];
    const deliver = (e: BufferedEvent) => out.push(e.timestamp);
    buffer.offer('T', {}, 1000);
    buffer.release(deliver);
    expect(out).toEqual([]);
    buffer.offer('T', {}, 1100);
    buffer.release(deliver);
    expect(out).toEqual([1000]);
    expect(buffer.size).toBe(1);
  });

  it('out-of-order input within the lateness bound releases exactly the sorted sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (raw, lateness, seed) => {
          const sorted = [...raw].sort((a, b) => a - b);
          // Shuffle locally: each event moves back by less than `lateness` ms of event time.
          const shuffled = sorted.map((ts, i) => ({ ts, key: ts + ((seed * (i + 7)) % (lateness + 1)) }));
          shuffled.sort((a, b) => a.key - b.key);
          const input = shuffled.map((s) => s.ts);
          const { released, late } = run(lateness, input);
          expect(late).toEqual([]);
          const releasedTs = released.map((i) => input[i]);
          expect(releasedTs).toEqual(sorted);
          // Equal timestamps keep arrival order.
          for (let k = 1; k < released.length; k++) {
            const a = released[k - 1] as number;
            const b = released[k] as number;
            if (input[a] === input[b]) expect(a).toBeLessThan(b);
          }
        },
      ),
    );
  });

  it('isDirect agrees with offer: true exactly when offer would say direct, and then the same state', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 40 }),
        (lateness, timestamps) => {
          const viaOffer = new EventTimeBuffer(lateness);
          const viaFast = new EventTimeBuffer(lateness);
          const sink = () => {};
          for (const ts of timestamps) {
            const outcome = viaOffer.offer('T', {}, ts);
            const direct = viaFast.isDirect(ts);
            expect(direct).toBe(outcome === 'direct');
            if (!direct) expect(viaFast.offer('T', {}, ts)).toBe(outcome);
            expect([viaFast.size, viaFast.newest, viaFast.watermark]).toEqual([
              viaOffer.size,
              viaOffer.newest,
              viaOffer.watermark,
            ]);
            if (outcome === 'buffered') {
              viaOffer.release(sink);
              viaFast.release(sink);
            }
          }
        },
      ),
    );
  });
});
