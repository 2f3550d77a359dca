/**
 * The generated ndjson and csv writers over the rows the engine really produces: every
 * conformance case's statements (joins, patterns, `select *` over open schemas, nulls,
 * non-finite numbers, nested values, rows without some columns, null rows) run on the case's events,
 * and each listener call goes both to the generated writers and to the generic text they
 * replace (toJson per row for ndjson, csvCell per cell for csv). The two outputs must be the
 * same bytes.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { ByteSink } from '../../src/io/byte-sink.js';
import { csvCell } from '../../src/io/csv-writer.js';
import { toJson } from '../../src/io/json-line.js';
import { createWriter } from '../../src/io/output-writer.js';
import { createEngine } from '../../src/runtime/engine.js';
import { readConformanceCase, replayCase } from '../support/conformance-case.js';
import { capture } from './capture.js';

const ROOT = join(import.meta.dirname, '..', 'conformance');
const CASES = readdirSync(ROOT)
  .filter((d) => existsSync(join(ROOT, d, 'query.epl')))
  .sort();

interface Outputs {
  ndjson: string;
  csv: string;
  expectedNdjson: string;
  expectedCsv: string;
}

function runCase(dir: string): Outputs {
  const conformanceCase = readConformanceCase(dir);
  const engine = createEngine();
  engine.deploy(conformanceCase.epl);
  const statements = engine.statements();
  const ndjsonOut = capture();
  const csvOut = capture();
  // Small buffers, so rows also cross buffer boundaries.
  const ndjsonSink = new ByteSink(ndjsonOut.stream, 256);
  const csvSink = new ByteSink(csvOut.stream, 256);
  const ndjson = createWriter('ndjson', ndjsonSink, statements);
  const csv = createWriter('csv', csvSink, statements);
  const union: string[] = [];
  for (const s of statements) for (const c of s.columns) if (!union.includes(c)) union.push(c);
  const expectedNdjson: string[] = [];
  const expectedCsv: string[] = [`${['stmt', 'time', 'stream', ...union].map(csvCell).join(',')}\n`];
  for (const handle of statements) {
    const toNdjson = ndjson.statement(handle.name, handle.columns);
    const toCsv = csv.statement(handle.name, handle.columns);
    handle.subscribe((n, o, ctx) => {
      toNdjson(ctx.time, n, o);
      toCsv(ctx.time, n, o);
      const sides: [Row[] | null, string][] = [
        [n, 'new'],
        [o, 'old'],
      ];
      for (const [rows, stream] of sides) {
        for (const row of rows ?? []) {
          expectedNdjson.push(
            `{"stmt":${JSON.stringify(handle.name)},"time":${toJson(ctx.time)},"stream":"${stream}","row":${toJson(row)}}\n`,
          );
          // A null row (Esper posts some in output-snapshot cases) has empty cells, as nulls do.
          const cells = union.map((c) => (handle.columns.includes(c) ? csvCell(row?.[c]) : ''));
          expectedCsv.push(`${[csvCell(handle.name), csvCell(ctx.time), stream, ...cells].join(',')}\n`);
        }
      }
    });
  }
  replayCase(engine, conformanceCase);
  ndjson.end();
  csv.end();
  return {
    ndjson: ndjsonOut.text(),
    csv: csvOut.text(),
    expectedNdjson: expectedNdjson.join(''),
    expectedCsv: expectedCsv.join(''),
  };
}

describe('generated writers over every conformance case', () => {
  it(`write what toJson and csvCell write, on the rows of all ${CASES.length} cases`, () => {
    let rows = 0;
    for (const name of CASES) {
      const out = runCase(join(ROOT, name));
      expect(out.ndjson, name).toBe(out.expectedNdjson);
      expect(out.csv, name).toBe(out.expectedCsv);
      rows += out.expectedNdjson.split('\n').length - 1;
    }
    // The cases do produce rows (a writer that wrote nothing would fail above, and so here).
    expect(rows).toBeGreaterThan(10_000);
  }, 120_000);
});
