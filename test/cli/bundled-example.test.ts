/**
 * `weir run` with no file replays queries/stock-ticker; its output must match the figures its
 * README derives by hand from events.ndjson (batch counts and volumes, spikes, final averages).
 */
import { describe, expect, it } from 'vitest';
import { bundledExample } from '../../src/cli/bundled-example.js';
import { runCli } from '../support/run-cli.js';

interface Line {
  stmt: string;
  time: number;
  new: Record<string, unknown>[] | null;
  old: Record<string, unknown>[] | null;
}

async function run(...extra: string[]): Promise<Line[]> {
  const r = await runCli(['run', '--format', 'updates', '--quiet', ...extra], { cwd: '/' });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

const of = (lines: Line[], stmt: string) => lines.filter((l) => l.stmt === stmt);

describe('bundled stock-ticker example', () => {
  it('is found next to the package, whatever the working directory', () => {
    const { query, events } = bundledExample();
    expect(query).toMatch(/queries\/stock-ticker\/query\.epl$/);
    expect(events).toMatch(/queries\/stock-ticker\/events\.ndjson$/);
  });

  it('posts the three closed volume batches, then two more with --end-time', async () => {
    const batches = (lines: Line[]) => of(lines, 'volume-5s').map((l) => [l.time, l.new, l.old]);
    const closed = [
      [1700000005531, [{ trades: 11, volume: 23500 }], null],
      [1700000010531, [{ trades: 9, volume: 26400 }], null],
      [1700000015531, [{ trades: 9, volume: 19200 }], null],
    ];
    expect(batches(await run())).toEqual(closed);
    expect(batches(await run('--end-time', '1700000030000'))).toEqual([
      ...closed,
      [1700000020531, [{ trades: 11, volume: 30700 }], null],
      [1700000025531, [{ trades: 0, volume: null }], null],
    ]);
  });

  it('reports the five spikes and ends with the running average of every tick per symbol', async () => {
    const lines = await run();
    expect(of(lines, 'spikes').map((l) => [l.time, l.new?.[0]])).toEqual([
      [1700000010584, { symbol: 'ACME', price: 103.79, previous: 100.52 }],
      [1700000011355, { symbol: 'INIT', price: 19.34, previous: 18.94 }],
      [1700000014225, { symbol: 'INIT', price: 19.96, previous: 19.5 }],
      [1700000016862, { symbol: 'ACME', price: 109.28, previous: 106.8 }],
      [1700000018246, { symbol: 'GLOBX', price: 46.01, previous: 44.57 }],
    ]);
    const averages = of(lines, 'moving-avg');
    expect(averages).toHaveLength(40);
    const last = new Map<unknown, Record<string, unknown>>(
      averages.map((l) => [l.new?.[0]?.symbol, { time: l.time, ...l.new?.[0] }]),
    );
    expect(last.get('GLOBX')).toMatchObject({ time: 1700000019354, ticks: 14 });
    expect(last.get('INIT')).toMatchObject({ time: 1700000019983, ticks: 12 });
    expect(last.get('ACME')).toMatchObject({ time: 1700000020509, ticks: 14 });
    expect(last.get('GLOBX')?.avgPrice as number).toBeCloseTo(642.94 / 14, 9);
    expect(last.get('INIT')?.avgPrice as number).toBeCloseTo(233.07 / 12, 9);
    expect(last.get('ACME')?.avgPrice as number).toBeCloseTo(1461.64 / 14, 9);
  });
});
