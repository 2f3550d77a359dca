/**
 * The CSV reader's two ways against each other: plain lines read straight from the bytes,
 * the rest through csv-parse. On random files mixing plain records, quoted cells (with commas,
 * quotes and line breaks), CRLF, blank and whitespace lines, bad values, wrong field counts
 * and a byte order mark, readCsv must answer exactly what csv-parse alone answers (the same
 * file with its header quoted, which sends the whole file through csv-parse): the same events,
 * errors, messages and line numbers. A reader resumed at a reported position goes on from there.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/io/csv-reader.js';
import type { ReadItem, ReaderOptions } from '../../src/io/event-record.js';
import type { EventSchemaInfo } from '../../src/runtime/api.js';
import { scratchDir } from '../io/temp-files.js';

const { file } = scratchDir('weir-csv-prop-');

const TICK: EventSchemaInfo = {
  name: 'Tick',
  properties: [
    { name: 'sym', type: 'string' },
    { name: 'qty', type: 'int' },
    { name: 'px', type: 'double' },
    { name: 'ok', type: 'boolean' },
  ],
  timestampProperty: undefined,
  open: false,
};
const options: ReaderOptions = {
  timeField: 'ts',
  type: 'Tick',
  schemaOf: (t) => (t === 'Tick' ? TICK : undefined),
};

async function read(path: string, more: Partial<ReaderOptions> = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of readCsv(path, { ...options, ...more }, { bytes: 0 }, 'f.csv'))
    for (const item of batch) out.push(show(item));
  return out;
}

function show(item: ReadItem): string {
  if (item instanceof Error) return `${(item as { code: string }).code} ${item.message}`;
  return JSON.stringify([item.type, item.timestamp ?? null, Object.entries(item.event), item.line]);
}

const cell = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('A', 'bb', '12', '-3', '1.5', '1e3', 'true', 'FALSE', '', ' 7 ', 'x y', '0x1'),
  },
  { weight: 1, arbitrary: fc.constantFrom('"q,uoted"', '"say ""hi"""', '"two\nlines"', '"a"b', '"open') },
);
const line = fc.oneof(
  { weight: 8, arbitrary: fc.array(cell, { minLength: 4, maxLength: 5 }).map((cells) => cells.join(',')) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'A,1,2', 'A,1,2,true,5,6') },
);
const ending = fc.oneof(
  { weight: 8, arbitrary: fc.constant('\n') },
  { weight: 1, arbitrary: fc.constant('\r\n') },
);

describe('readCsv: plain lines read directly, the rest by csv-parse', () => {
  it('answers exactly as csv-parse alone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(line, ending), { maxLength: 30 }),
        fc.boolean(),
        fc.boolean(),
        async (lines, bom, finalNewline) => {
          const body = lines.map(([l, e]) => l + e).join('');
          const text = finalNewline ? body : body.replace(/\r?\n$/, '');
          const prefix = bom ? '\ufeff' : '';
          const fast = file('fast.csv', `${prefix}sym,qty,px,ok,ts\n${text}`);
          const reference = file('reference.csv', `${prefix}"sym",qty,px,ok,ts\n${text}`);
          expect(await read(fast)).toEqual(await read(reference));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('resumes at a reported position, in the plain part and after csv-parse took over', async () => {
    const rows = ['sym,qty,px,ok,ts'];
    for (let i = 0; i < 10_000; i++)
      rows.push(i === 6000 ? `"S,${i}",${i},1.5,true,${i}` : `S${i},${i},1.5,true,${i}`);
    const path = file('resume.csv', `${rows.join('\n')}\n`);
    const all = await read(path);
    for (const stopAfter of [1, 2, 3]) {
      const seen: string[] = [];
      const progress = { bytes: 0, offset: 0, line: 0 };
      let batches = 0;
      for await (const batch of readCsv(path, options, progress, 'f.csv')) {
        seen.push(...batch.map(show));
        if (++batches === stopAfter) break;
      }
      const rest = await read(path, { start: { offset: progress.offset, line: progress.line } });
      expect([...seen, ...rest]).toEqual(all);
    }
  });
});
