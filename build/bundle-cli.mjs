/**
 * Bundles the `weir` command with esbuild, run by `npm run build` (and so by `prepare` on
 * `npm ci`). Why: unbundled, `weir run` spends most of its start loading Chevrotain's
 * hundreds of small ES modules; one file starts several times faster (bench/startup.ts
 * measures it). The library (dist/index.js) stays tsc's output. Four files in dist/cli:
 *
 *   main.js          the bin (src/cli/main.ts), a few lines: it compiles cli.bundle.js
 *   cli.bundle.js    the command line (src/cli/run.ts) as one script, with V8's code cache
 *                    saved next to it by one run at build time (cli.bundle.js.cache; why and
 *                    how: src/cli/cli-bundle.ts)
 *   read-worker.js   the read worker `weir run` starts for large input
 *   write-worker.js  the writer thread `weir run` starts for many rows into --out
 *
 * Only the packages `weir run`/`check`/`explain` load at start are bundled (BUNDLED below).
 * Everything else (the server's fastify, mqtt, nats, uplot assets) stays a node_modules
 * package, required only when `weir serve` runs. A dependency missing from the list still
 * works, it is only not bundled.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

const src = (path) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

/** What the three builds share. */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  minify: true,
  plugins: [externalsOutsideList],
  logLevel: 'warning',
};

/** `require` for the CommonJS packages bundled into an ES module (cli-progress). */
const esmRequire = {
  js: "import { createRequire as __weirCreateRequire } from 'node:module'; const require = __weirCreateRequire(import.meta.url);",
};

/** main.js: the bin, small; it loads the command line from cli.bundle.js (or tsc's run.js, external). */
const binOptions = (outdir) => ({
  ...common,
  entryPoints: [{ in: src('cli/main.ts'), out: 'main' }],
  outdir,
  format: 'esm',
  banner: esmRequire,
  plugins: [
    {
      name: 'weir-run-module-external',
      setup(build) {
        build.onResolve({ filter: /^\.\/run\.js$/ }, (args) => ({ path: args.path, external: true }));
      },
    },
    externalsOutsideList,
  ],
});

/**
 * cli.bundle.js: the command line (run.ts) as one script whose value is a function of
 * (exports, require, module, __filename, __dirname, importMetaUrl): src/cli/cli-bundle.ts
 * compiles it with V8's code cache, which Node 20 offers for scripts, not ES modules.
 * `weir serve`'s packages stay node_modules imports, loaded only when it runs.
 */
const cliBundleOptions = (outdir) => ({
  ...common,
  entryPoints: [{ in: src('cli/bundle-entry.ts'), out: 'cli.bundle' }],
  outdir,
  format: 'cjs',
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: '(function (exports, require, module, __filename, __dirname, importMetaUrl) {' },
  footer: { js: '})' },
});

/** read-worker.js: the read worker `weir run` starts (worker-reader.ts loads it next to the code that starts it). */
const workerOptions = (outdir) => ({
  ...common,
  entryPoints: [{ in: src('io/read-worker.ts'), out: 'read-worker' }],
  outdir,
  format: 'esm',
  banner: esmRequire,
});

/** write-worker.js: the writer thread `weir run` starts for many rows into --out (writer-thread.ts loads it likewise). */
const writeWorkerOptions = (outdir) => ({
  ...common,
  entryPoints: [{ in: src('io/write-worker.ts'), out: 'write-worker' }],
  outdir,
  format: 'esm',
  banner: esmRequire,
});

/** What the code-cache run replays: a schema, a filter, a grouped window, events of both layouts. */
const WARM_QUERY = `create schema Tick(symbol string, price double, volume long, ts long);
@name('f') select * from Tick(price > 50);
@name('a') select symbol, avg(price) as avgPrice, count(*) from Tick#time(30 sec) group by symbol;
`;
const warmEvents = () =>
  Array.from({ length: 400 }, (_, i) => {
    const data = { symbol: `S${i % 7}`, price: ((i * 37) % 100) + 0.25, volume: i, ts: 1000 + i * 250 };
    return JSON.stringify(i % 2 === 0 ? data : { type: 'Tick', ts: data.ts, data });
  }).join('\n');

/**
 * Runs the bundle once (a small replay, output discarded) so the functions a start runs are
 * compiled, and saves V8's code cache of it next to it. In a child process started like the
 * bin (plain node, no flags): V8 takes a cache only under the flags it was made with.
 */
function writeCodeCache(outdir) {
  const work = mkdtempSync(join(tmpdir(), 'weir-code-cache-'));
  try {
    writeFileSync(join(work, 'warm.epl'), WARM_QUERY);
    writeFileSync(join(work, 'warm.ndjson'), warmEvents());
    const main = pathToFileURL(join(outdir, 'main.js')).href;
    const warm = `
      import { Writable } from 'node:stream';
      const { writeCodeCache } = await import(${JSON.stringify(main)});
      const sink = () => new Writable({ write: (_c, _e, done) => done() });
      await writeCodeCache(new URL('.', ${JSON.stringify(main)}), async (run) => {
        const args = ['run', 'warm.epl', '--events', 'warm.ndjson', '--type', 'Tick', '--format', 'ndjson', '--quiet'];
        const code = await run(args, { stdout: sink(), stderr: sink(), cwd: ${JSON.stringify(work)} });
        if (code !== 0) throw new Error('the code-cache run failed (exit ' + code + ')');
      });`;
    execFileSync(process.execPath, ['--input-type=module', '-e', warm], { cwd: work, stdio: 'inherit' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** cli.bundle.js may not call import(): a script compiled from a code cache has no module loader on Node 20. */
function checkNoDynamicImport(result) {
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const dynamic = output.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path);
    if (dynamic.length > 0)
      throw new Error(
        `${file}: import() of ${dynamic.join(', ')}; use a static import or require (cli-bundle.ts)`,
      );
  }
}

export async function bundleCli(outdir) {
  // Earlier builds' chunks (code splitting, before cli.bundle.js) are not used any more.
  if (existsSync(outdir)) {
    for (const f of readdirSync(outdir)) if (f.startsWith('chunk-')) rmSync(join(outdir, f));
  }
  const [, cli] = await Promise.all(
    [binOptions, cliBundleOptions, workerOptions, writeWorkerOptions].map((o) => esbuild.build({ ...o(outdir), metafile: true })),
  );
  checkNoDynamicImport(cli);
  chmodSync(`${outdir}/main.js`, 0o755);
  writeCodeCache(outdir);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleCli(fileURLToPath(new URL('../dist/cli', import.meta.url)));
}
