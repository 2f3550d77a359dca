/**
 * The generated CSV line parser (csv-line-parser.ts) against the general way of reading a
 * plain line (its text split at commas, each cell converted by its type): on random files
 * whose cells are spelled in every way the general path accepts or refuses (signs, spaces,
 * leading zeros, exponents, long digit runs, `TRUE`, empty cells, non-ASCII and invalid
 * UTF-8, wrong cell counts, blank lines, lines without a final newline, chunk boundaries),
 * readCsv must answer the same events, values (to the bit: -0, NaN), errors, messages and
 * line numbers with the parser as without it (`specialise: false`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeCsvLineParser, makeCsvWireLineParser } from '../../src/io/csv-line-parser.js';
import { readCsv } from '../../src/io/csv-reader.js';
import type { EventRecord, ReadItem, ReaderOptions } from '../../src/io/event-record.js';
import {
  CSV_ROW,
  WireBatchBuilder,
  makeEventDecoder,
  newWireCursor,
  startBatch,
} from '../../src/io/event-wire.js';
import type { EventSchemaInfo } from '../../src/runtime/api.js';
import { scratchDir } from '../io/temp-files.js';

const { file } = scratchDir('weir-csv-line-prop-');

const SCHEMA: EventSchemaInfo = {
  name: 'T',
  properties: [
    { name: 'i', type: 'int' },
    { name: 'l', type: 'long' },
    { name: 'd', type: 'double' },
    { name: 'b', type: 'boolean' },
    { name: 's', type: 'string' },
    { name: 'a', type: 'any' },
    { name: 'ts', type: 'long' },
  ],
  timestampProperty: undefined,
  open: false,
};
const options: ReaderOptions = {
  timeField: 'ts',
  type: 'T',
  schemaOf: (t) => (t === 'T' ? SCHEMA : undefined),
};

/** Values shown to the bit: Object.is tells -0 from 0, and NaN is named. */
function showValue(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return JSON.stringify(v) ?? 'undefined';
}

function show(item: ReadItem): string {
  if (item instanceof Error) return `${(item as { code: string }).code} ${item.message}`;
  const values = Object.entries(item.event).map(([k, v]) => `${k}=${showValue(v)}`);
  return `${item.type} ${showValue(item.timestamp)} ${item.line} ${item.file} ${values.join(' ')}`;
}

async function read(path: string, more: Partial<ReaderOptions> = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of readCsv(path, { ...options, ...more }, { bytes: 0 }, 'f.csv'))
    for (const item of batch) out.push(show(item));
  return out;
}

const number = fc.oneof(
  fc.constantFrom('0', '-0', '7', '-12', '007', '+5', ' 5', '5 ', '1.5', '-0.25', '0.1', '1.', '.5', '1e3'),
  fc.constantFrom('1E-2', '-1e+2', '123456789012345', '1234567890123456', '99999999999999999999', 'NaN'),
  fc.constantFrom('Infinity', '-Infinity', '1.2.3', '-', '--1', '0x10', '12a', '3.14159265358979', ''),
  fc.double({ noNaN: true }).map(String),
  fc.integer().map(String),
  fc
    .tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: 0, max: 999 }))
    .map(([a, b]) => `${a}.${b}`),
);
const text = fc.oneof(
  fc.constantFrom('S1', 'abc', '', ' padded ', 'é', '日本', 'true', '12', 'x y', 'a\tb'),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => s.replace(/[,"\r\n]/g, '')),
);
const bool = fc.constantFrom('true', 'false', 'TRUE', 'False', ' true', 'yes', '', '1');
const row = fc.tuple(number, number, number, bool, text, text, number).map((cells) => cells.join(','));
const line = fc.oneof(
  { weight: 12, arbitrary: row },
  { weight: 1, arbitrary: fc.constantFrom('', 'x', '1,2,3', '1,2,3,true,s,a,5,extra', '1,2,3,true,s,a,') },
  { weight: 1, arbitrary: row.map((r) => `${r},`) },
);

describe('the generated CSV line parser', () => {
  it('reads exactly what the general path reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 40 }), fc.boolean(), async (lines, finalNewline) => {
        const body = lines.join('\n');
        const path = file('t.csv', `i,l,d,b,s,a,ts\n${body}${finalNewline ? '\n' : ''}`);
        expect(await read(path)).toEqual(await read(path, { specialise: false }));
      }),
      { numRuns: 300 },
    );
  });

  it('reads invalid UTF-8 and undeclared columns as the general path does', async () => {
    const bytes = Buffer.concat([
      Buffer.from('s,extra,ts\n'),
      Buffer.from([0x41, 0xe2, 0x2c, 0xff, 0x42, 0x2c, 0x31, 0x0a]), // A<E2>,<FF>B,1
      Buffer.from('x,,2\n,y,\n'),
    ]);
    const path = file('utf8.csv', bytes);
    const general = await read(path, { specialise: false });
    expect(await read(path)).toEqual(general);
    expect(general).toEqual([
      'T 1 2 f.csv s="A\ufffd" extra="\ufffdB" ts=1',
      'T 2 3 f.csv s="x" extra=null ts=2',
      'T undefined 4 f.csv s=null extra="y" ts=null',
    ]);
  });

  it('reads lines across 1 MiB chunk boundaries', async () => {
    const rows = ['i,l,d,b,s,a,ts'];
    for (let n = 0; n < 40_000; n++) rows.push(`${n},${-n},${n / 8},${n % 2 === 0},S${n % 97},A${n},${n}`);
    const path = file('big.csv', `${rows.join('\n')}\n`);
    const fast = await read(path);
    expect(fast).toEqual(await read(path, { specialise: false }));
    expect(fast).toHaveLength(40_000);
    expect(fast[39_999]).toBe(
      'T 39999 40001 f.csv i=39999 l=-39999 d=4999.875 b=false s="S35" a="A39999" ts=39999',
    );
  });

  it('in wire mode (the read worker) appends the very record it returns in record mode', () => {
    const header = SCHEMA.properties.map((p) => p.name);
    const typeOf = new Map(SCHEMA.properties.map((p) => [p.name, p.type]));
    const builder = new WireBatchBuilder([]);
    const record = makeCsvLineParser(header, typeOf, 'T', 'ts', 'f.csv');
    const wire = makeCsvWireLineParser(header, typeOf, 'T', 'ts', 'f.csv', builder);
    const decode = makeEventDecoder({
      name: 'T',
      properties: header.map((name) => ({ name, type: 'any' as const })),
      timestampProperty: undefined,
      open: false,
    });
    const cursor = newWireCursor();
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (lines) => {
        lines.forEach((text, i) => {
          const b = Buffer.from(`${text}\n`);
          const position = { pos: 0 };
          const expected = record?.(b, 0, b.length, position, i + 1) as EventRecord | undefined;
          const wirePosition = { pos: 0 };
          const appended = wire?.(b, 0, b.length, wirePosition, i + 1);
          expect(appended !== undefined).toBe(expected !== undefined);
          const { batch } = builder.take(0, 0, 0, 0);
          if (expected === undefined) {
            expect(batch.count).toBe(0);
            return;
          }
          expect(wirePosition.pos).toBe(position.pos);
          expect(batch.count).toBe(1);
          expect(batch.kinds[0]).toBe(CSV_ROW);
          expect(batch.lines[0]).toBe(i + 1);
          expect(showValue(batch.times[0])).toBe(showValue(expected.timestamp ?? Number.NaN));
          startBatch(cursor, batch);
          const event = decode(cursor);
          expect(Object.entries(event).map(([k, v]) => `${k}=${showValue(v)}`)).toEqual(
            Object.entries(expected.event).map(([k, v]) => `${k}=${showValue(v)}`),
          );
        });
      }),
      { numRuns: 200 },
    );
  });

  it('is not generated for a header with a repeated or unusual name', () => {
    const types = new Map([['x', 'int' as const]]);
    expect(makeCsvLineParser(['x', 'x'], types, 'T', 'ts', 'f')).toBeUndefined();
    expect(makeCsvLineParser(['__proto__'], types, 'T', 'ts', 'f')).toBeUndefined();
    expect(makeCsvLineParser(['1'], types, 'T', 'ts', 'f')).toBeUndefined();
    expect(makeCsvLineParser(['x', 'y z'], types, 'T', 'ts', 'f')).toBeDefined();
  });
});
