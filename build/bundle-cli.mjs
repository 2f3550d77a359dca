/**
 * Bundles the `weir` command (src/cli/main.ts) into dist/cli/main.js with esbuild, run by
 * `npm run build` (and so by `prepare` on `npm ci`). Why: unbundled, `weir run` spends most of
 * its start loading Chevrotain's hundreds of small ES modules; one file starts several times
 * faster (bench/startup.ts measures it). The library (dist/index.js) stays tsc's output.
 *
 * Only the packages `weir run`/`check`/`explain` load at start are bundled (BUNDLED below).
 * Everything else (the server's fastify, mqtt, nats, uplot assets) stays an ordinary import
 * of node_modules, loaded only when `weir serve` runs: with code splitting, the server's
 * modules go to their own chunk next to main.js, imported on demand. A dependency missing
 * from the list still works, it is only not bundled.
 */
import { chmodSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const BUNDLED = [
  'chevrotain',
  '@chevrotain/',
  'commander',
  '@js-sdsl/',
  'csv-parse',
  'cli-progress',
  'lodash-es',
];

/** Marks every package import not in BUNDLED as external. */
const externalsOutsideList = {
  name: 'weir-externals',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      const bundled = BUNDLED.some((p) =>
        p.endsWith('/') ? args.path.startsWith(p) : args.path === p || args.path.startsWith(`${p}/`),
      );
      return bundled ? undefined : { path: args.path, external: true };
    });
  },
};

/** Options shared by `npm run build` and the test that builds a bundle of its own. */
export function bundleOptions(outdir) {
  return {
    entryPoints: [
      { in: fileURLToPath(new URL('../src/cli/main.ts', import.meta.url)), out: 'main' },
      // The read worker `weir run` starts for large NDJSON input (src/io/worker-reader.ts loads
      // it as ./read-worker.js next to the code that starts it: here, next to main.js).
      { in: fileURLToPath(new URL('../src/io/read-worker.ts', import.meta.url)), out: 'read-worker' },
    ],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    minify: true,
    // Chunks are named after their content, so a rebuild does not leave stale ones behind.
    chunkNames: 'chunk-[hash]',
    // `require` for the CommonJS packages bundled (cli-progress).
    banner: {
      js: "import { createRequire as __weirCreateRequire } from 'node:module'; const require = __weirCreateRequire(import.meta.url);",
    },
    plugins: [externalsOutsideList],
    logLevel: 'warning',
  };
}

export async function bundleCli(outdir) {
  // Chunks are named by content hash: remove the previous build's, or they pile up.
  if (existsSync(outdir)) {
    for (const f of readdirSync(outdir)) if (f.startsWith('chunk-')) rmSync(join(outdir, f));
  }
  await esbuild.build(bundleOptions(outdir));
  chmodSync(`${outdir}/main.js`, 0o755);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleCli(fileURLToPath(new URL('../dist/cli', import.meta.url)));
}
