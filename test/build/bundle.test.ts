/**
 * The bundled `weir` (build/bundle-cli.mjs, what `npm run build` writes to dist/cli/main.js)
 * behaves as the in-process CLI: built here from the current source into .bundle-test/cli/
 * (two levels below the package root, like dist/cli/, so the bundled example resolves), then
 * run as a real process and compared with runCommand's output.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outdir = `${root}.bundle-test/cli`;

function weir(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`${outdir}/main.js`, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
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

  it('reports query errors with exit 1 and caret messages', async () => {
    const bundled = weir(['check', 'test/golden/README.md']);
    const inProcess = await runCli(['check', 'test/golden/README.md'], { cwd: root });
    expect(bundled.code).toBe(1);
    expect(bundled.stderr).toBe(inProcess.stderr);
  });
});
