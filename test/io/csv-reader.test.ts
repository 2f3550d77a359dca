import { describe, expect, it } from 'vitest';
import { WeirError } from '../../src/common/errors.js';
import { cellConverter, readCsv } from '../../src/io/csv-reader.js';
import type { ReadItem, ReaderOptions } from '../../src/io/event-record.js';
import type { EventSchemaInfo } from '../../src/runtime/api.js';
import { scratchDir } from './temp-files.js';

const { file } = scratchDir();

const TICK: EventSchemaInfo = {
  name: 'Tick',
  properties: [
    { name: 'sym', type: 'string' },
    { name: 'qty', type: 'int' },
    { name: 'vol', type: 'long' },
    { name: 'px', type: 'double' },
    { name: 'ok', type: 'boolean' },
    { name: 'tag', type: 'any' },
  ],
  timestampProperty: undefined,
  open: false,
};
const schemaOf = (t: string) => (t === 'Tick' ? TICK : undefined);

async function read(path: string, options: Partial<ReaderOptions> = {}): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const batch of readCsv(path, { timeField: 'ts', type: 'Tick', schemaOf, ...options }))
    items.push(...batch);
  return items;
}

function errorOf(item: ReadItem | undefined): WeirError {
  expect(item).toBeInstanceOf(WeirError);
  return item as WeirError;
}

describe('readCsv', () => {
  it('types cells by the schema: numbers, booleans, strings; empty is null; the time column is a number', async () => {
    const path = file(
      'typed.csv',
      'sym,qty,vol,px,ok,tag,ts\nACME,3,9007199254740991,101.5,true,7,1000\n"B,C",-2,0,1e3,FALSE,,2000\n,,,,,,\n',
    );
    expect(await read(path)).toEqual([
      {
        type: 'Tick',
        timestamp: 1000,
        event: { sym: 'ACME', qty: 3, vol: 9007199254740991, px: 101.5, ok: true, tag: '7', ts: 1000 },
        file: path,
        line: 2,
      },
      {
        type: 'Tick',
        timestamp: 2000,
        event: { sym: 'B,C', qty: -2, vol: 0, px: 1000, ok: false, tag: null, ts: 2000 },
        file: path,
        line: 3,
      },
      {
        type: 'Tick',
        timestamp: undefined,
        event: { sym: null, qty: null, vol: null, px: null, ok: null, tag: null, ts: null },
        file: path,
        line: 4,
      },
    ]);
  });

  it('keeps undeclared columns as strings and uses --time-field', async () => {
    const path = file('extra.csv', 'sym,note,at\nX,007,5\n');
    expect(await read(path, { timeField: 'at' })).toEqual([
      { type: 'Tick', timestamp: 5, event: { sym: 'X', note: '007', at: 5 }, file: path, line: 2 },
    ]);
  });

  it('accepts CRLF, a BOM, blank lines, and quoted cells spanning lines (numbered by their last line)', async () => {
    const path = file('crlf.csv', '\uFEFFsym,qty,ts\r\nA,1,10\r\n\r\n"two\nlines",2,20\r\n');
    const items = await read(path);
    expect(
      items.map((i) => [
        (i as unknown as { line: number }).line,
        (i as unknown as { event: { sym: string } }).event.sym,
      ]),
    ).toEqual([
      [2, 'A'],
      [5, 'two\nlines'],
    ]);
  });

  it('reports a value that does not parse with file, line, column and value, and goes on', async () => {
    const path = file(
      'bad.csv',
      'sym,qty,px,ok,ts\nA,1,1.5,true,1\nB,1.5,2,true,2\nC,1,abc,true,3\nD,1,2,yes,4\nE,1,2,true,soon\nF,2,3,false,6\n',
    );
    const items = await read(path);
    expect(items).toHaveLength(6);
    const messages = items.slice(1, 5).map((i) => errorOf(i));
    expect(messages.map((e) => e.code)).toEqual([
      'io/invalid-value',
      'io/invalid-value',
      'io/invalid-value',
      'io/invalid-value',
    ]);
    expect(messages.map((e) => e.message)).toEqual([
      `${path}:3: column 'qty': cannot read "1.5" as int`,
      `${path}:4: column 'px': cannot read "abc" as double`,
      `${path}:5: column 'ok': cannot read "yes" as boolean`,
      `${path}:6: column 'ts': cannot read "soon" as a time in milliseconds`,
    ]);
    expect(messages.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect((items[5] as unknown as { event: { sym: string } }).event.sym).toBe('F');
  });

  it('reports a record with the wrong number of fields, and a stray quote, as malformed lines', async () => {
    const path = file('shape.csv', 'sym,qty,ts\nA,1\nB,"2"x,2\n');
    const items = await read(path);
    const first = errorOf(items[0]);
    expect(first.code).toBe('io/malformed-event-line');
    expect(first.message).toBe(`${path}:2: expected 3 fields as in the header, got 2`);
    const second = errorOf(items[1]);
    expect(second.code).toBe('io/malformed-event-line');
    expect(second.message).toMatch(new RegExp(`^${path}:3: malformed CSV: Invalid Closing Quote`));
  });

  it('needs --type, and a declared one', async () => {
    const path = file('notype.csv', 'sym,ts\nA,1\n');
    expect(errorOf((await read(path, { type: undefined }))[0]).message).toBe(
      `${path}:1: CSV events need --type to name their event type`,
    );
    const unknown = errorOf((await read(path, { type: 'Nope', typeNames: () => ['Tick'] }))[0]);
    expect(unknown.code).toBe('io/unknown-event-type');
    expect(unknown.message).toBe(`${path}:1: --type: unknown event type 'Nope' (declared: Tick)`);
  });

  it('streams a large file in several batches (one per 1 MiB chunk) with the right line numbers', async () => {
    const rows = ['sym,qty,ts'];
    for (let i = 0; i < 120_000; i++) rows.push(`S${i % 7},${i},${i}`);
    const path = file('large.csv', `${rows.join('\n')}\n`);
    let batches = 0;
    let count = 0;
    let ok = true;
    for await (const batch of readCsv(path, { timeField: 'ts', type: 'Tick', schemaOf })) {
      batches++;
      for (const item of batch) {
        const r = item as unknown as { line: number; event: { qty: number } };
        ok &&= r.line === count + 2 && r.event.qty === count;
        count++;
      }
    }
    expect(ok).toBe(true);
    expect(count).toBe(120_000);
    expect(batches).toBeGreaterThan(1);
  });
});

describe('cellConverter', () => {
  it('reads integers for int and long, not decimals or hex', () => {
    const int = cellConverter('int');
    expect([int('42'), int(' -7 '), int('+3'), int('1.0'), int('0x10'), int('1e3'), int('x')]).toEqual([
      42,
      -7,
      3,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('reads decimal and exponent forms for double, and the spelled non-finite numbers', () => {
    const dbl = cellConverter('double');
    expect([dbl('1.5'), dbl('.5'), dbl('-2e-3'), dbl('7'), dbl('Infinity'), dbl('0x10'), dbl('1,5')]).toEqual(
      [1.5, 0.5, -0.002, 7, Number.POSITIVE_INFINITY, undefined, undefined],
    );
    expect(dbl('NaN')).toBeNaN();
  });

  it('reads true/false in any case for boolean, nothing else', () => {
    const bool = cellConverter('boolean');
    expect([bool('true'), bool('FALSE'), bool('True'), bool('1'), bool('yes')]).toEqual([
      true,
      false,
      true,
      undefined,
      undefined,
    ]);
  });
});
