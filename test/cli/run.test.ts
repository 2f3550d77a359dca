/**
 * `weir run`, `check` and `explain` through runCommand: options, exit codes, messages.
 * Expected outputs are derived by hand from the queries (Esper semantics), not from running Weir.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scratchDir } from '../io/temp-files.js';
import { runCli } from '../support/run-cli.js';

const { dir, file } = scratchDir('weir-cli-');
const QUERY = file('q.epl', "create schema T(k string, v int);\n@name('s') select k, v from T(v > 1);\n");
const ONE = file('one.ndjson', '{"type":"T","ts":1,"data":{"k":"a","v":2}}\n');

describe('weir run: options', () => {
  it('rejects an unknown format, naming the choices', async () => {
    const r = await runCli(['run', QUERY, '--events', ONE, '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are updates, ndjson, table, csv.\n",
    );
    expect(r.stdout).toBe('');
  });

  it('rejects a bad --lateness, --end-time or --on-error with one clear line', async () => {
    const lateness = await runCli(['run', QUERY, '--events', ONE, '--lateness', 'soon']);
    expect(lateness).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "weir: error[cli/invalid-option]: --lateness expects a time period as in EPL, such as 500 msec, 2 sec or 1 min 30 sec; got 'soon'\n",
    });
    const end = await runCli(['run', QUERY, '--events', ONE, '--end-time', 'later']);
    expect(end.code).toBe(2);
    expect(end.stderr).toBe(
      "weir: error[cli/invalid-option]: --end-time expects a time in milliseconds, got 'later'\n",
    );
    const policy = await runCli(['run', QUERY, '--events', ONE, '--on-error', 'ignore']);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toContain("argument 'ignore' is invalid. Allowed choices are fail, skip.");
  });

  it('rejects an unknown option and an unknown command', async () => {
    const unknown = await runCli(['run', QUERY, '--nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown option '--nope'\n/);
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('prints help and exits 0', async () => {
    const r = await runCli(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--lateness <period>');
    // Compared with the line wrapping undone: commander wraps at the widest option's column.
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('default: table on a terminal, else ndjson');
  });

  it('names a missing query file or event file (exit 2)', async () => {
    expect(await runCli(['run', 'nope.epl'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: "weir: error[io/file-not-found]: query file 'nope.epl' does not exist\n",
    });
    expect(await runCli(['run', 'q.epl', '--events', 'one.ndjson', 'missing.ndjson'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: "weir: error[io/file-not-found]: event file 'missing.ndjson' does not exist\n",
    });
  });

  it('rejects an --out file it cannot write', async () => {
    const r = await runCli(['run', QUERY, '--events', ONE, '--out', `${dir}/no/such/dir/out.ndjson`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^weir: error\[cli\/invalid-option\]: --out: cannot write '.*out\.ndjson': ENOENT/,
    );
  });

  it('resolves relative paths against cwd and names files as given', async () => {
    file('rel-bad.ndjson', '{"type":"T","ts":1,"data":{"k":"a","v":2}}\n{"type":"T","ts":2,"data":\n');
    const r = await runCli(
      ['run', 'q.epl', '--events', 'rel-bad.ndjson', '--format', 'updates', '--out', 'rel.out'],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rel-bad\.ndjson:2: invalid JSON: /);
    expect(readFileSync(`${dir}/rel.out`, 'utf8')).toBe(
      '{"stmt":"s","time":1,"new":[{"k":"a","v":2}],"old":null}\n',
    );
  });

  it('defaults to ndjson when stdout is not a terminal and to table when it is', async () => {
    const piped = await runCli(['run', QUERY, '--events', ONE, '--quiet']);
    expect(piped.stdout).toBe('{"stmt":"s","time":1,"stream":"new","row":{"k":"a","v":2}}\n');
    const tty = await runCli(['run', QUERY, '--events', ONE, '--quiet'], { stdoutIsTTY: true });
    expect(tty.stdout).toBe('            1  s     +  k=a          v=2\n');
  });
});

describe('weir run: replay', () => {
  it('replays several files, NDJSON and CSV by extension, in the order given, through one engine', async () => {
    const q = file(
      'count.epl',
      "create schema T(k string, v int);\n@name('n') select count(*) as n, sum(v) as total from T#length(10);\n",
    );
    const a = file('a.ndjson', '{"type":"T","ts":1000,"data":{"k":"a","v":1}}\n');
    const b = file('b.csv', 'k,v,ts\nb,2,2000\nc,,3000\n');
    const r = await runCli(['run', q, '--events', a, b, '--type', 'T', '--format', 'updates', '--quiet']);
    expect(r.code).toBe(0);
    // sum skips the null v of c; count(*) counts every event.
    expect(r.stdout).toBe(
      [
        '{"stmt":"n","time":1000,"new":[{"n":1,"total":1}],"old":null}',
        '{"stmt":"n","time":2000,"new":[{"n":2,"total":3}],"old":null}',
        '{"stmt":"n","time":3000,"new":[{"n":3,"total":3}],"old":null}',
        '',
      ].join('\n'),
    );
  });

  it('fires timers due by --end-time after the input ends', async () => {
    const q = file(
      'batch.epl',
      "create schema T(k string);\n@name('b') select count(*) as n from T#time_batch(5 sec);\n",
    );
    const ev = file(
      'batch.ndjson',
      '{"type":"T","ts":1000,"data":{"k":"a"}}\n{"type":"T","ts":2000,"data":{"k":"b"}}\n',
    );
    // The batch starts with the first event (1000) and closes at 6000.
    const without = await runCli(['run', q, '--events', ev, '--format', 'updates', '--quiet']);
    expect(without).toEqual({ code: 0, stdout: '', stderr: '' });
    const withEnd = await runCli([
      'run',
      q,
      '--events',
      ev,
      '--format',
      'updates',
      '--quiet',
      '--end-time',
      '7000',
    ]);
    expect(withEnd.stdout).toBe('{"stmt":"b","time":6000,"new":[{"n":2}],"old":null}\n');
  });

  it('stops at the first rejected event with file:line and the engine message (exit 2), after printing earlier results', async () => {
    const ev = file(
      'wrong.ndjson',
      '{"type":"T","ts":1,"data":{"k":"a","v":2}}\n{"type":"T","ts":2,"data":{"k":"b","v":"x"}}\n',
    );
    const r = await runCli(['run', QUERY, '--events', ev, '--format', 'updates']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('{"stmt":"s","time":1,"new":[{"k":"a","v":2}],"old":null}\n');
    expect(r.stderr).toBe(`${ev}:2: Property 'v' of event type 'T' must be int, got 'x' (a string)\n`);
  });

  it('skips and counts malformed lines with --on-error skip, reporting the total', async () => {
    const ev = file(
      'skip.ndjson',
      'nope\n{"type":"T","ts":1,"data":{"k":"a","v":2}}\n{"type":"Q","ts":2,"data":{}}\n',
    );
    const r = await runCli(['run', QUERY, '--events', ev, '--format', 'updates', '--on-error', 'skip']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"stmt":"s","time":1,"new":[{"k":"a","v":2}],"old":null}\n');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^skipped: ${ev}:1: invalid JSON: `));
    expect(lines[1]).toBe(`skipped: ${ev}:3: unknown event type 'Q' (declared: T)`);
    expect(lines[2]).toBe('weir: 3 events read, 1 processed, 0 late, 2 malformed (skipped)');
    expect(lines[3]).toBe('weir: rows out: s=1');
    expect(lines[4]).toMatch(/^weir: \d+\.\d{3} s, \d+ events\/s$/);
  });

  it('reads flat --type lines like envelopes: plain ones fast, odd ones via JSON.parse, bad ones by line', async () => {
    const query = file(
      'flat.epl',
      "create schema F(k string, v int, ts long);\n@name('s') select k, v from F;\n",
    );
    const ev = file(
      'flat-mixed.ndjson',
      [
        '{"k":"a","v":2,"ts":1,"x":0}', // an extra key: JSON.parse
        '{"k":"b","v":3,"ts":2}',
        '{ "k": "c", "v": 4, "ts": 3 }',
        '{"k":"d","v":"x","ts":4}',
        '{"k":"e","v":5',
        '{"k":"f\\u0041","v":6,"ts":6}',
      ].join('\n'),
    );
    const r = await runCli([
      'run',
      query,
      '--events',
      ev,
      '--type',
      'F',
      '--format',
      'ndjson',
      '--on-error',
      'skip',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      '{"stmt":"s","time":1,"stream":"new","row":{"k":"a","v":2}}',
      '{"stmt":"s","time":2,"stream":"new","row":{"k":"b","v":3}}',
      '{"stmt":"s","time":3,"stream":"new","row":{"k":"c","v":4}}',
      '{"stmt":"s","time":6,"stream":"new","row":{"k":"fA","v":6}}',
    ]);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(`skipped: ${ev}:4: Property 'v' of event type 'F' must be int, got 'x' (a string)`);
    expect(lines[1]).toMatch(new RegExp(`^skipped: ${ev}:5: invalid JSON: `));
  });

  it('skips CSV cells that do not parse, naming file, line, column and value', async () => {
    const ev = file('skip.csv', 'k,v,ts\na,2,1\nb,two,2\nc,3,3\n');
    const r = await runCli([
      'run',
      QUERY,
      '--events',
      ev,
      '--type',
      'T',
      '--format',
      'updates',
      '--on-error',
      'skip',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '{"stmt":"s","time":1,"new":[{"k":"a","v":2}],"old":null}\n{"stmt":"s","time":3,"new":[{"k":"c","v":3}],"old":null}\n',
    );
    expect(r.stderr).toContain(`skipped: ${ev}:3: column 'v': cannot read "two" as int\n`);
    expect(r.stderr).toContain('weir: 3 events read, 2 processed, 0 late, 1 malformed (skipped)\n');
    const failed = await runCli(['run', QUERY, '--events', ev, '--type', 'T', '--format', 'updates']);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toBe(`${ev}:3: column 'v': cannot read "two" as int\n`);
  });

  it('counts late events in the summary and names each one’s line', async () => {
    const ev = file(
      'late2.ndjson',
      [5000, 1000, 6000].map((ts) => `{"type":"T","ts":${ts},"data":{"k":"x","v":2}}`).join('\n'),
    );
    const r = await runCli(['run', QUERY, '--events', ev, '--format', 'updates']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${ev}:2: late event: T at 1000 is older than the watermark 5000\n`);
    expect(r.stderr).toContain('weir: 3 events read, 2 processed, 1 late, 0 malformed\n');
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).time),
    ).toEqual([5000, 6000]);
  });

  it('renders query errors like check and exits 1 before reading events', async () => {
    const bad = file('bad-run.epl', 'create schema T(k string);\nselect k form T;\n');
    const r = await runCli(['run', bad, '--events', 'never-read.ndjson']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        `${bad}:2:10: error[parse/unexpected-token]: Unexpected 'form' at line 2, column 10: expected 'from'`,
        '  select k form T;',
        '           ^^^^',
        "  expected: 'from'",
        `1 error in ${bad}`,
        '',
      ].join('\n'),
    );
  });
});

describe('unexpected failures', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const broken = () =>
    new Writable({
      write() {
        throw new Error('disk on fire');
      },
    });

  it('prints one line and exits 70, with the stack only under WEIR_DEBUG=1', async () => {
    vi.stubEnv('WEIR_DEBUG', '');
    const r = await runCli(['run', QUERY, '--events', ONE, '--format', 'updates', '--quiet'], {
      stdout: broken(),
    });
    expect(r).toMatchObject({
      code: 70,
      stderr: 'weir: internal error: disk on fire (set WEIR_DEBUG=1 for the stack)\n',
    });
    vi.stubEnv('WEIR_DEBUG', '1');
    const debug = await runCli(['run', QUERY, '--events', ONE, '--format', 'updates', '--quiet'], {
      stdout: broken(),
    });
    expect(debug.code).toBe(70);
    expect(debug.stderr).toMatch(/^weir: internal error: disk on fire.*\nError: disk on fire\n\s+at /);
  });
});

describe('weir check and explain', () => {
  it('counts statements and schemas', async () => {
    const q = file(
      'two.epl',
      "create schema T(k string);\nselect k from T;\n@name('b') select count(*) from T;\n",
    );
    expect(await runCli(['check', q])).toEqual({
      code: 0,
      stdout: 'ok: 2 statements, 1 schema\n',
      stderr: '',
    });
  });

  it('prints the expected tokens of a syntax error at the end of input', async () => {
    const q = file('eoi.epl', 'create schema T(k string);\nselect k from');
    const r = await runCli(['check', q]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${q}:2:14: error[parse/unexpected-token]: Unexpected end of input`);
    expect(r.stderr).toContain("  select k from\n               ^\n  expected: 'pattern', an identifier\n");
  });

  it('explain renders query errors and exits 1', async () => {
    const q = file('bad-explain.epl', 'select nope from Nowhere;\n');
    const r = await runCli(['explain', q]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${q}:1:18: error\\[analyze/unknown-stream\\]`));
  });
});
