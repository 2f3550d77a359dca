/**
 * The read worker against the in-process reader: on files mixing every kind of line (fast
 * envelopes and flat lines, lines for the general path, blank lines, CRLF, a byte order mark,
 * invalid JSON, unknown types, non-ASCII and more distinct strings than the wire gives ids),
 * several files in a row and more than one chunk each, both feeds must deliver the same
 * events (same keys in the same order, same values, -0 included), the same errors and the
 * same order; and a reader started at a reported position must go on exactly from there.
 */
import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { WeirError } from '../../src/common/errors.js';
import type { Row } from '../../src/common/row.js';
import { type FeedFile, type FeedMode, type FeedPosition, feedEvents } from '../../src/io/event-feed.js';
import type { ReaderOptions } from '../../src/io/event-record.js';
import type { EventSchemaInfo } from '../../src/runtime/api.js';
import { eventReader } from '../../src/runtime/event-normalizer.js';
import { scratchDir } from './temp-files.js';

const { file } = scratchDir('weir-feed-');

const SCHEMAS: EventSchemaInfo[] = [
  {
    name: 'Tick',
    properties: [
      { name: 'symbol', type: 'string' },
      { name: 'price', type: 'double' },
      { name: 'volume', type: 'long' },
      { name: 'ok', type: 'boolean' },
      { name: 'ts', type: 'long' },
    ],
    timestampProperty: undefined,
    open: false,
  },
  {
    name: 'Note',
    properties: [
      { name: 'text', type: 'string' },
      { name: 'any', type: 'any' },
    ],
    timestampProperty: undefined,
    open: true,
  },
];

const options: ReaderOptions = {
  type: 'Tick',
  timeField: 'ts',
  schemaOf: (name) => SCHEMAS.find((s) => s.name === name),
  typeNames: () => SCHEMAS.map((s) => s.name),
};

/** Line i of a test file: mostly fast lines, every few lines one of the other kinds. */
function lineAt(i: number, fileNo: number): string {
  const tick = {
    symbol: `S${i % 97}`,
    price: (i % 1000) / 7,
    volume: i,
    ok: i % 2 === 0,
    ts: 1000 + i,
  };
  switch (i % 23) {
    case 1:
      return JSON.stringify({ type: 'Tick', ts: 1000 + i, data: tick });
    case 2:
      return JSON.stringify({
        type: 'Note',
        ts: 1000 + i,
        data: { text: `é ${i} ✓`, any: i % 3 === 0 ? null : 'x' },
      });
    case 3:
      return '';
    case 4:
      return `${JSON.stringify(tick)}\r`;
    case 5:
      return '{"symbol": "spaced", "price": 1, "volume": 2, "ok": true, "ts": 5}';
    case 6:
      return '{"symbol":"esc\\"aped","price":-0,"volume":3,"ok":false,"ts":6}';
    case 7:
      return i % 2 === 0 ? '{not json' : '{"type":"Nope","ts":1,"data":{}}';
    case 8:
      return `{"symbol":"unique-${fileNo}-${i}","price":1e3,"volume":4,"ok":null,"ts":${i}}`;
    case 9:
      return '   ';
    case 10:
      return JSON.stringify({ type: 'Note', ts: 2, data: { text: 'nested', any: { a: [1, 2] } } });
    // Values of the wrong type for the engine (a long that is not an integer or not exact, a
    // string for a double): events all the same, which the engine refuses.
    case 11:
      return `{"symbol":"w","price":1,"volume":${i % 2 === 0 ? 1.5 : 2 ** 53 + 2},"ok":true,"ts":${i}}`;
    case 12:
      return `{"symbol":"w","price":"7","volume":1,"ok":false,"ts":${i}}`;
    default:
      return JSON.stringify(tick);
  }
}

function writeFile(name: string, lines: number, fileNo: number, bom: boolean, finalNewline: boolean): string {
  const text = Array.from({ length: lines }, (_, i) => lineAt(i, fileNo)).join('\n');
  return file(name, `${bom ? '\ufeff' : ''}${text}${finalNewline ? '\n' : ''}`);
}

interface Delivered {
  readonly kind: 'event' | 'error';
  readonly text: string;
}

/** The row the engine keeps of an event (its reader), or the error it gives: what a statement sees. */
function kept(type: string, event: Row): unknown {
  const info = SCHEMAS.find((s) => s.name === type);
  if (info === undefined) return ['undeclared', Object.entries(event)];
  const reader = eventReader({
    name: info.name,
    properties: new Map(info.properties.map((p) => [p.name, p.type])),
    timestampProperty: info.timestampProperty,
    open: info.open,
    declared: true,
  });
  const row = reader.read(event);
  return row === undefined ? reader.invalid(event).message : Object.entries(row);
}

interface FeedRun {
  readonly delivered: Delivered[];
  readonly positions: FeedPosition[];
  /** Events delivered as lent rows. */
  readonly lent: number;
}

/**
 * Feeds the files; `rows`: each event is recorded as the row the engine keeps of it, and
 * the target takes lent rows (FeedTarget.lent), each checked to be exactly that row.
 */
async function feed(
  files: readonly FeedFile[],
  mode: FeedMode,
  stopAfter = Number.POSITIVE_INFINITY,
  rows = false,
): Promise<FeedRun> {
  const delivered: Delivered[] = [];
  const positions: FeedPosition[] = [];
  let lent = 0;
  const record = (type: string, event: Row, timestamp: number | undefined, f: string, line: number) => {
    // Keys in order, values exactly (-0 kept apart from 0).
    const values = rows
      ? kept(type, event)
      : Object.entries(event).map(([k, v]) => [k, Object.is(v, -0) ? '-0' : v]);
    delivered.push({
      kind: 'event',
      text: JSON.stringify([type, values, timestamp ?? null, f, line], (_, v) =>
        Object.is(v, -0) ? '-0' : v,
      ),
    });
    return true;
  };
  await feedEvents(
    files,
    options,
    mode,
    {
      event: record,
      ...(rows
        ? {
            lent: (type: string, row: Row, timestamp: number | undefined, f: string, line: number) => {
              lent++;
              // A lent row is already the row the engine keeps: same keys, order and values.
              expect(kept(type, row)).toEqual(Object.entries(row));
              return record(type, { ...row }, timestamp, f, line);
            },
          }
        : {}),
      error: (e: WeirError) => {
        delivered.push({ kind: 'error', text: `${e.code} ${e.message}` });
        return true;
      },
    },
    (position) => {
      positions.push(position);
      if (positions.length >= stopAfter) throw new StopFeed();
    },
  ).catch((e) => {
    if (!(e instanceof StopFeed)) throw e;
  });
  return { delivered, positions, lent };
}

class StopFeed extends Error {}

describe('feedEvents: the read worker delivers what the in-process reader delivers', () => {
  // Each file holds several 1 MiB chunks, so lines also cross chunk boundaries.
  const files: FeedFile[] = [
    { path: writeFile('a.ndjson', 25_000, 1, true, true), shown: 'a.ndjson' },
    { path: writeFile('b.ndjson', 15_000, 2, false, false), shown: 'b.ndjson' },
  ];

  it('the same events and errors, in the same order, over several files', async () => {
    const inline = await feed(files, 'inline');
    const worker = await feed(files, 'worker');
    expect(inline.delivered.length).toBeGreaterThan(35_000);
    expect(inline.delivered.filter((d) => d.kind === 'error').length).toBeGreaterThan(500);
    expect(worker.delivered).toEqual(inline.delivered);
    // Both end at the end of the last file (whose last line is blank: 14,999 lines end in '\n').
    const end = { file: 1, offset: statSync((files[1] as FeedFile).path).size, line: 14_999 };
    expect(worker.positions.at(-1)).toMatchObject(end);
    expect(inline.positions.at(-1)).toMatchObject(end);
  });

  it('lent rows (a target taking them): statements see the same rows, errors and order as on one thread', async () => {
    const inline = await feed(files, 'inline', Number.POSITIVE_INFINITY, true);
    const worker = await feed(files, 'worker', Number.POSITIVE_INFINITY, true);
    expect(inline.lent).toBe(0);
    expect(worker.lent).toBeGreaterThan(20_000);
    // Wrong-typed values reach the engine as events it refuses, with its message.
    expect(
      inline.delivered.some((d) => d.text.includes("Property 'volume' of event type 'Tick' must be long")),
    ).toBe(true);
    expect(
      inline.delivered.some((d) => d.text.includes("Property 'price' of event type 'Tick' must be double")),
    ).toBe(true);
    expect(worker.delivered).toEqual(inline.delivered);
    expect(worker.positions.at(-1)).toMatchObject(inline.positions.at(-1) as FeedPosition);
  });

  for (const mode of ['inline', 'worker'] as const) {
    it(`${mode}: a feed started at a reported position goes on exactly from there`, async () => {
      const full = await feed(files, mode);
      const first = await feed(files, mode, 2);
      const at = first.positions.at(-1) as FeedPosition;
      expect(at.file).toBe(0);
      const rest = await feed(
        [{ ...(files[0] as FeedFile), start: { offset: at.offset, line: at.line } }, files[1] as FeedFile],
        mode,
      );
      expect([...first.delivered, ...rest.delivered]).toEqual(full.delivered);
    });
  }
});

/** CSV line i: mostly plain records, every few lines a bad value, a wrong cell count, a blank line, another spelling. */
function csvLineAt(i: number): string {
  switch (i % 31) {
    case 1:
      return `S${i % 97},abc,${i},true,${1000 + i}`;
    case 2:
      return `S${i % 97},1.5,${i}`;
    case 3:
      return '';
    case 4:
      return `é${i},+${i}.25, ${i} ,TRUE,${1000 + i}`;
    case 5:
      return ',,,,';
    case 6:
      return `S${i},-0,${i},maybe,${1000 + i}`;
    case 7:
      return `S${i % 97},2.5,${i + 0.5},true,${1000 + i}`;
    default:
      return `S${i % 97},${(i % 1000) / 8},${i},${i % 2 === 0},${1000 + i}`;
  }
}

function writeCsv(name: string, header: string, lines: number, quotedAt?: number): string {
  const body = Array.from({ length: lines }, (_, i) =>
    i === quotedAt ? `"S,${i}",1,${i},true,${1000 + i}` : csvLineAt(i),
  );
  return file(name, `${header}\n${body.join('\n')}\n`);
}

describe('feedEvents: CSV through the read worker', () => {
  // Several 1 MiB chunks each; c.csv turns to csv-parse (a quoted cell) after 30,000 lines,
  // d.csv's header is quoted (the whole file is the main thread's), e.csv names a column twice.
  const files: FeedFile[] = [
    { path: writeCsv('a.csv', 'symbol,price,volume,ok,ts', 60_000), shown: 'a.csv' },
    { path: writeCsv('c.csv', 'symbol,price,volume,ok,ts', 50_000, 30_000), shown: 'c.csv' },
    { path: writeCsv('d.csv', '"symbol",price,volume,ok,ts', 5_000), shown: 'd.csv' },
    { path: writeCsv('e.csv', 'symbol,price,volume,ok,ok', 5_000), shown: 'e.csv' },
    { path: writeFile('f.ndjson', 3_000, 3, false, true), shown: 'f.ndjson' },
  ];

  it('the same events and errors, in the same order, as on one thread', async () => {
    const inline = await feed(files, 'inline');
    const worker = await feed(files, 'worker');
    expect(inline.delivered.length).toBeGreaterThan(110_000);
    expect(inline.delivered.filter((d) => d.kind === 'error').length).toBeGreaterThan(4_000);
    expect(worker.delivered).toEqual(inline.delivered);
    expect(worker.positions.at(-1)).toMatchObject(inline.positions.at(-1) as FeedPosition);
  });

  it('lent rows: statements see the same rows, errors and order as on one thread', async () => {
    const inline = await feed(files, 'inline', Number.POSITIVE_INFINITY, true);
    const worker = await feed(files, 'worker', Number.POSITIVE_INFINITY, true);
    // a.csv and c.csv's plain part have the declared columns in order (lent); e.csv does not.
    expect(worker.lent).toBeGreaterThan(70_000);
    expect(
      inline.delivered.some((d) => d.text.includes("Property 'volume' of event type 'Tick' must be long")),
    ).toBe(true);
    expect(worker.delivered).toEqual(inline.delivered);
  });

  it('a feed started at a reported position goes on exactly from there', async () => {
    const full = await feed(files, 'worker');
    for (const stopAfter of [1, 3]) {
      const first = await feed(files, 'worker', stopAfter);
      const at = first.positions.at(-1) as FeedPosition;
      const rest = await feed(
        [
          { ...(files[at.file] as FeedFile), start: { offset: at.offset, line: at.line } },
          ...files.slice(at.file + 1),
        ],
        'worker',
      );
      expect([...first.delivered, ...rest.delivered]).toEqual(full.delivered);
    }
  });

  it('lent rows: a feed started at a reported position goes on exactly from there', async () => {
    const full = await feed(files, 'worker', Number.POSITIVE_INFINITY, true);
    const first = await feed(files, 'worker', 3, true);
    const at = first.positions.at(-1) as FeedPosition;
    const rest = await feed(
      [
        { ...(files[at.file] as FeedFile), start: { offset: at.offset, line: at.line } },
        ...files.slice(at.file + 1),
      ],
      'worker',
      Number.POSITIVE_INFINITY,
      true,
    );
    expect(first.lent + rest.lent).toBe(full.lent);
    expect([...first.delivered, ...rest.delivered]).toEqual(full.delivered);
  });
});

describe("feedEvents: lines longer than the read worker's buffer", () => {
  // The worker reads into one 1 MiB buffer that grows for a longer line: a 2.5 MiB NDJSON line
  // (a string property; the general path) and a 1.5 MiB CSV cell, between ordinary lines,
  // and a last line without a line end.
  const long = (n: number) => 'x'.repeat(n);
  const ndjsonLines = Array.from({ length: 30_000 }, (_, i) => lineAt(i, 4));
  ndjsonLines.splice(
    20_000,
    0,
    JSON.stringify({ type: 'Note', ts: 5, data: { text: long(2_500_000), any: 1 } }),
  );
  const csvLines = Array.from({ length: 40_000 }, (_, i) => csvLineAt(i));
  csvLines.splice(25_000, 0, `${long(1_500_000)},1.5,7,true,9`);
  const files: FeedFile[] = [
    { path: file('long.ndjson', ndjsonLines.join('\n')), shown: 'long.ndjson' },
    { path: file('long.csv', `symbol,price,volume,ok,ts\n${csvLines.join('\n')}`), shown: 'long.csv' },
  ];

  it('are delivered as on one thread, and so are the lines after them', async () => {
    const inline = await feed(files, 'inline');
    const worker = await feed(files, 'worker');
    expect(inline.delivered.length).toBeGreaterThan(60_000);
    expect(inline.delivered.some((d) => d.text.includes(long(2_500_000)))).toBe(true);
    expect(inline.delivered.some((d) => d.text.includes(long(1_500_000)))).toBe(true);
    expect(worker.delivered).toEqual(inline.delivered);
    expect(worker.positions.at(-1)).toMatchObject(inline.positions.at(-1) as FeedPosition);
  });
});
