/**
 * The end-to-end comparison is only fair if both sides do the same work: the hand-written
 * pipeline must write the lines `weir run --format ndjson` writes. For every workload, on a
 * small NDJSON file, both outputs are parsed and compared as multisets of lines (numbers to 9
 * significant digits: the baselines may sum in another order, see bench/checksum.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHandPipeline } from '../../bench/hand-pipeline.js';
import { WORKLOADS, ensureDataFile, queryPath } from '../../bench/workload-registry.js';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-hand-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each line parsed, numbers rounded to 9 significant digits, back to text; sorted. */
function normalizedLines(path: string): string[] {
  const round = (_key: string, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(9)) : v);
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.stringify(JSON.parse(line), round))
    .sort();
}

describe('the hand-written NDJSON pipeline writes what weir run writes', () => {
  for (const w of WORKLOADS) {
    it(w.name, async () => {
      const events = await ensureDataFile(w, w.smokeEvents, join(dir, w.name));
      const handOut = join(dir, `${w.name}.hand.ndjson`);
      const weirOut = join(dir, `${w.name}.weir.ndjson`);
      const hand = await runHandPipeline(w, events, handOut);
      const run = await runCli([
        'run',
        queryPath(w),
        '--events',
        events,
        '--format',
        'ndjson',
        '--out',
        weirOut,
        '--quiet',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const handLines = normalizedLines(handOut);
      expect(handLines.length).toBe(hand.rows);
      expect(handLines.length).toBeGreaterThan(0);
      expect(handLines).toEqual(normalizedLines(weirOut));
    });
  }
});
