/**
 * The API outside its types: every argument a caller can pass wrongly is a WeirError with a
 * clear message (issue 13 §2), close() ends what users expect it to end, and one event can
 * move event time only so far (maxTimeJump).
 */
import { describe, expect, it } from 'vitest';
import { WeirError, createEngine } from '../../src/index.js';
import type { Engine, Row, StatementUpdate } from '../../src/index.js';

const SCHEMA = 'create schema T(k string, v long, at long) timestamp at;';

function weirError(run: () => unknown): WeirError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(WeirError);
    return e as WeirError;
  }
  throw new Error('expected a WeirError, nothing was thrown');
}

function engineWith(epl = `${SCHEMA} @name('s') select k, v from T`): Engine {
  const engine = createEngine();
  engine.deploy(epl);
  return engine;
}

describe('createEngine options are validated', () => {
  it.each([
    [
      { startTime: Number.NaN },
      "Engine option 'startTime' must be a number from -9007199254740991 to 9007199254740991 (ms), got NaN",
    ],
    [
      { startTime: Number.POSITIVE_INFINITY },
      "Engine option 'startTime' must be a number from -9007199254740991 to 9007199254740991 (ms), got Infinity",
    ],
    [
      { startTime: 1e17 },
      "Engine option 'startTime' must be a number from -9007199254740991 to 9007199254740991 (ms), got 100000000000000000",
    ],
    [{ allowedLateness: -1 }, "Engine option 'allowedLateness' must be a finite number >= 0, got -1"],
    [{ allowedLateness: '5' }, `Engine option 'allowedLateness' must be a finite number >= 0, got "5"`],
    [{ maxPartialMatches: 0 }, "Engine option 'maxPartialMatches' must be an integer > 0, got 0"],
    [{ maxPartialMatches: -1 }, "Engine option 'maxPartialMatches' must be an integer > 0, got -1"],
    [{ maxPartialMatches: 1.5 }, "Engine option 'maxPartialMatches' must be an integer > 0, got 1.5"],
    [{ maxTimeJump: 0 }, "Engine option 'maxTimeJump' must be a number > 0 (Infinity: no limit), got 0"],
    [{ columnarAggregation: 'no' }, `Engine option 'columnarAggregation' must be true or false, got "no"`],
  ])('%j', (options, message) => {
    const e = weirError(() => createEngine(options as never));
    expect(e.code).toBe('runtime/invalid-option');
    expect(e.message).toBe(message);
  });

  it('names an unknown option with the closest known one', () => {
    const e = weirError(() => createEngine({ allowedLatenes: 5 } as never));
    expect(e.message).toMatch(
      /^Unknown engine option 'allowedLatenes' \(did you mean 'allowedLateness'\?\); options: /,
    );
  });

  it('rejects options that are not an object', () => {
    expect(weirError(() => createEngine(null as never)).message).toBe(
      'createEngine options must be an object, got null',
    );
  });

  it('accepts undefined values as absent, and Infinity as no time-jump limit', () => {
    const engine = createEngine({ startTime: undefined, maxTimeJump: Number.POSITIVE_INFINITY });
    engine.deploy(SCHEMA);
    engine.send('T', { k: 'a', v: 1, at: 0 });
    engine.send('T', { k: 'a', v: 1, at: 1e15 });
    expect(engine.stats().currentTime).toBe(1e15);
  });
});

describe('arguments outside the types are WeirErrors', () => {
  it.each([
    ['null', null, 'null'],
    ['a string', 'x', "'x' (a string)"],
    ['a number', 5, '5 (number)'],
    ['an array', [1, 2], 'an array of 2'],
    ['undefined', undefined, 'undefined'],
  ])('send(type, %s)', (_name, event, shown) => {
    const engine = engineWith();
    const e = weirError(() => engine.send('T', event as never, 1));
    expect(e.code).toBe('runtime/invalid-event');
    expect(e.message).toBe(`An event of type 'T' must be an object of properties, got ${shown}`);
    expect(engine.stats().rejectedEvents).toBe(1);
  });

  it('sendMany with a non-array, holes, or mismatched timestamps', () => {
    const engine = engineWith();
    expect(weirError(() => engine.sendMany('T', null as never)).message).toBe(
      'sendMany(type, events): events must be an array, got null',
    );
    // biome-ignore lint/suspicious/noSparseArray: a hole is the case under test
    const holes = [{ k: 'a', v: 1, at: 1 }, , { k: 'b', v: 2, at: 2 }] as Row[];
    expect(weirError(() => engine.sendMany('T', holes)).message).toBe(
      "An event of type 'T' must be an object of properties, got undefined",
    );
    expect(weirError(() => engine.sendMany('T', [{ k: 'a' }], [1, 2])).message).toBe(
      'sendMany(type, events, timestamps): timestamps must be an array as long as events (1), got an array of 2',
    );
  });

  it('a BigInt property value is described, not a crash in the message', () => {
    const engine = engineWith();
    const e = weirError(() => engine.send('T', { k: 'a', v: 10n, at: 1 } as never));
    expect(e.message).toBe(
      "Property 'v' of event type 'T' must be long (an integer within ±9007199254740991, where numbers are exact), got 10n (a bigint)",
    );
  });

  it('a long beyond 2^53 is refused, not rounded', () => {
    const engine = engineWith();
    const e = weirError(() => engine.send('T', { k: 'a', v: 2 ** 53, at: 1 }));
    expect(e.message).toContain('got 9007199254740992 (number)');
    engine.send('T', { k: 'a', v: 2 ** 53 - 1, at: 1 });
    engine.send('T', { k: 'a', v: -(2 ** 53 - 1), at: 1 });
  });

  it('send with a bad type name or timestamp', () => {
    const engine = engineWith();
    expect(weirError(() => engine.send(5 as never, {}, 1)).message).toBe(
      'send(type, event): type must be a string, got 5 (number)',
    );
    expect(weirError(() => engine.send('T', { k: 'a' }, Number.NaN)).message).toBe(
      "Event of type 'T' has an invalid timestamp NaN (number): expected a number of milliseconds from -9007199254740991 to 9007199254740991 (2^53 - 1)",
    );
    expect(weirError(() => engine.send('T', { k: 'a' }, '5' as never)).code).toBe('runtime/invalid-event');
  });

  it('an unknown type name with control characters prints escaped', () => {
    const engine = engineWith();
    const e = weirError(() => engine.send('T\n\u001b[31mX', {}, 1));
    expect(e.code).toBe('runtime/unknown-event-type');
    expect(e.message.includes('\n') || e.message.includes('\u001b')).toBe(false);
    expect(e.message).toContain('T\\n\\u001b[31mX');
  });

  it.each([null, 123, {}, undefined])('deploy(%j)', (epl) => {
    const e = weirError(() => createEngine().deploy(epl as never));
    expect(e.code).toBe('runtime/invalid-argument');
    expect(e.message).toMatch(/^deploy\(epl\) expects EPL text \(a string\), got /);
  });

  it('onAlert and onLate without a listener', () => {
    const engine = engineWith();
    expect(weirError(() => engine.onAlert('s')).message).toBe(
      'onAlert(name, listener): listener must be a function, got undefined',
    );
    expect(weirError(() => engine.onAlert(5 as never)).code).toBe('runtime/invalid-argument');
    expect(weirError(() => engine.onLate(null as never)).code).toBe('runtime/invalid-argument');
  });

  it('advanceTime with a non-number', () => {
    const engine = engineWith();
    expect(weirError(() => engine.advanceTime(Number.NaN)).message).toBe(
      'advanceTime(time) got NaN (number): expected a number of milliseconds from -9007199254740991 to 9007199254740991 (2^53 - 1)',
    );
  });

  it('event times beyond 2^53 ms are refused (found by fuzzing: a periodic timer fired forever at one instant)', () => {
    // Past 2^53 a millisecond is not representable: 1e17 + 3 === 1e17, and a 3 ms batch timer
    // that starts eagerly never got past its first due time.
    const engine = createEngine({ maxTimeJump: 60_000 });
    engine.deploy(
      "create schema T(k string); select count(*) as c from T#time_batch(3 msec, 'FORCE_UPDATE, START_EAGER');",
    );
    for (const time of [1e17, -1e17, 2 ** 53]) {
      const e = weirError(() => engine.send('T', { k: 'a' }, time));
      expect(e.code).toBe('runtime/invalid-event');
      expect(weirError(() => engine.advanceTime(time)).code).toBe('runtime/invalid-argument');
    }
    expect(engine.stats().rejectedEvents).toBe(3);
    engine.send('T', { k: 'a' }, 2 ** 53 - 1);
    engine.close();
  });
});

describe('close()', () => {
  it('ends every updates() iterator after what it holds, and rejects later calls', async () => {
    const engine = createEngine({ allowedLateness: 1000 });
    const [s, t] = engine.deploy(`${SCHEMA} @name('s') select k from T; @name('t') select v from T`);
    const sUpdates = s?.updates() as AsyncIterableIterator<StatementUpdate>;
    const tUpdates = t?.updates() as AsyncIterableIterator<StatementUpdate>;
    engine.send('T', { k: 'a', v: 1, at: 1000 });
    engine.send('T', { k: 'b', v: 2, at: 1500 }); // buffered (lateness): close releases it
    engine.close();
    const seen: string[] = [];
    for await (const u of sUpdates) seen.push(u.newEvents?.[0]?.k as string);
    const values: number[] = [];
    for await (const u of tUpdates) values.push(u.newEvents?.[0]?.v as number);
    expect(seen).toEqual(['a', 'b']);
    expect(values).toEqual([1, 2]);
    for (const call of [
      () => engine.send('T', { k: 'c', v: 3, at: 2000 }),
      () => engine.sendMany('T', [{ k: 'c', v: 3, at: 2000 }]),
      () => engine.advanceTime(5000),
      () => engine.deploy('select * from T'),
    ]) {
      expect(weirError(call).code).toBe('runtime/engine-closed');
    }
    engine.close();
    expect(engine.stats().eventsProcessed).toBe(2);
    expect(s?.stats().rowsOut).toBe(2);
    // An iterator asked for after close ends at once.
    const late = s?.updates() as AsyncIterableIterator<StatementUpdate>;
    expect(await late.next()).toEqual({ value: undefined, done: true });
  });

  it('a pending for-await finishes when the engine closes', async () => {
    const engine = engineWith();
    const s = engine.statement('s');
    const collected = (async () => {
      const rows: unknown[] = [];
      for await (const u of s?.updates() ?? []) rows.push(...(u.newEvents ?? []));
      return rows;
    })();
    engine.send('T', { k: 'a', v: 1, at: 1 });
    engine.close();
    expect(await collected).toEqual([{ k: 'a', v: 1 }]);
  });
});

describe('maxTimeJump', () => {
  it('refuses an event that would move event time further than the limit, counts it, and goes on', () => {
    const engine = createEngine({ maxTimeJump: 10_000 });
    const [s] = engine.deploy(`${SCHEMA} select irstream k from T#time(1 sec)`);
    const times: number[] = [];
    s?.subscribe((_n, _o, ctx) => times.push(ctx.time));
    engine.send('T', { k: 'a', v: 1, at: 1000 });
    const e = weirError(() => engine.send('T', { k: 'b', v: 1, at: 1e15 }));
    expect(e.code).toBe('runtime/time-jump-too-large');
    expect(e.message).toBe(
      "Event of type 'T' at 1000000000000000 would move event time 999999999999000 ms past the engine's latest time 1000; one step may move it at most 10000 ms (option maxTimeJump, CLI --max-time-jump)",
    );
    expect(engine.stats()).toMatchObject({ rejectedEvents: 1, eventsIn: 1, currentTime: 1000 });
    engine.send('T', { k: 'c', v: 1, at: 11_000 }); // exactly the limit
    expect(times).toEqual([1000, 2000, 11_000]);
    expect(weirError(() => engine.advanceTime(21_001)).code).toBe('runtime/time-jump-too-large');
    engine.advanceTime(21_000);
    expect(engine.stats().currentTime).toBe(21_000);
  });

  it('measures from the newest buffered event and from startTime', () => {
    const buffered = createEngine({ maxTimeJump: 100, allowedLateness: 1000 });
    buffered.deploy(SCHEMA);
    buffered.send('T', { k: 'a', v: 1, at: 50 });
    buffered.send('T', { k: 'a', v: 1, at: 150 });
    expect(() => buffered.send('T', { k: 'a', v: 1, at: 251 })).toThrow(/past the engine's latest time 150/);
    const started = createEngine({ maxTimeJump: 100, startTime: 0 });
    started.deploy(SCHEMA);
    expect(() => started.send('T', { k: 'a', v: 1, at: 101 })).toThrow(/latest time 0;/);
  });

  it('the first event sets the clock without a limit', () => {
    const engine = createEngine({ maxTimeJump: 1 });
    engine.deploy(SCHEMA);
    engine.send('T', { k: 'a', v: 1, at: 1.7e12 });
    engine.send('T', { k: 'a', v: 1, at: 1.7e12 + 1 });
    expect(engine.stats().currentTime).toBe(1.7e12 + 1);
  });
});

describe('advanceTime before buffered events (found by fuzzing)', () => {
  it('cannot start event time further before the buffered events than maxTimeJump allows', () => {
    // Otherwise flush() would release the buffered events 10^15 ms after the clock's start and a
    // FORCE_UPDATE batch window, aggregating, would post once per 26 minutes across that gap.
    const engine = createEngine({ allowedLateness: 500, maxTimeJump: 60_000 });
    const [h] = engine.deploy(
      "create schema A(id string); select count(*) as c from A#time_batch(26 min, 'FORCE_UPDATE, START_EAGER')",
    );
    let calls = 0;
    h?.subscribe(() => {
      calls++;
    });
    engine.send('A', { id: 'x' }, -1e15);
    const e = weirError(() => engine.advanceTime(-2e15));
    expect(e.code).toBe('runtime/time-jump-too-large');
    expect(e.message).toBe(
      'advanceTime(-2000000000000000) would start event time 1000000000000000 ms before the buffered events (latest at -1000000000000000); one step may move it at most 60000 ms (option maxTimeJump, CLI --max-time-jump)',
    );
    engine.advanceTime(-1e15 - 30_000); // within the limit: allowed
    engine.close();
    expect(calls).toBeLessThan(10);
  });
});
