import { describe, expect, it } from 'vitest';
import { WeirError } from '../../src/common/errors.js';
import type { ReadItem, ReaderOptions } from '../../src/io/event-record.js';
import { readNdjson } from '../../src/io/ndjson-reader.js';
import type { EventSchemaInfo } from '../../src/runtime/api.js';
import { scratchDir } from './temp-files.js';

const { file } = scratchDir();

const schemaOf = (type: string): EventSchemaInfo | undefined =>
  type === 'T' || type === 'U'
    ? { name: type, properties: [{ name: 'k', type: 'string' }], timestampProperty: undefined, open: false }
    : undefined;

async function read(path: string, options: Partial<ReaderOptions> = {}): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  for await (const batch of readNdjson(path, { timeField: 'ts', ...options })) items.push(...batch);
  return items;
}

function errorOf(item: ReadItem | undefined): WeirError {
  expect(item).toBeInstanceOf(WeirError);
  return item as WeirError;
}

describe('readNdjson', () => {
  it('reads envelope lines with type, time and data, numbering lines from 1', async () => {
    const path = file(
      'env.ndjson',
      '{"type":"T","ts":1000,"data":{"k":"a"}}\n{"type":"U","ts":1500.5,"data":{"k":"b","n":null}}\n',
    );
    expect(await read(path)).toEqual([
      { type: 'T', timestamp: 1000, event: { k: 'a' }, file: path, line: 1 },
      { type: 'U', timestamp: 1500.5, event: { k: 'b', n: null }, file: path, line: 2 },
    ]);
  });

  it('leaves the time to the schema when an envelope has no ts', async () => {
    const path = file('nots.ndjson', '{"type":"T","data":{"k":"a","at":5}}');
    expect(await read(path)).toEqual([
      { type: 'T', timestamp: undefined, event: { k: 'a', at: 5 }, file: path, line: 1 },
    ]);
  });

  it('reads flat objects typed by --type, with the time in --time-field, keeping every property', async () => {
    const path = file('flat.ndjson', '{"k":"a","at":10}\n{"k":"b","at":20,"extra":true}\n');
    expect(await read(path, { type: 'T', timeField: 'at' })).toEqual([
      { type: 'T', timestamp: 10, event: { k: 'a', at: 10 }, file: path, line: 1 },
      { type: 'T', timestamp: 20, event: { k: 'b', at: 20, extra: true }, file: path, line: 2 },
    ]);
  });

  it('takes a flat line without --type from its own string type property', async () => {
    const path = file('own-type.ndjson', '{"type":"U","k":"x","ts":3}\n');
    expect(await read(path)).toEqual([
      { type: 'U', timestamp: 3, event: { type: 'U', k: 'x', ts: 3 }, file: path, line: 1 },
    ]);
  });

  it('skips blank and whitespace-only lines but counts them, and accepts CRLF, a BOM and no final newline', async () => {
    const path = file(
      'blank.ndjson',
      '\uFEFF{"type":"T","ts":1,"data":{}}\r\n\r\n   \n\t\n{"type":"T","ts":2,"data":{}}',
    );
    const items = await read(path);
    expect(items.map((i) => (i as unknown as { line: number }).line)).toEqual([1, 5]);
    expect(items.map((i) => (i as unknown as { timestamp: number }).timestamp)).toEqual([1, 2]);
  });

  it('reports invalid JSON with file, line and the parser message, and goes on', async () => {
    const path = file(
      'bad.ndjson',
      '{"type":"T","ts":1,"data":{}}\n\n{"type":"T","ts":2,"data":{}\n{"type":"T","ts":3,"data":{}}\n',
    );
    const items = await read(path);
    expect(items).toHaveLength(3);
    const error = errorOf(items[1]);
    expect(error.code).toBe('io/malformed-event-line');
    expect(error.message).toMatch(new RegExp(`^${path}:3: invalid JSON: `));
    expect(error.line).toBe(3);
    expect(error.file).toBe(path);
    expect((items[2] as unknown as { line: number }).line).toBe(4);
  });

  it('reports a line that is not an object, has no type, or has a non-numeric time', async () => {
    const path = file(
      'shapes.ndjson',
      [
        '[1,2]',
        '{"k":"a","ts":1}',
        '{"type":"T","ts":"1000","data":{}}',
        '{"k":"a","at":"soon"}',
        '{"type":"T","ts":null,"data":{}}',
      ].join('\n'),
    );
    const items = await read(path);
    expect(errorOf(items[0]).message).toBe(`${path}:1: expected a JSON object`);
    expect(errorOf(items[1]).message).toBe(
      `${path}:2: no event type: use envelope lines {"type":…,"ts":…,"data":{…}} or pass --type`,
    );
    expect(errorOf(items[2]).message).toBe(`${path}:3: "ts" must be a number of milliseconds, got "1000"`);
    expect(errorOf(items[3]).message).toMatch(new RegExp(`^${path}:4: no event type`));
    // A null time is an absent time: the engine then uses the schema's timestamp property.
    expect(items[4]).toEqual({ type: 'T', timestamp: undefined, event: {}, file: path, line: 5 });
  });

  it('names the --time-field in a bad-time message', async () => {
    const path = file('badtime.ndjson', '{"k":"a","at":"soon"}\n');
    const [item] = await read(path, { type: 'T', timeField: 'at' });
    expect(errorOf(item).message).toBe(`${path}:1: "at" must be a number of milliseconds, got "soon"`);
  });

  it('reports an unknown event type with its line when the schemas are known', async () => {
    const path = file('unknown.ndjson', '{"type":"T","ts":1,"data":{}}\n{"type":"Nope","ts":2,"data":{}}\n');
    const items = await read(path, { schemaOf });
    expect(items[0]).not.toBeInstanceOf(WeirError);
    const error = errorOf(items[1]);
    expect(error.code).toBe('io/unknown-event-type');
    expect(error.message).toBe(`${path}:2: unknown event type 'Nope'`);
    const listed = await read(path, { schemaOf, typeNames: () => ['T', 'U'] });
    expect(errorOf(listed[1]).message).toBe(`${path}:2: unknown event type 'Nope' (declared: T, U)`);
  });

  it('names the file as the caller shows it', async () => {
    const path = file('shown.ndjson', 'oops\n');
    const items: ReadItem[] = [];
    for await (const b of readNdjson(path, { timeField: 'ts' }, { bytes: 0 }, 'events.ndjson'))
      items.push(...b);
    expect(errorOf(items[0]).message).toMatch(/^events\.ndjson:1: invalid JSON: /);
  });

  it('streams a large file in several batches, keeping lines and multi-byte characters across chunks', async () => {
    const n = 60_000; // about 3.5 MB: several 1 MiB chunks
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`{"type":"T","ts":${i},"data":{"k":"é€😀${i}"}}`);
    const path = file('large.ndjson', `${lines.join('\n')}\n`);
    const progress = { bytes: 0 };
    let batches = 0;
    let count = 0;
    let ok = true;
    for await (const batch of readNdjson(path, { timeField: 'ts' }, progress)) {
      batches++;
      for (const item of batch) {
        const r = item as unknown as { timestamp: number; line: number; event: { k: string } };
        ok &&= r.timestamp === count && r.line === count + 1 && r.event.k === `é€😀${count}`;
        count++;
      }
    }
    expect(ok).toBe(true);
    expect(count).toBe(n);
    expect(batches).toBeGreaterThanOrEqual(3);
    expect(progress.bytes).toBe(Buffer.byteLength(`${lines.join('\n')}\n`));
  });

  it('stops reading when the consumer stops (bounded memory: nothing is read ahead)', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) lines.push(`{"type":"T","ts":${i},"data":{"k":"${'x'.repeat(40)}"}}`);
    const path = file('early.ndjson', lines.join('\n'));
    const progress = { bytes: 0 };
    for await (const _batch of readNdjson(path, { timeField: 'ts' }, progress)) break;
    expect(progress.bytes).toBeLessThan(3 * 1024 * 1024);
  });

  describe('with the schema-specialised parser (declared types)', () => {
    const typed = (type: string): EventSchemaInfo | undefined =>
      type === 'T'
        ? {
            name: 'T',
            properties: [
              { name: 'k', type: 'string' },
              { name: 'v', type: 'double' },
            ],
            timestampProperty: undefined,
            open: false,
          }
        : undefined;
    const declared = { schemaOf: typed, typeNames: () => ['T'] };

    it('reads the same records as the general path, across chunks, with bad lines in between', async () => {
      const lines: string[] = [];
      for (let i = 0; i < 40_000; i++) {
        if (i % 997 === 5)
          lines.push('{"type":"T","ts":1,"data":{"k":"a","v":1}'); // truncated
        else if (i % 991 === 7) lines.push(`{"type":"T", "ts":${i},"data":{"k":"spaced","v":${i}}}`);
        else if (i % 983 === 3) lines.push('');
        else if (i % 977 === 1) lines.push('{"type":"Nope","ts":1,"data":{}}');
        else if (i % 5 === 0) lines.push(`{"type":"T","ts":${i},"data":{"k":"é${i}\\n","v":-${i}.5e-1}}\r`);
        else lines.push(`{"type":"T","ts":${i},"data":{"k":"s${i % 100}","v":${i / 8}}}`);
      }
      const path = file('typed.ndjson', `\uFEFF${lines.join('\n')}`);
      const fast = await read(path, declared);
      const general = await read(path, { ...declared, specialise: false });
      expect(fast.length).toBe(general.length);
      expect(fast).toEqual(general);
      const errors = fast.filter((i) => i instanceof WeirError) as WeirError[];
      expect(errors.map((e) => e.code)).toContain('io/unknown-event-type');
      expect(errors.map((e) => e.code)).toContain('io/malformed-event-line');
      expect(errors.every((e) => e.message.startsWith(`${path}:${e.line}: `))).toBe(true);
    });

    it('reads flat lines of --type like the general path, the time from --time-field', async () => {
      const lines: string[] = [];
      for (let i = 0; i < 5_000; i++) {
        if (i % 97 === 3) lines.push(`{"v":${i},"k":"reordered"}`);
        else if (i % 89 === 4) lines.push(`{"k":"x","v":"not a number"}`);
        else lines.push(`{"k":"s${i % 10}","v":${i}}`);
      }
      const path = file('typed-flat.ndjson', lines.join('\n'));
      const options = { ...declared, type: 'T', timeField: 'v' };
      const fast = await read(path, options);
      expect(fast).toEqual(await read(path, { ...options, specialise: false }));
      expect(fast[0]).toEqual({ type: 'T', timestamp: 0, event: { k: 's0', v: 0 }, file: path, line: 1 });
      expect(errorOf(fast[4]).message).toBe(
        `${path}:5: "v" must be a number of milliseconds, got "not a number"`,
      );
    });

    it('reads a line longer than a chunk between fast lines, and a CRLF split across chunks', async () => {
      const fastLine = (i: number) => `{"type":"T","ts":${i},"data":{"k":"a","v":${i}}}`;
      const long = `{"type":"T","ts":2,"data":{"k":"${'é'.repeat(1_300_000)}","v":2}}`;
      // Line 4 ends with \r as the last byte of a 1 MiB chunk and \n as the next chunk's first.
      const head = `${fastLine(1)}\n${long}\n${fastLine(3)}\n`;
      const skeleton = Buffer.byteLength('{"type":"T","ts":4,"data":{"k":"","v":4}}');
      const boundary = Math.ceil((Buffer.byteLength(head) + skeleton + 1) / 2 ** 20) * 2 ** 20;
      const filler = boundary - 1 - Buffer.byteLength(head) - skeleton;
      const crlf = `{"type":"T","ts":4,"data":{"k":"${'x'.repeat(filler)}","v":4}}\r\n`;
      const path = file('typed-long.ndjson', `${head}${crlf}${fastLine(5)}\n`);
      const items = await read(path, declared);
      expect(items.map((i) => (i as { timestamp: number }).timestamp)).toEqual([1, 2, 3, 4, 5]);
      expect(items.map((i) => (i as { line: number }).line)).toEqual([1, 2, 3, 4, 5]);
      expect((items[1] as unknown as { event: { k: string } }).event.k).toBe('é'.repeat(1_300_000));
      expect(items).toEqual(await read(path, { ...declared, specialise: false }));
    });

    it('reports a bad line right after a fast one with its own line number', async () => {
      const path = file(
        'typed-bad.ndjson',
        '{"type":"T","ts":1,"data":{"k":"a","v":1}}\n{"type":"T","ts":2,\n',
      );
      const items = await read(path, declared);
      expect(items[0]).toEqual({ type: 'T', timestamp: 1, event: { k: 'a', v: 1 }, file: path, line: 1 });
      expect(errorOf(items[1]).message).toMatch(new RegExp(`^${path}:2: invalid JSON: `));
    });
  });
});
