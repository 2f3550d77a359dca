/**
 * The line scanners (NdjsonScanner, CsvLineScanner) read the same lines whatever the chunks
 * the bytes arrive in: the same events and errors (a line split between chunks is read by the
 * general path, with the same result), with the same line numbers,
 * and the same `offset`/`line` after each chunk as counting the complete lines of the bytes
 * so far. The expectation is the whole input scanned as one chunk, and positions counted
 * independently from the newlines. Chunks cut anywhere: inside a number, a string, a
 * multi-byte character, right before or after a newline.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvLineScanner, csvRecords } from '../../src/io/csv-reader.js';
import type { ReadItem, ReaderOptions } from '../../src/io/event-record.js';
import { knownTypes } from '../../src/io/known-types.js';
import { NdjsonScanner, generalLine } from '../../src/io/ndjson-scanner.js';
import type { EventSchemaInfo } from '../../src/runtime/api.js';

const SCHEMA: EventSchemaInfo = {
  name: 'T',
  properties: [
    { name: 's', type: 'string' },
    { name: 'd', type: 'double' },
    { name: 'i', type: 'int' },
    { name: 'ts', type: 'long' },
  ],
  timestampProperty: undefined,
  open: false,
};
const options: ReaderOptions = {
  timeField: 'ts',
  type: 'T',
  schemaOf: (t) => (t === 'T' ? SCHEMA : undefined),
  typeNames: () => ['T'],
};

const showValue = (v: unknown) => (typeof v === 'number' && Object.is(v, -0) ? '-0' : JSON.stringify(v));

function show(item: ReadItem): string {
  if (item instanceof Error) return `error ${(item as { code: string }).code} ${item.message}`;
  const values = Object.entries(item.event).map(([k, v]) => `${k}=${showValue(v)}`);
  return `${item.type} ${item.timestamp} ${item.line} ${values.join(' ')}`;
}

const cell = fc.oneof(
  fc.constantFrom(
    'S1',
    'é',
    '日本',
    'a b',
    '',
    '12',
    '-0',
    '1.5',
    '007',
    '1e3',
    'true',
    'x"y',
    '\\',
    '99999999999999999',
  ),
  fc.string({ maxLength: 4 }),
);
const number = fc.oneof(
  fc.constantFrom('0', '-0', '7', '-12', '1.5', '12.25', '1e3', '007', '123456789012345678', '1.'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
);

/** NDJSON lines: plain lines of T in many spellings, and lines the fast path refuses. */
const ndjsonLine = fc.oneof(
  fc
    .tuple(cell, number, number, number)
    .map(([s, d, i, ts]) => `{"s":${JSON.stringify(s)},"d":${d},"i":${i},"ts":${ts}}`),
  fc
    .tuple(cell, number)
    .map(([s, ts]) => `{"type":"T","ts":${ts},"data":{"s":${JSON.stringify(s)},"d":1,"i":2,"ts":3}}`),
  fc.constantFrom(
    '',
    ' ',
    '{',
    'not json',
    '{"s":"a","d":1,"i":2}',
    '{ "s":"a","d":1,"i":2,"ts":3 }',
    '[1,2]',
  ),
);
const csvLine = fc.oneof(
  fc
    .tuple(cell, number, number, number)
    .map((cells) => cells.map((c) => c.replace(/[,"\r\n]/g, '')).join(',')),
  fc.constantFrom('', 'a,1', 'a,1,2,3,4', 'x,1.5,2,'),
);

/** The bytes cut at the given fractions of their length. */
function chunksOf(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    if (to > from) chunks.push(bytes.subarray(from, to));
    from = Math.max(from, to);
  }
  return chunks;
}

/** Where the lines after the complete lines of bytes[0, end) begin: offset and line number. */
function completeLines(bytes: Buffer, base: number, end: number): { offset: number; line: number } {
  let offset = base;
  let line = 0;
  for (let i = base; i < end; i++) {
    if (bytes[i] === 0x0a) {
      offset = i + 1;
      line++;
    }
  }
  return { offset, line };
}

function scanNdjson(chunks: readonly Buffer[]): { items: string[]; positions: string[] } {
  const items: string[] = [];
  const scanner = NdjsonScanner.forRecords('f', options, {
    record: (r) => items.push(show(r)),
    // A text line is read as the feed reads it (a line across chunks is always one).
    text: (body, line) => items.push(show(generalLine(body, 'f', line, options, isKnown))),
  });
  const positions: string[] = [];
  for (const c of chunks) {
    scanner.scan(c);
    positions.push(`${scanner.offset}:${scanner.line}`);
  }
  scanner.finish();
  positions.push(`${scanner.offset}:${scanner.line}`);
  return { items, positions };
}

const isKnown = knownTypes(options.schemaOf);

const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

describe('line scanners read the same lines whatever the chunks', () => {
  it('NdjsonScanner: records, text lines and positions as one chunk and as counted', () => {
    fc.assert(
      fc.property(fc.array(ndjsonLine, { maxLength: 20 }), fc.boolean(), cuts, (lines, lastNewline, at) => {
        const bytes = Buffer.from(lines.join('\n') + (lastNewline ? '\n' : ''));
        const whole = scanNdjson([bytes]);
        const chunks = chunksOf(bytes, at);
        const cut = scanNdjson(chunks);
        expect(cut.items).toEqual(whole.items);
        // After each chunk: just past the last complete line so far.
        let end = 0;
        chunks.forEach((c, k) => {
          end += c.length;
          const expected = completeLines(bytes, 0, end);
          expect(cut.positions[k]).toBe(`${expected.offset}:${expected.line}`);
        });
        expect(cut.positions.at(-1)).toBe(whole.positions.at(-1));
      }),
      { numRuns: 300 },
    );
  });

  it('CsvLineScanner: records, errors and positions as one chunk and as counted', () => {
    const scan = (chunks: readonly Buffer[]) => {
      const records = csvRecords(options, 'f.csv', true);
      if (records instanceof Error) throw records;
      records.setHeader(['s', 'd', 'i', 'ts']);
      const items: string[] = [];
      const scanner = new CsvLineScanner(records, { offset: 0, line: 1 }, (item) => items.push(show(item)));
      const positions: string[] = [];
      for (const c of chunks) {
        scanner.scan(c);
        positions.push(`${scanner.offset}:${scanner.line}`);
      }
      scanner.finish();
      return { items, positions, end: `${scanner.offset}:${scanner.line}` };
    };
    fc.assert(
      fc.property(fc.array(csvLine, { maxLength: 20 }), fc.boolean(), cuts, (lines, lastNewline, at) => {
        const bytes = Buffer.from(lines.join('\n') + (lastNewline ? '\n' : ''));
        const whole = scan([bytes]);
        const chunks = chunksOf(bytes, at);
        const cut = scan(chunks);
        expect(cut.items).toEqual(whole.items);
        let end = 0;
        chunks.forEach((c, k) => {
          end += c.length;
          const expected = completeLines(bytes, 0, end);
          expect(cut.positions[k]).toBe(`${expected.offset}:${expected.line + 1}`);
        });
        expect(cut.end).toBe(whole.end);
      }),
      { numRuns: 300 },
    );
  });
});
