/**
 * Runs a module over events twice: straight through, and with the engine snapshotted after
 * `cut` events and restored into a fresh engine (listeners re-attached by statement name).
 * The listener calls of the second run (before the cut, then after it) must equal the first
 * run's exactly: same calls, same order, same values.
 */
import type { Engine, WeirEngineOptions } from '../../src/index.js';
import { createEngine } from '../../src/index.js';

export interface CutEvent {
  readonly type: string;
  readonly ts: number;
  readonly data: Record<string, unknown>;
}

export interface CutRun {
  readonly straight: string[];
  readonly interrupted: string[];
  /** Size of the snapshot taken at the cut. */
  readonly bytes: number;
}

export interface CutOptions {
  readonly engine?: WeirEngineOptions;
  /** After the events: flush the buffer, then advance to this time (like --end-time). */
  readonly endTime?: number;
  /** Snapshot bytes go through this before the restore (a file, another process). */
  readonly carry?: (bytes: Uint8Array) => Uint8Array;
}

function listen(engine: Engine, out: string[]): void {
  for (const s of engine.statements()) {
    s.subscribe((n, o, c) => out.push(JSON.stringify([c.statement, c.time, n, o])));
  }
}

function finish(engine: Engine, endTime: number | undefined): void {
  engine.flush();
  if (endTime !== undefined) engine.advanceTime(endTime);
}

export function runWithCut(
  epl: string,
  events: readonly CutEvent[],
  cut: number,
  options: CutOptions = {},
): CutRun {
  const straight: string[] = [];
  const a = createEngine(options.engine);
  a.deploy(epl);
  listen(a, straight);
  for (const e of events) a.send(e.type, e.data, e.ts);
  finish(a, options.endTime);

  const interrupted: string[] = [];
  const b = createEngine(options.engine);
  b.deploy(epl);
  listen(b, interrupted);
  for (const e of events.slice(0, cut)) b.send(e.type, e.data, e.ts);
  let bytes = b.snapshot();
  const size = bytes.length;
  if (options.carry !== undefined) bytes = options.carry(bytes);
  const c = createEngine({ restore: bytes });
  listen(c, interrupted);
  for (const e of events.slice(cut)) c.send(e.type, e.data, e.ts);
  finish(c, options.endTime);
  return { straight, interrupted, bytes: size };
}

/** Events from generated `[type, key, value, gap]` tuples, starting at 1000 ms, `gap` ms apart. */
export function timedEvents(
  items: readonly (readonly [string, string, number, number])[],
  data: (type: string, key: string, value: number) => Record<string, unknown>,
): CutEvent[] {
  let ts = 1000;
  return items.map(([type, key, value, gap]) => {
    ts += gap;
    return { type, ts, data: data(type, key, value) };
  });
}

/** Each cut in `cuts` (default: after every event) gives the uninterrupted run's calls; the run ends `tail` ms after the last event. */
export function expectCutsRestore(
  epl: string,
  events: readonly CutEvent[],
  tail: number,
  cuts: readonly number[] = Array.from({ length: events.length + 1 }, (_, i) => i),
): void {
  const endTime = (events.at(-1)?.ts ?? 1000) + tail;
  for (const cut of cuts) {
    const run = runWithCut(epl, events, cut, { endTime });
    if (JSON.stringify(run.interrupted) !== JSON.stringify(run.straight)) {
      throw new Error(
        `cut after ${cut} events: restored run differs\n  expected ${JSON.stringify(run.straight)}\n  got      ${JSON.stringify(run.interrupted)}`,
      );
    }
  }
}
