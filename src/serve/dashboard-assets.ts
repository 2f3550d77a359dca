/**
 * The dashboard's files: the page, its script and style (plain files in src/serve/dashboard/,
 * shipped with the package, no build step) and uPlot, the charting library, read from the
 * installed `uplot` package. Nothing is fetched from a CDN. Files are read once and kept.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

const require = createRequire(import.meta.url);

/** src/serve/ and dist/serve/ are both two levels below the package root. */
const own = (name: string) => fileURLToPath(new URL(`../../src/serve/dashboard/${name}`, import.meta.url));

const FILES: Readonly<Record<string, { readonly path: () => string; readonly contentType: string }>> = {
  'index.html': { path: () => own('index.html'), contentType: 'text/html; charset=utf-8' },
  'dashboard.js': { path: () => own('dashboard.js'), contentType: 'text/javascript; charset=utf-8' },
  'dashboard.css': { path: () => own('dashboard.css'), contentType: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': {
    path: () => require.resolve('uplot/dist/uPlot.iife.min.js'),
    contentType: 'text/javascript; charset=utf-8',
  },
  'uPlot.min.css': {
    path: () => require.resolve('uplot/dist/uPlot.min.css'),
    contentType: 'text/css; charset=utf-8',
  },
};

const cache = new Map<string, Asset>();

/** The named file, or undefined for a name that is not one of the dashboard's. */
export function dashboardAsset(name: string): Asset | undefined {
  const file = FILES[name];
  if (file === undefined) return undefined;
  let asset = cache.get(name);
  if (asset === undefined) {
    asset = { contentType: file.contentType, body: readFileSync(file.path()) };
    cache.set(name, asset);
  }
  return asset;
}
