import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../../src/cli/serve.js';
import { bearerTokenCheck } from '../../src/serve/bearer-token.js';
import { runCli } from '../support/run-cli.js';
import { CHECKPOINT_KINDS, libraryVerdict } from './checkpointable-kinds.js';

describe('weir serve: command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-serve-cli-'));
  const good = join(dir, 'good.epl');
  writeFileSync(good, "create schema T(v long);\n@name('s') select v from T;\n");

  it('prints query errors like weir check and exits 1 before listening', async () => {
    const bad = join(dir, 'bad.epl');
    writeFileSync(bad, 'create schema T(v long);\nselect v form T;\n');
    const res = await runCli(['serve', bad, '--port', '0']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${bad}:2:10: error[parse/unexpected-token]`);
    expect(res.stderr).toContain('           ^^^^');
  });

  it('rejects bad options and connector URLs with a clear error (exit 2)', async () => {
    const size = await runCli(['serve', good, '--port', '0', '--body-limit', 'huge']);
    expect(size.code).toBe(2);
    expect(size.stderr).toContain(
      "error[cli/invalid-option]: --body-limit expects a size such as 512kb or 16mb; got 'huge'",
    );
    const sink = await runCli(['serve', good, '--port', '0', '--sink', 's=ftp://x/y']);
    expect(sink.code).toBe(2);
    expect(sink.stderr).toContain("error[connector/invalid-url]: --sink 's=ftp://x/y'");
    const unknown = await runCli(['serve', good, '--port', '0', '--sink', 'nope=exec:cat']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("sink exec:cat: no statement named 'nope' (deployed: s)");
    const nats = await runCli(['serve', good, '--port', '0', '--source', 'nats://127.0.0.1:1/']);
    expect(nats.stderr).toContain('names no stream');
    const every = await runCli([
      'serve',
      good,
      '--port',
      '0',
      '--checkpoint',
      dir,
      '--checkpoint-every',
      '1s',
    ]);
    expect(every.code).toBe(2);
    expect(every.stderr).toContain('--checkpoint-every expects a time period as in EPL');
  });

  // Every part of the engine snapshots (issue 10): serve's start-up refusal for a statement it
  // could not checkpoint can no longer trigger. Should a kind regress, this names it.
  it('can checkpoint every statement kind (nothing is refused with snapshot/unsupported)', () => {
    const refused = Object.entries(CHECKPOINT_KINDS).filter(([, q]) => libraryVerdict(q) !== undefined);
    expect(refused.map(([kind]) => kind)).toEqual([]);
  });

  it('parses sizes', () => {
    expect(parseBytes('512kb', 'x')).toBe(512 * 1024);
    expect(parseBytes('16MB', 'x')).toBe(16 * 1024 * 1024);
    expect(parseBytes('100', 'x')).toBe(100);
  });

  it('checks the bearer token exactly', () => {
    const check = bearerTokenCheck('tok-1');
    expect(check('Bearer tok-1')).toBe(true);
    expect(check('bearer   tok-1')).toBe(true);
    expect(check('Bearer tok-12')).toBe(false);
    expect(check('Bearer tok-')).toBe(false);
    expect(check('tok-1')).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check('Bearer ')).toBe(false);
  });
});
