/**
 * The snapshot property over every golden case the project holds (test/conformance: Esper's
 * output; test/golden: derived by hand): each case is run straight through, then again cut
 * at several events (a third, a half, two thirds, and a seeded random point), snapshotted,
 * restored into a fresh engine and run to the end. The calls before the cut and after the
 * restore, concatenated, must equal the uninterrupted run's: same calls, times and rows.
 *
 * Every part of the engine implements the state contract: any error at the snapshot (a
 * `snapshot/unsupported` included) fails the test.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePeriod } from '../../src/cli/parse-period.js';
import { type Engine, type WeirEngineOptions, createEngine } from '../../src/index.js';
import type { CutEvent } from '../support/snapshot-cut.js';

interface Case {
  readonly name: string;
  readonly epl: string;
  readonly events: CutEvent[];
  readonly endTime: number | undefined;
  readonly options: WeirEngineOptions;
}

function loadCases(root: string): Case[] {
  const dir = join(import.meta.dirname, '..', root);
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'query.epl')))
    .sort()
    .flatMap((name): Case[] => {
      const at = join(dir, name);
      const args = existsSync(join(at, 'args')) ? readFileSync(join(at, 'args'), 'utf8') : '';
      // Cases of the reader's options (flat lines with another time field) hold no engine state of their own.
      if (/--time-field|--type/.test(args)) return [];
      const end = /--end-time\s+(-?\d+)/.exec(args);
      const lateness = /--lateness\s+'?([^'\n]+?)'?(\s+--|\s*$)/.exec(args);
      const events = readFileSync(join(at, 'events.ndjson'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as CutEvent);
      return [
        {
          name: `${root}/${name}`,
          epl: readFileSync(join(at, 'query.epl'), 'utf8'),
          events,
          endTime: end === null ? undefined : Number(end[1]),
          options:
            lateness === null ? {} : { allowedLateness: parsePeriod(lateness[1] as string, '--lateness') },
        },
      ];
    });
}

function listen(engine: Engine, out: string[]): void {
  for (const s of engine.statements()) {
    s.subscribe((n, o, c) => out.push(JSON.stringify([c.statement, c.time, n, o])));
  }
}

function send(engine: Engine, events: readonly CutEvent[]): void {
  for (const e of events) engine.send(e.type, e.data, e.ts);
}

function finish(engine: Engine, endTime: number | undefined): void {
  engine.flush();
  if (endTime !== undefined) engine.advanceTime(endTime);
}

/** The uninterrupted calls, or the error the case itself raises (its cut runs must raise it too). */
function straight(c: Case): string[] {
  const out: string[] = [];
  const engine = createEngine(c.options);
  engine.deploy(c.epl);
  listen(engine, out);
  send(engine, c.events);
  finish(engine, c.endTime);
  return out;
}

/** The calls with a snapshot after `cut` events and a restore into a fresh engine. */
function cutRun(c: Case, cut: number): string[] {
  const out: string[] = [];
  const before = createEngine(c.options);
  before.deploy(c.epl);
  listen(before, out);
  send(before, c.events.slice(0, cut));
  const after = createEngine({ ...c.options, restore: before.snapshot() });
  listen(after, out);
  send(after, c.events.slice(cut));
  finish(after, c.endTime);
  return out;
}

function cuts(c: Case): number[] {
  const n = c.events.length;
  let h = 0;
  for (const ch of c.name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return [...new Set([Math.floor(n / 3), Math.floor(n / 2), Math.floor((2 * n) / 3), h % (n + 1)])];
}

describe('snapshot/restore over every golden case', () => {
  const cases = [...loadCases('conformance'), ...loadCases('golden')];

  it('each case cut at four events continues exactly where it was cut', { timeout: 240_000 }, () => {
    expect(cases.length).toBeGreaterThanOrEqual(570);
    let restored = 0;
    for (const c of cases) {
      const expected = straight(c);
      for (const cut of cuts(c)) {
        expect(cutRun(c, cut), `${c.name} cut after ${cut} events`).toEqual(expected);
        restored++;
      }
    }
    console.log(`snapshot property: ${restored} cuts restored exactly`);
    expect(restored).toBeGreaterThanOrEqual(3195);
  });
});
