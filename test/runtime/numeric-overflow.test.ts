import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/**
 * Double overflow follows Java (issue 13 §2): 1e308 + 1e308 is Infinity, not NaN or null, in
 * sums, averages and arithmetic, on the fused and the general aggregation path, and the CLI
 * prints it as "Infinity" (JSON has no literal for it).
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { runCli } from '../support/run-cli.js';

const EPL =
  "create schema S(v double, k string); @name('o') select sum(v) as s, avg(v) as a, v + v as d from S";

describe('double overflow', () => {
  it.each([true, false])('sum and avg overflow to Infinity and stay there (columnar %s)', (columnar) => {
    const engine = createEngine({ columnarAggregation: columnar });
    const [h] = engine.deploy(EPL);
    const rows: unknown[] = [];
    h?.subscribe((n) => rows.push(...(n ?? [])));
    engine.send('S', { v: 1e308, k: 'a' }, 1);
    engine.send('S', { v: 1e308, k: 'a' }, 2);
    engine.send('S', { v: 1, k: 'a' }, 3);
    expect(rows).toEqual([
      { s: 1e308, a: 1e308, d: Number.POSITIVE_INFINITY },
      { s: Number.POSITIVE_INFINITY, a: Number.POSITIVE_INFINITY, d: Number.POSITIVE_INFINITY },
      { s: Number.POSITIVE_INFINITY, a: Number.POSITIVE_INFINITY, d: 2 },
    ]);
  });

  it('the CLI writes it as "Infinity", and refuses a long beyond 2^53 with its line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-overflow-'));
    writeFileSync(join(dir, 'q.epl'), `${EPL};\ncreate schema L(n long); @name('l') select n from L;`);
    writeFileSync(
      join(dir, 'e.ndjson'),
      [
        '{"type":"S","ts":1,"data":{"v":1e308,"k":"a"}}',
        '{"type":"S","ts":2,"data":{"v":1e308,"k":"a"}}',
        '{"type":"L","ts":3,"data":{"n":9007199254740993}}',
      ].join('\n'),
    );
    const r = await runCli(
      ['run', 'q.epl', '--events', 'e.ndjson', '--format', 'ndjson', '--on-error', 'skip'],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')[1]).toBe(
      '{"stmt":"o","time":2,"stream":"new","row":{"s":"Infinity","a":"Infinity","d":"Infinity"}}',
    );
    expect(r.stderr).toContain(
      "skipped: e.ndjson:3: Property 'n' of event type 'L' must be long (an integer within ±9007199254740991, where numbers are exact), got 9007199254740992 (number)",
    );
  });
});
