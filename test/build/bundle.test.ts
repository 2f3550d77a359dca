/**
 * The bundled `weir` (build/bundle-cli.mjs, what `npm run build` writes to dist/cli/main.js)
 * behaves as the in-process CLI: built here from the current source into .bundle-test/cli/
 * (two levels below the package root, like dist/cli/, so the bundled example resolves), then
 * run as a real process and compared with runCommand's output.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outdir = `${root}.bundle-test/cli`;

function weir(
  args: readonly string[],
  timeout?: number,
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`${outdir}/main.js`, ...args], {
    cwd: root,
    encoding: 'utf8',
    ...(timeout === undefined ? {} : { timeout }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr + (r.error ? String(r.error) : '') };
}

describe('the bundled CLI', () => {
  beforeAll(() => {
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { bundleCli } from './build/bundle-cli.mjs'; await bundleCli(${JSON.stringify(outdir)});`,
      ],
      { cwd: root },
    );
  }, 60_000);
  afterAll(() => rmSync(`${root}.bundle-test`, { recursive: true, force: true }));

  it('replays the bundled example with no arguments, as the in-process CLI does', async () => {
    const bundled = weir(['run', '--format', 'ndjson', '--quiet']);
    const inProcess = await runCli(['run', '--format', 'ndjson', '--quiet']);
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toBe(inProcess.stdout);
    expect(bundled.stdout.length).toBeGreaterThan(0);
  });

  it('compiles its command line from the code cache the build saved (V8 accepts it)', () => {
    const main = JSON.stringify(`${outdir}/main.js`);
    const probe = `import(${main}).then((m) => process.stdout.write(String(m.codeCacheAccepted(new URL('.', 'file://' + ${main})))))`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('true');
  });

  it('reads large NDJSON input on its read worker and writes --out on its writer thread (more entries of the bundle), as one thread does', async () => {
    const events = `${outdir}/events.ndjson`;
    const lines = Array.from(
      { length: 30_000 },
      (_, i) =>
        `{"type":"StockTick","ts":${1000 + i},"data":{"symbol":"S${i % 7}","price":${i % 500},"volume":${i}}}`,
    );
    writeFileSync(events, `${lines.join('\n')}\n`); // more than WORKER_MIN_BYTES
    const query = 'queries/stock-ticker/query.epl';
    const run = (threads: string, out: string) => [
      'run',
      query,
      '--events',
      events,
      '--format',
      'ndjson',
      '--quiet',
      '--threads',
      threads,
      '--out',
      out,
    ];
    // The writer thread takes every row (not only after THREAD_AFTER_ROWS).
    vi.stubEnv('WEIR_WRITER_THREAD_AFTER_ROWS', '0');
    const worker = weir(run('2', `${outdir}/worker.ndjson`));
    vi.unstubAllEnvs();
    const oneThread = await runCli(run('1', `${outdir}/one.ndjson`), { cwd: root });
    expect(worker.stderr).toBe('');
    expect(worker.code).toBe(0);
    expect(oneThread.code).toBe(0);
    const output = readFileSync(`${outdir}/worker.ndjson`, 'utf8');
    expect(output).toBe(readFileSync(`${outdir}/one.ndjson`, 'utf8'));
    expect(output.length).toBeGreaterThan(1_000_000);
  });

  it('exits when a run on large input stops before reading (its read worker, booted first, is ended)', () => {
    const events = `${outdir}/early.ndjson`;
    const lines = Array.from(
      { length: 30_000 },
      (_, i) =>
        `{"type":"StockTick","ts":${1000 + i},"data":{"symbol":"S${i % 7}","price":${i},"volume":${i}}}`,
    );
    writeFileSync(events, `${lines.join('\n')}\n`); // more than WORKER_MIN_BYTES: the worker starts
    const bad = `${outdir}/bad.epl`;
    writeFileSync(
      bad,
      'create schema StockTick(symbol string, price double, volume long);\nselect nonsense from StockTick;\n',
    );
    // A worker left running would keep the process alive: the timeout makes that a failure.
    const queryError = weir(['run', bad, '--events', events, '--quiet'], 20_000);
    expect(queryError.code).toBe(1);
    expect(queryError.stderr).toContain("Property 'nonsense'");
    const badOut = weir(
      ['run', 'queries/stock-ticker/query.epl', '--events', events, '--out', `${outdir}/no/such/dir.ndjson`],
      20_000,
    );
    expect(badOut.code).toBe(2);
    expect(badOut.stderr).toContain('--out: cannot write');
    // The read worker the bin boots before the command line loads, never taken: an option error.
    const badOption = weir(
      ['run', 'queries/stock-ticker/query.epl', '--events', events, '--format', 'nonsense'],
      20_000,
    );
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("argument 'nonsense' is invalid");
  });

  it('serves the bundled example with its dashboard (weir serve: fastify and uPlot stay node_modules imports)', async () => {
    const child = spawn(process.execPath, [`${outdir}/main.js`, 'serve', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let stderr = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr?.on('data', (d: Buffer) => {
          stderr += d.toString('utf8');
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stderr);
          if (m?.[1] !== undefined) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`weir serve exited with ${code}: ${stderr}`)));
      });
      for (const path of ['/', '/dashboard/dashboard.js', '/dashboard/uPlot.iife.min.js']) {
        expect((await fetch(`${url}${path}`)).status, path).toBe(200);
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
  }, 30_000);

  it('reports query errors with exit 1 and caret messages', async () => {
    const bundled = weir(['check', 'test/golden/README.md']);
    const inProcess = await runCli(['check', 'test/golden/README.md'], { cwd: root });
    expect(bundled.code).toBe(1);
    expect(bundled.stderr).toBe(inProcess.stderr);
  });
});
