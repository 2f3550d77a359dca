import { describe, expect, it } from 'vitest';
import { WeirError, WeirErrors, createEngine } from '../../src/index.js';
import type { Row } from '../../src/index.js';

const SCHEMA = 'create schema T(k string, v int, at long) timestamp at;';

describe('engine API', () => {
  it('deploys, delivers new and old events, and counts', () => {
    const engine = createEngine();
    const [s] = engine.deploy(`${SCHEMA} @name('w') select irstream k from T#length(1)`);
    const calls: [Row[] | null, Row[] | null, number][] = [];
    s?.subscribe((n, o, ctx) => calls.push([n, o, ctx.time]));
    engine.send('T', { k: 'a', v: 1, at: 10 });
    engine.send('T', { k: 'b', v: 2, at: 20 });
    expect(calls).toEqual([
      [[{ k: 'a' }], null, 10],
      [[{ k: 'b' }], [{ k: 'a' }], 20],
    ]);
    expect(s?.stats()).toEqual({
      eventsIn: 2,
      rowsOut: 3,
      updates: 2,
      windowSize: 1,
      droppedPartialMatches: 0,
    });
    expect(s?.columns).toEqual(['k']);
  });

  it("counts a statement's events after its stream filter, indexed or not", () => {
    const engine = createEngine();
    const [ranged, indexed] = engine.deploy(
      `${SCHEMA} select * from T(v > 1)#length(5); select * from T(k = 'a')#length(5)`,
    );
    for (const [k, v, at] of [
      ['a', 1, 1],
      ['b', 2, 2],
      ['a', 3, 3],
    ] as const)
      engine.send('T', { k, v, at });
    expect(ranged?.stats().eventsIn).toBe(2);
    expect(indexed?.stats().eventsIn).toBe(2);
  });

  it('fires timers at their due time when time is advanced', () => {
    const engine = createEngine();
    const [s] = engine.deploy(`${SCHEMA} select irstream k from T#time(5 sec)`);
    const times: number[] = [];
    s?.subscribe((_n, _o, ctx) => times.push(ctx.time));
    engine.send('T', { k: 'a', v: 1, at: 1000 });
    engine.advanceTime(5999);
    engine.advanceTime(7000);
    expect(times).toEqual([1000, 6000]);
    expect(engine.stats().currentTime).toBe(7000);
  });

  it('undeploys one statement while others keep running', () => {
    const engine = createEngine();
    const [a, b] = engine.deploy(`${SCHEMA} @name('a') select k from T; @name('b') select k from T`);
    const seen: string[] = [];
    a?.subscribe(() => seen.push('a'));
    b?.subscribe(() => seen.push('b'));
    engine.send('T', { k: 'x', v: 1, at: 1 });
    a?.undeploy();
    engine.send('T', { k: 'y', v: 1, at: 2 });
    expect(seen).toEqual(['a', 'b', 'b']);
    expect(engine.statement('a')).toBeUndefined();
    expect(engine.statements().map((s) => s.name)).toEqual(['b']);
  });

  it('stops the timers of an undeployed statement', () => {
    const engine = createEngine({ startTime: 0 });
    const [s] = engine.deploy(`${SCHEMA} select count(*) as n from pattern [every timer:interval(1 sec)]`);
    let calls = 0;
    s?.subscribe(() => calls++);
    engine.advanceTime(3500);
    expect(calls).toBe(3);
    expect(engine.stats().pendingTimers).toBe(1);
    s?.undeploy();
    engine.advanceTime(10_000);
    expect(calls).toBe(3);
    expect(engine.stats().pendingTimers).toBe(0);
  });

  it('yields updates to async iterators and ends them on undeploy', async () => {
    const engine = createEngine();
    const [s] = engine.deploy(`${SCHEMA} @name('s') select k from T`);
    const iterator = s?.updates();
    engine.send('T', { k: 'x', v: 1, at: 5 });
    s?.undeploy();
    const first = await iterator?.next();
    expect(first?.value).toEqual({ statement: 's', time: 5, newEvents: [{ k: 'x' }], oldEvents: null });
    expect((await iterator?.next())?.done).toBe(true);
  });

  it('reports late events to listeners and never processes them', () => {
    const engine = createEngine({ allowedLateness: 100 });
    const [s] = engine.deploy(`${SCHEMA} select k from T`);
    const out: string[] = [];
    const late: string[] = [];
    s?.subscribe((n) => out.push(String(n?.[0]?.k)));
    engine.onLate((e) => late.push(`${e.event.k}@${e.timestamp}<${e.watermark}`));
    for (const [k, at] of [
      ['a', 1000],
      ['b', 950],
      ['c', 1200],
      ['d', 1050],
      ['e', 1300],
    ] as const) {
      engine.send('T', { k, v: 0, at });
    }
    engine.flush();
    expect(out).toEqual(['b', 'a', 'c', 'e']);
    expect(late).toEqual(['d@1050<1100']);
    expect(engine.stats()).toMatchObject({
      eventsIn: 5,
      eventsProcessed: 4,
      lateEvents: 1,
      buffered: 0,
      pendingTimers: 0,
    });
  });

  it('feeds insert into streams to later statements, also across deployments', () => {
    const engine = createEngine();
    engine.deploy(`${SCHEMA} insert into Big select k, v from T(v > 10)`);
    const [count] = engine.deploy('select count(*) as n from Big');
    const counts: unknown[] = [];
    count?.subscribe((n) => counts.push(n?.[0]?.n));
    for (const v of [5, 20, 30]) engine.send('T', { k: 'x', v, at: v });
    expect(counts).toEqual([1, 2]);
    expect(engine.schema('Big')?.properties).toEqual([
      { name: 'k', type: 'string' },
      { name: 'v', type: 'int' },
    ]);
  });

  it('rejects unknown types, wrong value types and missing timestamps with clear errors', () => {
    const engine = createEngine();
    engine.deploy('create schema U(n int)');
    expect(() => engine.send('Nope', {}, 1)).toThrow(/Unknown event type 'Nope' \(known: U\)/);
    expect(() => engine.send('U', { n: 1.5 }, 1)).toThrow(
      "Property 'n' of event type 'U' must be int, got 1.5 (number)",
    );
    expect(() => engine.send('U', { n: 1 })).toThrow(/has no timestamp/);
    try {
      engine.send('U', { n: 'x' }, 1);
    } catch (e) {
      expect(e).toBeInstanceOf(WeirError);
      expect((e as WeirError).code).toBe('runtime/invalid-event');
    }
  });

  it('throws every compile error of a deployment at once, with spans', () => {
    const engine = createEngine();
    try {
      engine.deploy('create schema T(a int);\nselect b from T;\nselect a from Nope;');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WeirErrors);
      const errors = (e as WeirErrors).errors;
      expect(errors.map((x) => [x.code, x.span?.line])).toEqual([
        ['analyze/unknown-property', 2],
        ['analyze/unknown-stream', 3],
      ]);
    }
  });

  it('delivers alerts from pattern statements through onAlert sugar only for patterns', () => {
    const engine = createEngine();
    engine.deploy(`${SCHEMA} @name('plain') select k from T`);
    const alerts: unknown[] = [];
    engine.onAlert((n) => alerts.push(n));
    engine.send('T', { k: 'x', v: 1, at: 1 });
    expect(alerts).toEqual([]);
    expect(() => engine.onAlert('missing', () => {})).toThrow(/No statement named 'missing'/);
  });
});
