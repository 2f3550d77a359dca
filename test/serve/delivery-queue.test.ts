import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../src/connectors/delivery-queue.js';

const options = {
  concurrency: 3,
  maxQueued: Number.POSITIVE_INFINITY,
  retries: 0,
  backoffMs: 1,
  onFailure: () => {},
};

describe('DeliveryQueue', () => {
  it('flush waits for the items pushed before it, not for later ones (a continuous flow)', async () => {
    const release = new Map<number, () => void>();
    const delivered: number[] = [];
    const q = new DeliveryQueue<number>(
      (n) =>
        new Promise<void>((done) =>
          release.set(n, () => {
            delivered.push(n);
            done();
          }),
        ),
      options,
    );
    for (let i = 0; i < 5; i++) q.push(i);
    let flushed = false;
    const flush = q.flush().then(() => {
      flushed = true;
    });
    q.push(5);
    q.push(6);
    const settle = async (n: number) => {
      release.get(n)?.();
      await new Promise((r) => setTimeout(r, 0));
    };
    // Out of order: 1 and 2 settle before 0; the flush still waits for 0, 3 and 4.
    await settle(1);
    await settle(2);
    await settle(0);
    expect(flushed).toBe(false);
    await settle(3);
    await settle(4);
    await flush;
    expect(flushed).toBe(true);
    expect(q.pending()).toBe(2); // 5 and 6 are still on their way
    await settle(5);
    await settle(6);
    await q.flush();
    expect(delivered).toEqual([1, 2, 0, 3, 4, 5, 6]);
    expect(q.counters()).toEqual({ ok: 7, failed: 0 });
  });

  it('keeps order with concurrency 1 and counts a failure after the retries', async () => {
    const seen: number[] = [];
    const failures: string[] = [];
    const q = new DeliveryQueue<number>(
      async (n) => {
        seen.push(n);
        if (n === 2) throw new Error('boom');
      },
      { ...options, concurrency: 1, retries: 2, onFailure: (m) => failures.push(m) },
    );
    for (let i = 0; i < 4; i++) q.push(i);
    await q.flush();
    expect(seen).toEqual([0, 1, 2, 2, 2, 3]);
    expect(failures).toEqual(['boom (after 3 attempts)']);
    expect(q.counters()).toEqual({ ok: 3, failed: 1 });
  });
});
