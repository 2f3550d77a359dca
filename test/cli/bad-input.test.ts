/**
 * `weir run` on bad input (issue 13 §2): every case is a one-line message naming the file and
 * line (exit 2, or counted and skipped with --on-error skip), never an internal error.
 */
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../io/temp-files.js';
import { runCli } from '../support/run-cli.js';

const { file } = scratchDir('weir-bad-input-');
const row = (time: number, r: object) =>
  `{"stmt":"s","time":${time},"stream":"new","row":${JSON.stringify(r)}}\n`;
const QUERY = file('q.epl', "create schema T(k string, v long);\n@name('s') select k, v from T;\n");

describe('weir run: one event may move event time only so far', () => {
  const events = file(
    'jump.ndjson',
    [
      '{"type":"T","ts":1000,"data":{"k":"a","v":1}}',
      '{"type":"T","ts":1000000000000000,"data":{"k":"b","v":2}}',
      '{"type":"T","ts":2000,"data":{"k":"c","v":3}}',
    ].join('\n'),
  );

  it('reports the line (exit 2)', async () => {
    const r = await runCli(['run', QUERY, '--events', events, '--format', 'ndjson', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(row(1000, { k: 'a', v: 1 }));
    expect(r.stderr).toBe(
      `${events}:2: Event of type 'T' at 1000000000000000 would move event time 999999999999000 ms past the engine's latest time 1000; one step may move it at most 604800000 ms (option maxTimeJump, CLI --max-time-jump)\n`,
    );
  });

  it('counts and skips it with --on-error skip; --max-time-jump sets the limit', async () => {
    const r = await runCli(['run', QUERY, '--events', events, '--format', 'ndjson', '--on-error', 'skip']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(row(1000, { k: 'a', v: 1 }) + row(2000, { k: 'c', v: 3 }));
    expect(r.stderr).toContain('1 malformed');
    const wide = await runCli([
      'run',
      QUERY,
      '--events',
      events,
      '--format',
      'ndjson',
      '--max-time-jump',
      '20000000 days',
    ]);
    expect(wide.code).toBe(0); // the second is processed; the third is late
    expect(wide.stdout).toBe(row(1000, { k: 'a', v: 1 }) + row(1e15, { k: 'b', v: 2 }));
    expect(wide.stderr).toContain('late event: T at 2000');
  });
});
