import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServe } from '../../src/serve/start-serve.js';
import { openSse } from './sse-client.js';
import { serveForTest } from './start.js';

let running: RunningServe | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('weir serve --clock wall', () => {
  it('stamps untimed events with their arrival time and lets the wall clock expire windows', async () => {
    running = await serveForTest(
      "create schema T(k string);\n@name('w') select irstream k from T#time(300 msec);\n",
      {
        service: { clock: 'wall', tickMs: 20 },
      },
    );
    const sse = await openSse(`${running.url}/statements/w/updates`);
    const before = Date.now();
    const res = await fetch(`${running.url}/events?type=T`, { method: 'POST', body: '{"k":"a"}' });
    const after = Date.now();
    expect(await res.json()).toMatchObject({ accepted: 1, malformed: 0 });
    // No further event: the expiry comes from the wall clock advancing event time.
    const [arrival, expiry] = (await sse.take(2, 5000)) as { time: number; new: unknown; old: unknown }[];
    expect(arrival?.new).toEqual([{ k: 'a' }]);
    expect(arrival?.time).toBeGreaterThanOrEqual(before);
    expect(arrival?.time).toBeLessThanOrEqual(after);
    // Esper's #time: the event leaves exactly 300 ms after it arrived, posted as an old event.
    expect(expiry).toEqual({
      stmt: 'w',
      time: (arrival?.time as number) + 300,
      new: null,
      old: [{ k: 'a' }],
    });
    sse.close();
  });

  it('keeps the time an event carries', async () => {
    running = await serveForTest(
      "create schema T(k string, at long) timestamp at;\n@name('w') select k from T;\n",
      {
        service: { clock: 'wall', tickMs: 1000 },
      },
    );
    const sse = await openSse(`${running.url}/statements/w/updates`);
    const now = Date.now();
    await fetch(`${running.url}/events?type=T`, {
      method: 'POST',
      body: JSON.stringify({ k: 'b', at: now - 50 }),
    });
    expect(await sse.take(1)).toEqual([{ stmt: 'w', time: now - 50, new: [{ k: 'b' }], old: null }]);
    sse.close();
  });
});
