/**
 * `weir run` at the edges of its input (issue 13 §2): standard input (piped, `--events -`,
 * streamed), a directory named as an event file, envelopes whose data is not an object,
 * `--end-time` before the last event, `--version`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandIO } from '../../src/cli/io-streams.js';
import { runCommand } from '../../src/cli/run.js';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-input-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const query = join(dir, 'q.epl');
writeFileSync(query, "create schema S(a string, v double);\n@name('x') select a, v from S;\n");
const line = (ts: number, a: string) => JSON.stringify({ type: 'S', ts, data: { a, v: ts } });

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs weir with `stdin` as standard input. */
function withStdin(
  argv: readonly string[],
  stdin: PassThrough,
): { done: Promise<number>; out: Capture; err: Capture } {
  const out = new Capture();
  const err = new Capture();
  const io: CommandIO = { stdout: out, stderr: err, stdin, cwd: dir };
  return { done: runCommand(argv, io), out, err };
}

describe('standard input', () => {
  it('is read when no --events is given, and with --events - among files', async () => {
    const piped = new PassThrough();
    const run = withStdin(['run', query, '--format', 'ndjson'], piped);
    piped.end(`${line(1, 'p')}\n${line(2, 'q')}\n`);
    expect(await run.done).toBe(0);
    expect(
      run.out.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).row.a),
    ).toEqual(['p', 'q']);

    const file = join(dir, 'more.ndjson');
    writeFileSync(file, `${line(5, 'file')}\n`);
    const both = new PassThrough();
    const mixed = withStdin(['run', query, '--events', '-', file, '--format', 'ndjson'], both);
    both.end(`${line(1, 'stdin')}\n`);
    expect(await mixed.done).toBe(0);
    expect(
      mixed.out.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).row.a),
    ).toEqual(['stdin', 'file']);
  });

  it('is streamed: results of the lines read so far are written before the input ends', async () => {
    const input = new PassThrough();
    const run = withStdin(['run', query, '--quiet'], input);
    input.write(`${line(1, 'first')}\n`);
    // The first result appears while standard input is still open.
    for (let i = 0; i < 200 && run.out.text === ''; i++) await new Promise((r) => setTimeout(r, 10));
    expect(JSON.parse(run.out.text.trim()).row.a).toBe('first');
    input.end(`${line(2, 'second')}\n`);
    expect(await run.done).toBe(0);
    expect(run.out.text.trim().split('\n')).toHaveLength(2);
  });

  it('names its lines <stdin> in messages', async () => {
    const input = new PassThrough();
    const run = withStdin(['run', query, '--events', '-'], input);
    input.end(`${line(1, 'ok')}\nnot json\n`);
    expect(await run.done).toBe(2);
    expect(run.err.text).toMatch(/^<stdin>:2: invalid JSON/m);
  });

  it('can be named once', async () => {
    const run = withStdin(['run', query, '--events', '-', '-'], new PassThrough());
    expect(await run.done).toBe(2);
    expect(run.err.text).toBe(
      'weir: error[cli/invalid-option]: --events: standard input (-) can be read once\n',
    );
  });
});

describe('bad event input', () => {
  it('a directory named as an event file is a clear error (exit 2)', async () => {
    mkdirSync(join(dir, 'events'), { recursive: true });
    const r = await runCli(['run', query, '--events', 'events'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "weir: error[cli/invalid-option]: --events: 'events' is a directory; name its files (events/*.ndjson)\n",
    );
  });

  it('an envelope whose data is not an object, or that has none, is malformed', async () => {
    const file = join(dir, 'envelopes.ndjson');
    writeFileSync(
      file,
      [
        line(1, 'ok'),
        '{"type":"S","ts":2,"data":[1]}',
        '{"type":"S","ts":3,"data":null}',
        '{"type":"S","ts":4,"data":"text"}',
        '{"type":"S","ts":5,"data":7}',
        '{"type":"S","ts":6}',
        '{"type":"S","ts":7,"a":"flat","v":1}',
      ].join('\n'),
    );
    const r = await runCli(['run', query, '--events', file, '--on-error', 'skip', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).row.a),
    ).toEqual(['ok', 'flat']);
    const skipped = r.stderr.split('\n').filter((l) => l.startsWith('skipped: '));
    expect(skipped.map((l) => l.slice(l.indexOf(': ', 9) + 2))).toEqual([
      `an envelope's "data" must be a JSON object of the event's properties, got [1]`,
      `an envelope's "data" must be a JSON object of the event's properties, got null`,
      `an envelope's "data" must be a JSON object of the event's properties, got "text"`,
      `an envelope's "data" must be a JSON object of the event's properties, got 7`,
      'no "data": an envelope line is {"type":…,"ts":…,"data":{…}}',
    ]);
    expect(r.stderr).toContain('7 events read, 2 processed, 0 late, 5 malformed (skipped)');
  });
});

describe('deeply nested values', () => {
  it('a line nesting more than 1,000 levels is malformed (writing it back would exhaust the stack)', async () => {
    const q = join(dir, 'open.epl');
    writeFileSync(q, "create schema O(id string) open;\n@name('o') select * from O;\n");
    const file = join(dir, 'deep.ndjson');
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    writeFileSync(
      file,
      [
        `{"type":"O","ts":1,"data":{"id":"deep","v":${deep(50_000)}}}`,
        `{"type":"O","ts":2,"data":{"id":"ok","v":${deep(997)}}}`,
      ].join('\n'),
    );
    for (const format of ['ndjson', 'updates']) {
      const r = await runCli(['run', q, '--events', file, '--format', format, '--on-error', 'skip']);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`skipped: ${file}:1: a value is nested more than 1000 levels deep\n`);
      expect(r.stdout).toContain('"id":"ok"');
    }
  });
});

describe('options', () => {
  it('--end-time before the last event warns and leaves event time where it is', async () => {
    const file = join(dir, 'two.ndjson');
    writeFileSync(file, `${line(1000, 'a')}\n${line(2000, 'b')}\n`);
    const r = await runCli(['run', query, '--events', file, '--end-time', '1500']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'weir: warning: --end-time 1500 is before the last event time 2000; event time stays at 2000\n',
    );
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });
});

describe('the summary', () => {
  it('counts regexp evaluations whose pattern from the data does not compile', async () => {
    const q = join(dir, 're.epl');
    writeFileSync(q, "create schema R(s string, p string);\n@name('m') select s regexp p as m from R;\n");
    const file = join(dir, 're.ndjson');
    writeFileSync(
      file,
      [
        '{"type":"R","ts":1,"data":{"s":"ab","p":"a."}}',
        '{"type":"R","ts":2,"data":{"s":"ab","p":"["}}',
      ].join('\n'),
    );
    const r = await runCli(['run', q, '--events', file, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).row.m),
    ).toEqual([true, null]);
    expect(r.stderr).toContain(
      'weir: 1 regexp evaluation read a pattern from the data that is not a valid regular expression (result null)\n',
    );
  });
});

describe('closed schemas: undeclared and missing properties', () => {
  const lines = [
    '{"type":"S","ts":1,"data":{"a":"exact","v":1}}',
    '{"type":"S","ts":2,"data":{"a":"missing"}}',
    '{"type":"S","ts":3,"data":{"a":"extra","v":1,"zz":2}}',
    '{"type":"S","ts":4,"data":{"zz":2,"a":"both"}}',
    '{"type":"S","ts":5,"data":{"a":"nulls","v":null}}',
  ].join('\n');

  it('are counted in the summary (kept: undeclared dropped, missing null)', async () => {
    const file = join(dir, 'shape.ndjson');
    writeFileSync(file, lines);
    for (const threads of ['1', '2']) {
      const r = await runCli(['run', query, '--events', file, '--format', 'ndjson', '--threads', threads]);
      expect(r.code).toBe(0);
      expect(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).row),
      ).toEqual([
        { a: 'exact', v: 1 },
        { a: 'missing', v: null },
        { a: 'extra', v: 1 },
        { a: 'both', v: null },
        { a: 'nulls', v: null },
      ]);
      expect(r.stderr).toContain(
        'weir: 2 events had properties their type does not declare (dropped; --strict makes them errors)\n',
      );
      expect(r.stderr).toContain(
        'weir: 2 events lacked declared properties (read as null; --strict makes them errors)\n',
      );
    }
  });

  it('are bad input lines with --strict', async () => {
    const file = join(dir, 'shape-strict.ndjson');
    writeFileSync(file, lines);
    const r = await runCli([
      'run',
      query,
      '--events',
      file,
      '--format',
      'ndjson',
      '--strict',
      '--on-error',
      'skip',
    ]);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).row.a),
    ).toEqual(['exact', 'nulls']);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('skipped'))).toEqual([
      `skipped: ${file}:2: property 'v' of event type 'S' is missing (--strict)`,
      `skipped: ${file}:3: property 'zz' is not declared by event type 'S' (--strict)`,
      `skipped: ${file}:4: property 'zz' is not declared by event type 'S' (--strict)`,
    ]);
  });

  it('a CSV header is checked once: a warning, or with --strict an error', async () => {
    const file = join(dir, 'cols.csv');
    writeFileSync(file, 'a,zz,ts\nx,1,5\n');
    const r = await runCli(['run', query, '--events', file, '--type', 'S', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `weir: warning: ${file}:1: columns not declared by 'S' are ignored: zz; declared properties of 'S' without a column read as null: v\n`,
    );
    const strict = await runCli(['run', query, '--events', file, '--type', 'S', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(
      /^weir: error\[io\/invalid-value\]: .*cols\.csv:1: columns not declared .* \(--strict\)\n$/,
    );
  });
});
