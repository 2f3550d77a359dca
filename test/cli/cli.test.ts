import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderError } from '../../src/cli/render-error.js';
import { WeirError } from '../../src/common/errors.js';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-cli-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const QUERY = file('q.epl', "create schema T(k string, v int);\n@name('s') select k, v from T(v > 1);\n");

describe('renderError', () => {
  it('prints file:line:col, the source line and a caret under the span', () => {
    const source = 'select a\n  from S whre x';
    const error = new WeirError('parse/unexpected-token', "Unexpected 'whre'", {
      span: { startOffset: 18, endOffset: 22, line: 2, column: 10 },
    });
    expect(renderError(error, source, 'q.epl')).toBe(
      "q.epl:2:10: error[parse/unexpected-token]: Unexpected 'whre'\n    from S whre x\n           ^^^^",
    );
  });

  it('keeps tabs so the caret lines up, and marks at least one column', () => {
    const error = new WeirError('parse/unexpected-token', 'x', {
      span: { startOffset: 2, endOffset: 2, line: 1, column: 3 },
    });
    expect(renderError(error, '\tab', 'f')).toBe('f:1:3: error[parse/unexpected-token]: x\n  \tab\n  \t ^');
  });
});

describe('weir check', () => {
  it('accepts a valid file', async () => {
    const r = await runCli(['check', QUERY]);
    expect(r).toMatchObject({ code: 0, stdout: 'ok: 1 statement, 1 schema\n' });
  });

  it('prints every error with a caret and exits 1', async () => {
    const bad = file('bad.epl', 'create schema T(k string);\nselect k form T;\nselect nope from T;\n');
    const r = await runCli(['check', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${bad}:2:10: error[parse/unexpected-token]: Unexpected 'form' at line 2, column 10: expected 'from'`,
    );
    expect(r.stderr).toContain('  select k form T;\n           ^^^^');
    expect(r.stderr).toContain(
      `${bad}:3:8: error[analyze/unknown-property]: Property 'nope' is not a property of event type 'T'`,
    );
    expect(r.stderr).toContain('2 errors');
  });
});

describe('weir run', () => {
  it('replays flat NDJSON with --type and --time-field', async () => {
    const events = file('flat.ndjson', '{"k":"a","v":1,"at":10}\n\n{"k":"b","v":2,"at":20}\r\n');
    const r = await runCli([
      'run',
      QUERY,
      '--events',
      events,
      '--type',
      'T',
      '--time-field',
      'at',
      '--format',
      'updates',
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"stmt":"s","time":20,"new":[{"k":"b","v":2}],"old":null}\n');
  });

  it('types CSV values by the schema', async () => {
    const events = file('ev.csv', 'k,v,ts\na,5,100\n"b,c",,200\n');
    const r = await runCli([
      'run',
      QUERY,
      '--events',
      events,
      '--type',
      'T',
      '--format',
      'ndjson',
      '--quiet',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"stmt":"s","time":100,"stream":"new","row":{"k":"a","v":5}}\n');
  });

  it('names the file and line of a malformed event and exits 2', async () => {
    const events = file(
      'bad.ndjson',
      '{"type":"T","ts":1,"data":{"k":"a","v":2}}\n{"type":"T","ts":2,"data":{\n',
    );
    const r = await runCli(['run', QUERY, '--events', events, '--format', 'updates', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${events}:2: invalid JSON`));
    expect(r.stdout).toContain('"time":1');
  });

  it('counts and skips bad lines with --on-error skip, and reports wrong value types', async () => {
    const events = file(
      'mixed.ndjson',
      '{"type":"T","ts":1,"data":{"k":"a","v":2}}\nnot json\n{"type":"T","ts":2,"data":{"k":"b","v":"three"}}\n{"type":"U","ts":3,"data":{}}\n{"type":"T","ts":4,"data":{"k":"c","v":4}}\n',
    );
    const r = await runCli(['run', QUERY, '--events', events, '--format', 'updates', '--on-error', 'skip']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toContain(`skipped: ${events}:2: invalid JSON`);
    expect(r.stderr).toContain(
      `skipped: ${events}:3: Property 'v' of event type 'T' must be int, got 'three' (a string)`,
    );
    expect(r.stderr).toContain(`skipped: ${events}:4: unknown event type 'U' (declared: T)`);
    expect(r.stderr).toMatch(/5 events read, 2 processed, 0 late, 3 malformed \(skipped\)/);
  });

  it('reports late events and still processes the rest', async () => {
    const events = file(
      'late.ndjson',
      [3000, 1000, 4000].map((ts, i) => `{"type":"T","ts":${ts},"data":{"k":"e${i}","v":5}}`).join('\n'),
    );
    const r = await runCli(['run', QUERY, '--events', events, '--format', 'updates', '--lateness', '1 sec']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${events}:2: late event: T at 1000 is older than the watermark 2000`);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('writes to --out and rejects bad options clearly', async () => {
    const events = file('one.ndjson', '{"type":"T","ts":1,"data":{"k":"a","v":2}}\n');
    const out = join(dir, 'out.ndjson');
    expect(
      (await runCli(['run', QUERY, '--events', events, '--out', out, '--format', 'updates', '--quiet'])).code,
    ).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('{"stmt":"s","time":1,"new":[{"k":"a","v":2}],"old":null}\n');
    const badFormat = await runCli(['run', QUERY, '--format', 'xml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain("argument 'xml' is invalid");
    const badLateness = await runCli(['run', QUERY, '--lateness', 'soon']);
    expect(badLateness).toMatchObject({ code: 2 });
    expect(badLateness.stderr).toContain('--lateness expects a time period');
  });

  it('renders query errors like check and exits 1', async () => {
    const bad = file('broken.epl', 'create schema T(k string);\nselect k from T#length(-1);\n');
    const r = await runCli(['run', bad, '--events', QUERY]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error[analyze/invalid-window-parameter]: #length requires a positive integer size',
    );
  });

  it('replays the bundled example with no arguments', async () => {
    const r = await runCli(['run', '--format', 'updates', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"stmt":"spikes"');
  });
});

describe('weir explain', () => {
  it('prints logical, optimized and physical plans', async () => {
    const r = await runCli(['explain', QUERY, '--verbose']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('logical plan:');
    expect(r.stdout).toContain('optimized plan:');
    expect(r.stdout).toContain('physical operators:');
  });

  it('lists the physical rule that fuses a window with its aggregation, and explains the plan with it off', async () => {
    const q = file(
      'agg.epl',
      "create schema T(k string, v int);\n@name('a') select k, sum(v) as s from T#length(3) group by k;\n",
    );
    const on = await runCli(['explain', q]);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain(
      '  2. ColumnarAggregation length(3) (one row per changed group) [sum(v)]: window and aggregation in one step',
    );
    expect(on.stdout).toContain(
      "physical rules:\n  fused-columnar-aggregation: length(3) and the aggregation fused (window and aggregation as one operator keeping each event's group and aggregate arguments as columns)\n",
    );
    const off = await runCli(['explain', q, '--no-columnar-aggregation']);
    expect(off.stdout).toContain(
      '  2. DataWindow length:length(3)\n  3. AggregateGroupedOperator (one row per changed group) [sum(v)]\n',
    );
    expect(off.stdout).toContain(
      'physical rules:\n  fused-columnar-aggregation: off (columnarAggregation: false)\n',
    );
    // A statement the rule does not apply to lists no rule.
    const plain = await runCli(['explain', QUERY]);
    expect(plain.stdout).not.toContain('physical rules:');
  });
});
