/** The bundled examples in queries/ produce exactly the alerts their READMEs show (derived by hand). */
import { describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

/** `weir run` on the bundled example `name` (NDJSON lines: statement, time, row). */
async function run(name: string, ...extra: string[]) {
  const dir = new URL(`../queries/${name}/`, import.meta.url).pathname;
  const r = await runCli([
    'run',
    `${dir}query.epl`,
    '--events',
    `${dir}events.ndjson`,
    '--format',
    'ndjson',
    '--quiet',
    ...extra,
  ]);
  expect(r.stderr).toBe('');
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { stmt: string; time: number; row: Record<string, unknown> });
}

async function alerts(name: string, ...extra: string[]) {
  return (await run(name, '--alerts-only', ...extra)).map(({ time, row }) => ({ time, ...row }));
}

describe('bundled examples', () => {
  it('login-bruteforce', async () => {
    expect(await alerts('login-bruteforce')).toEqual([
      { time: 4000, user: 'alice', failedFrom: 'US', loggedInFrom: 'FR' },
      { time: 403000, user: 'dave', failedFrom: 'UK', loggedInFrom: 'JP' },
      { time: 403000, user: 'dave', failedFrom: 'UK', loggedInFrom: 'JP' },
    ]);
  });

  it('order-without-payment', async () => {
    expect(await alerts('order-without-payment', '--end-time', '2000000')).toEqual([
      { time: 602000, orderId: 'o2', amount: 35.5 },
      { time: 1500000, orderId: 'o4', amount: 99.9 },
    ]);
  });

  it('visitors-threshold notifies once per interval when the 30-minute count crosses the threshold', async () => {
    const base = 1735689600000;
    const notes = (await run('visitors-threshold', '--end-time', '1735695600000')).map((l) => ({
      minute: (l.time - base) / 60000,
      ...l.row,
    }));
    expect(notes).toEqual([
      { minute: 24, visitors: 5 },
      { minute: 38, visitors: 5 },
    ]);
  });

  it('rising-prices', async () => {
    expect(await alerts('rising-prices')).toEqual([
      { time: 5000, symbol: 'ACME', p1: 10, p2: 11, p3: 12 },
      { time: 8000, symbol: 'XYZ', p1: 4, p2: 6, p3: 7 },
      { time: 10000, symbol: 'ACME', p1: 13, p2: 14, p3: 15 },
    ]);
  });

  it('stock-ticker reports the spikes its README shows, and --alerts-only hides plain statements', async () => {
    expect(await alerts('stock-ticker')).toEqual([]);
    const r = await runCli(['run', '--format', 'ndjson', '--quiet']);
    const spikes = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { stmt: string; time: number; row: Record<string, unknown> })
      .filter((l) => l.stmt === 'spikes')
      .map((l) => [l.time, l.row.symbol, l.row.price, l.row.previous]);
    expect(spikes).toEqual([
      [1700000010584, 'ACME', 103.79, 100.52],
      [1700000011355, 'INIT', 19.34, 18.94],
      [1700000014225, 'INIT', 19.96, 19.5],
      [1700000016862, 'ACME', 109.28, 106.8],
      [1700000018246, 'GLOBX', 46.01, 44.57],
    ]);
  });
});
