/**
 * The dashboard in a real browser: `weir serve` (in-process) with the stock-ticker example and
 * an alert statement, Debian's headless chromium driven by playwright-core, events posted over
 * HTTP; the page must show the statements, the latest rows, a chart with one series per
 * symbol, and the alert. The screenshot is saved to test-results/dashboard.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServe } from '../../src/serve/start-serve.js';
import { findBinary } from './real-servers.js';
import { serveForTest } from './start.js';

const EPL = `${readFileSync('queries/stock-ticker/query.epl', 'utf8')}
// A price more than 5% above the symbol's previous tick.
@name('jump')
select a.symbol as symbol, a.price as before, b.price as after
from pattern [every a=StockTick -> b=StockTick(symbol = a.symbol, price > a.price * 1.05)];
`;

let browser: Browser;
let running: RunningServe;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: findBinary('chromium'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  running = await serveForTest(EPL);
}, 30_000);
afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

const tick = (ts: number, symbol: string, price: number) =>
  JSON.stringify({ type: 'StockTick', ts, data: { symbol, price, volume: 100 } });

describe('dashboard (headless chromium)', () => {
  it('shows statements, live rows, a chart per symbol and the alert feed', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    page.on('requestfailed', (r) => failures.push(`${r.url()} ${r.failure()?.errorText}`));
    await page.goto(running.url);
    await page.locator('#status.live').waitFor({ timeout: 10_000 });
    await expect(page.locator('#statements tbody tr').count()).resolves.toBe(4);

    const events = [
      tick(1000, 'ACME', 100),
      tick(2000, 'INIT', 20),
      tick(3000, 'ACME', 101),
      tick(4000, 'INIT', 20.5),
      tick(5000, 'ACME', 110), // +8.9% over 101: the alert
      tick(6000, 'INIT', 20.2),
    ];
    for (const e of events) {
      const res = await fetch(`${running.url}/events`, { method: 'POST', body: e });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }

    // The alert: ACME 101 → 110 (and 100 → 110, also more than 5%): one listener call, two rows.
    const alerts = page.locator('#alerts li');
    await alerts.nth(1).waitFor({ timeout: 10_000 });
    const alertTexts = await alerts.allTextContents();
    expect(alertTexts).toHaveLength(2);
    expect(alertTexts.join('\n')).toContain('"symbol":"ACME","before":101,"after":110');
    expect(alertTexts.join('\n')).toContain('"symbol":"ACME","before":100,"after":110');

    // Latest rows of moving-avg: INIT's row at 6000 (avg of 20, 20.5, 20.2 = 20.2333).
    const latest = page.locator('#latest [data-statement="moving-avg"]');
    await expect
      .poll(async () => latest.locator('tbody tr').first().textContent(), { timeout: 10_000 })
      .toBe(['INIT', '20.2333', '3'].join(''));

    // The chart: uPlot drew a canvas, with one series per symbol in its legend.
    await page.locator('#chart canvas').waitFor({ timeout: 10_000 });
    const legend = await page.locator('#chart .u-legend .u-series .u-label').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['ACME', 'INIT']));
    // Each symbol's line is drawn (in its legend colour: ACME blue, INIT red), not just a frame.
    const drawn = await page.evaluate(() => {
      // Runs in the page (the test's TypeScript has no DOM types: the shapes used, spelled out).
      interface Canvas {
        width: number;
        height: number;
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      }
      const page = globalThis as unknown as { document: { querySelector(selector: string): Canvas } };
      const canvas = page.document.querySelector('#chart canvas');
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      const near = (i: number, rgb: number[]) =>
        rgb.every((v, c) => Math.abs((data[i + c] as number) - v) < 40) && (data[i + 3] as number) > 200;
      let blue = 0;
      let red = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (near(i, [0x25, 0x63, 0xeb])) blue++;
        else if (near(i, [0xdc, 0x26, 0x26])) red++;
      }
      return { blue, red };
    });
    expect(drawn.blue, 'ACME line pixels').toBeGreaterThan(50);
    expect(drawn.red, 'INIT line pixels').toBeGreaterThan(50);
    await expect(page.locator('#chart-statement').inputValue()).resolves.toBe('moving-avg');
    await expect(page.locator('#chart-column').inputValue()).resolves.toBe('avgPrice');

    // Stats are polled every 2 s: the statements table catches up with the events.
    await expect
      .poll(async () => page.locator('#statements tr[data-statement="moving-avg"] td').nth(2).textContent(), {
        timeout: 10_000,
      })
      .toBe('6');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });

    // Another column chosen: the chart starts again from the next rows, with that column.
    await page.selectOption('#chart-column', 'ticks');
    await expect.poll(() => page.locator('#chart').textContent()).toBe('waiting for rows…');
    const more = await fetch(`${running.url}/events`, { method: 'POST', body: tick(7000, 'ACME', 111) });
    expect(more.status).toBe(200);
    await page.locator('#chart canvas').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.locator('#chart .u-legend .u-series .u-label').allTextContents())
      .toEqual(expect.arrayContaining(['ACME']));
    expect(await page.locator('#chart .u-legend .u-series .u-label').allTextContents()).not.toContain('INIT');
    expect(failures).toEqual([]);
    await page.close();
  });
});
