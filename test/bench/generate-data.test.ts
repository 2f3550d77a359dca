import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  START_TS,
  logins,
  mulberry32,
  nexmark,
  stockTicks,
  writeLoginFile,
  writeNexmarkFile,
  writeStockTickFiles,
} from '../../bench/generate-data.js';

describe('mulberry32', () => {
  it('is deterministic per seed, differs across seeds, stays in [0, 1)', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    const c = mulberry32(2);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
});

describe('StockTick', () => {
  const ticks = stockTicks(20_000);

  it('is 1 ms apart from 1,000,000, with ts equal to the event time', () => {
    ticks.forEach((t, i) => expect(t.ts).toBe(START_TS + i));
  });

  it('uses the requested symbols, cent prices in range and integer volumes', () => {
    expect(new Set(ticks.map((t) => t.symbol)).size).toBe(100);
    expect(new Set(stockTicks(50_000, { symbols: 10_000 }).map((t) => t.symbol)).size).toBeGreaterThan(9000);
    for (const t of ticks) {
      expect(Math.abs(t.price * 100 - Math.round(t.price * 100))).toBeLessThan(1e-6);
      expect(t.price).toBeGreaterThanOrEqual(1);
      expect(t.price).toBeLessThanOrEqual(100);
      expect(Number.isInteger(t.volume) && t.volume >= 1 && t.volume <= 1000).toBe(true);
    }
  });

  it('walks each symbol’s price in small steps', () => {
    const last = new Map<string, number>();
    for (const t of ticks) {
      const before = last.get(t.symbol);
      if (before !== undefined)
        expect(Math.abs(t.price - before)).toBeLessThanOrEqual(before * 0.011 + 0.011);
      last.set(t.symbol, t.price);
    }
  });

  it('is the same for the same seed and differs for another', () => {
    expect(stockTicks(500)).toEqual(ticks.slice(0, 500));
    expect(stockTicks(500, { seed: 1 })).not.toEqual(ticks.slice(0, 500));
  });
});

describe('Login and Nexmark', () => {
  it('Login: the requested number of users, about a third successful', () => {
    const many = logins(30_000, { users: 100_000 });
    expect(new Set(many.map((l) => l.user)).size).toBeGreaterThan(20_000);
    expect(new Set(logins(100, { users: 1 }).map((l) => l.user))).toEqual(new Set(['u0']));
    const ok = many.filter((l) => l.ok).length / many.length;
    expect(ok).toBeGreaterThan(0.3);
    expect(ok).toBeLessThan(0.37);
    many.forEach((l, i) => expect(l.ts).toBe(START_TS + i));
  });

  it('Nexmark: Person, Auction and Bid in the ratio 1:3:46, bids on auctions that exist', () => {
    const events = nexmark(5000);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect([count('Person'), count('Auction'), count('Bid')]).toEqual([100, 300, 4600]);
    let auctions = 0;
    for (const e of events) {
      if (e.type === 'Auction') expect(e.data.id).toBe(auctions++);
      if (e.type === 'Bid') expect(e.data.auction).toBeLessThan(auctions);
    }
  });
});

describe('files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes StockTick as NDJSON envelopes and CSV with the same events', async () => {
    const { ndjson, csv } = await writeStockTickFiles(dir, 50, 100);
    const expected = stockTicks(50);
    const envelopes = readFileSync(ndjson, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(envelopes).toEqual(expected.map((e) => ({ type: 'StockTick', ts: e.ts, data: e })));
    const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(header).toBe('symbol,price,volume,ts');
    expect(rows.map((r) => r.split(','))).toEqual(
      expected.map((e) => [e.symbol, String(e.price), String(e.volume), String(e.ts)]),
    );
  });

  it('writes Login and Nexmark envelopes', async () => {
    const loginLines = readFileSync(await writeLoginFile(dir, 20, 1), 'utf8')
      .trimEnd()
      .split('\n');
    expect(loginLines.map((l) => JSON.parse(l))).toEqual(
      logins(20, { users: 1 }).map((e) => ({ type: 'Login', ts: e.ts, data: e })),
    );
    const nexmarkLines = readFileSync(await writeNexmarkFile(dir, 60), 'utf8')
      .trimEnd()
      .split('\n');
    expect(nexmarkLines.map((l) => JSON.parse(l))).toEqual(
      nexmark(60).map((e) => ({ type: e.type, ts: e.data.ts, data: e.data })),
    );
  });
});
