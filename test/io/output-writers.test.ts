import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { ByteSink } from '../../src/io/byte-sink.js';
import { csvCell, csvWriter } from '../../src/io/csv-writer.js';
import { toJson } from '../../src/io/json-line.js';
import { ndjsonWriter } from '../../src/io/ndjson-writer.js';
import { OUTPUT_FORMATS, createWriter } from '../../src/io/output-writer.js';
import { readableValue, tableWriter } from '../../src/io/table-writer.js';
import { capture, send } from './capture.js';
import { scratchDir } from './temp-files.js';

const STATEMENTS = [
  { name: 'avg', columns: ['sym', 'a'] },
  { name: 'spikes', columns: ['sym', 'price'] },
];

describe('ndjson writer', () => {
  it('writes one line per row, new rows before old ones', () => {
    const out = capture();
    const w = ndjsonWriter(new ByteSink(out.stream));
    send(w, 's', 5, [{ a: 1 }, { a: 2 }], [{ a: 0 }]);
    send(w, 't', 6, null, null);
    send(w, 't', 7, null, [{ b: Number.NaN }]);
    w.end();
    expect(out.text()).toBe(
      [
        '{"stmt":"s","time":5,"stream":"new","row":{"a":1}}',
        '{"stmt":"s","time":5,"stream":"new","row":{"a":2}}',
        '{"stmt":"s","time":5,"stream":"old","row":{"a":0}}',
        '{"stmt":"t","time":7,"stream":"old","row":{"b":"NaN"}}',
        '',
      ].join('\n'),
    );
  });
  it('writes each line exactly as one template over toJson would, for any time and row', () => {
    const out = capture();
    const w = ndjsonWriter(new ByteSink(out.stream));
    const calls: [string, number, Record<string, unknown>[] | null, Record<string, unknown>[] | null][] = [
      ['q"1', -0, [{ a: -0, b: 'x\ny', c: null }], []],
      ['é', 1.5e21, [], [{ n: { d: [1, Number.POSITIVE_INFINITY] } }]],
      ['s', Number.NEGATIVE_INFINITY, [{ 'avg(price)': 0.1 + 0.2, t: true }], null],
      ['s', 7, [{ a: 1 }, { a: 2, u: undefined }], [{ a: 0 }]],
    ];
    const expected: string[] = [];
    for (const [stmt, time, n, o] of calls) {
      send(w, stmt, time, n, o);
      const head = `{"stmt":${JSON.stringify(stmt)},"time":${toJson(time)},"stream":`;
      for (const row of n ?? []) expected.push(`${head}"new","row":${toJson(row)}}\n`);
      for (const row of o ?? []) expected.push(`${head}"old","row":${toJson(row)}}\n`);
    }
    w.end();
    expect(out.text()).toBe(expected.join(''));
  });
});

describe('csv writer', () => {
  it('writes one header with the union of the columns and leaves other statements’ cells empty', () => {
    const out = capture();
    const w = csvWriter(new ByteSink(out.stream), STATEMENTS);
    send(w, 'avg', 1, [{ sym: 'A', a: 1.5 }], null);
    send(w, 'spikes', 2, [{ sym: 'B', price: 3 }], [{ sym: 'C', price: 4 }]);
    w.end();
    expect(out.text()).toBe(
      'stmt,time,stream,sym,a,price\navg,1,new,A,1.5,\nspikes,2,new,B,,3\nspikes,2,old,C,,4\n',
    );
  });

  it('quotes what needs quoting and tells null from an empty string', () => {
    expect(
      [null, undefined, '', 'a,b', 'say "hi"', 'two\nlines', ' pad', true, 2.5, [1, 2]].map(csvCell),
    ).toEqual(['', '', '""', '"a,b"', '"say ""hi"""', '"two\nlines"', '" pad"', 'true', '2.5', '"[1,2]"']);
  });

  it('writes a null row (Esper posts some for output snapshot) as empty cells', () => {
    const out = capture();
    const w = csvWriter(new ByteSink(out.stream), STATEMENTS);
    send(w, 'avg', 1, [null as unknown as Row, { sym: 'A', a: 1 }], null, ['sym', 'a']);
    w.end();
    expect(out.text()).toBe('stmt,time,stream,sym,a,price\navg,1,new,,,\navg,1,new,A,1,\n');
  });

  it('writes the header even when there is no output', () => {
    const out = capture();
    csvWriter(new ByteSink(out.stream), STATEMENTS).end();
    expect(out.text()).toBe('stmt,time,stream,sym,a,price\n');
  });
});

describe('table writer', () => {
  it('aligns time, statement and each statement’s cells, marking new (+) and old (-) rows', () => {
    const out = capture();
    const w = tableWriter(new ByteSink(out.stream), STATEMENTS);
    send(w, 'avg', 1700000000531, [{ sym: 'ACME', a: 99.57 }], null);
    send(w, 'spikes', 1700000010584, [{ sym: 'INIT', price: 19.34 }], null);
    send(w, 'avg', 1700000000805, [{ sym: 'X', a: 1 / 3 }], [{ sym: 'ACME', a: null }]);
    w.end();
    expect(out.text()).toBe(
      [
        '1700000000531  avg     +  sym=ACME       a=99.57',
        '1700000010584  spikes  +  sym=INIT       price=19.34',
        '1700000000805  avg     +  sym=X          a=0.33333333',
        '1700000000805  avg     -  sym=ACME       a=null',
        '',
      ].join('\n'),
    );
  });

  it('widens a column when a value needs more room than reserved, up to a cap', () => {
    const out = capture();
    const w = tableWriter(new ByteSink(out.stream), [{ name: 's', columns: ['k', 'v'] }]);
    send(w, 's', 1, [{ k: 'a', v: 1 }], null);
    send(w, 's', 2, [{ k: 'abcdefghijkl', v: 2 }], null); // 'k=abcdefghijkl' is 14 > 11 reserved
    send(w, 's', 3, [{ k: 'b', v: 3 }], null);
    send(w, 's', 4, [{ k: 'x'.repeat(40), v: 4 }], null); // wider than the cap: printed whole, no widening
    send(w, 's', 5, [{ k: 'c', v: 5 }], null);
    w.end();
    expect(out.text()).toBe(
      [
        '            1  s     +  k=a          v=1',
        '            2  s     +  k=abcdefghijkl  v=2',
        '            3  s     +  k=b             v=3',
        `            4  s     +  k=${'x'.repeat(40)}  v=4`,
        '            5  s     +  k=c             v=5',
        '',
      ].join('\n'),
    );
  });

  it('writes a null row (Esper posts some for output snapshot) with every cell null', () => {
    const out = capture();
    const w = tableWriter(new ByteSink(out.stream), STATEMENTS);
    send(w, 'avg', 1, [null as unknown as Row], null, ['sym', 'a']);
    w.end();
    expect(out.text()).toMatch(/^ +1 {2}avg +\+ {2}sym=null +a=null\n$/);
  });

  it('pads short times to the width of an epoch-millisecond time', () => {
    const out = capture();
    const w = tableWriter(new ByteSink(out.stream), [{ name: 'stmt-1', columns: ['n'] }]);
    send(w, 'stmt-1', 5, [{ n: 1 }], null);
    w.end();
    expect(out.text()).toBe('            5  stmt-1  +  n=1\n');
  });

  it('shortens doubles for reading only', () => {
    expect(
      [1 / 3, 100, 1e21, Number.NaN, Number.NEGATIVE_INFINITY, 'x', null, { a: 1 }].map(readableValue),
    ).toEqual(['0.33333333', '100', '1e+21', 'NaN', '-Infinity', 'x', 'null', '{"a":1}']);
  });
});

describe('createWriter', () => {
  it('has a writer for every format', () => {
    for (const format of OUTPUT_FORMATS) {
      const out = capture();
      const w = createWriter(format, new ByteSink(out.stream), STATEMENTS);
      send(w, 'avg', 1, [{ sym: 'A', a: 2 }], null);
      w.end();
      expect(out.text()).toContain('A');
    }
  });
});

describe('ByteSink', () => {
  it('hands bytes over in buffers of its capacity (the first one smaller), in order', () => {
    const out = capture();
    const b = new ByteSink(out.stream, 64 * 1024);
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 2000; i++) b.text(line); // 200,000 bytes
    expect(b.bytesWritten).toBe(200_000);
    expect(out.writes()).toBe(3); // the first 16 KiB buffer, two full 64 KiB ones
    b.flush();
    expect(out.text()).toBe(line.repeat(2000));
    expect(out.writes()).toBe(4); // and the rest
  });

  it('grows for a value larger than its capacity', () => {
    const out = capture();
    const b = new ByteSink(out.stream, 16);
    b.text('ab');
    b.jsonString('y'.repeat(100));
    b.flush();
    expect(out.text()).toBe(`ab"${'y'.repeat(100)}"`);
  });

  it('waits for a slow stream to drain when it holds too much', async () => {
    const out = capture({ highWaterMark: 1024, slow: true });
    const b = new ByteSink(out.stream, 1 << 20);
    for (let i = 0; i < 9; i++) {
      b.text('y'.repeat(1 << 20));
      b.flush();
    }
    expect(b.needsDrain).toBe(true);
    await b.drained();
    expect(out.stream.writableLength).toBe(0);
    expect(b.needsDrain).toBe(false);
    await b.drained(); // nothing pending: resolves at once
  });

  it('fills a buffer again once its stream is done with it (recycle), bytes unchanged', async () => {
    // A stream that is done with a chunk when its callback runs (later, as a file's is):
    // it copies the chunk then, so a buffer refilled too early would show in the text.
    const seen = new Set<ArrayBufferLike>();
    const copies: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        seen.add(chunk.buffer);
        setImmediate(() => {
          copies.push(Buffer.from(chunk));
          done();
        });
      },
    });
    const b = new ByteSink(stream, 4096, true);
    let expected = '';
    for (let i = 0; i < 3000; i++) {
      const line = `${i} ${'z'.repeat(i % 97)}\n`;
      expected += line;
      b.text(line);
      if (i % 40 === 0) await new Promise((r) => setImmediate(r));
    }
    b.flush();
    await new Promise<void>((done) => stream.end(done));
    expect(Buffer.concat(copies).toString()).toBe(expected);
    expect(b.bytesWritten).toBe(Buffer.byteLength(expected));
    // ~40 flushes, but only the buffers in flight at once were ever allocated.
    expect(seen.size).toBeLessThan(8);
  });

  it('recycles into a file stream: the file holds every byte in order', async () => {
    const { dir } = scratchDir();
    const path = join(dir, 'recycled.out');
    const stream = createWriteStream(path);
    const b = new ByteSink(stream, 1000, true);
    let expected = '';
    for (let i = 0; i < 20_000; i++) {
      const line = `{"n":${i}}\n`;
      expected += line;
      b.text(line);
    }
    b.flush();
    await new Promise<void>((done) => stream.end(done));
    expect(readFileSync(path, 'utf8')).toBe(expected);
  });
});
