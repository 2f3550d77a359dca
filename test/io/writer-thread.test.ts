/**
 * The writer thread (src/io/writer-thread.ts, write-worker.ts) against the single-threaded
 * writers: the same listener calls go to both, and the file the thread writes must hold
 * exactly the bytes the generated writer prints, in ndjson and csv. A tiny ring makes every
 * row, text and long text cross slot boundaries. The calls are the rows the engine really
 * produces on every conformance case, and rows built to hit each path of the wire (interned,
 * plain and long strings, escapes, lone surrogates, nested values, non-finite numbers, -0,
 * rows that are not written cell by cell, null rows, an odd time, more strings than are
 * interned).
 */
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { ByteSink } from '../../src/io/byte-sink.js';
import { createWriter } from '../../src/io/output-writer.js';
import type { StatementColumns } from '../../src/io/update-writer.js';
import { startWriterThread } from '../../src/io/writer-thread.js';
import { createEngine } from '../../src/runtime/engine.js';
import { readConformanceCase, replayCase } from '../support/conformance-case.js';
import { capture } from './capture.js';
import { scratchDir } from './temp-files.js';

const ROOT = join(import.meta.dirname, '..', 'conformance');
/** Rows, texts and long texts (over 1,024 characters) cross slot boundaries all the time. */
const TINY_RING = { slots: 3, items: 256, chars: 1024 };
/** For the conformance rows (millions of items): still many slots, fewer hand-overs. */
const SMALL_RING = { slots: 4, items: 4096, chars: 4096 };
const { dir } = scratchDir('weir-writer-thread-');

interface Call {
  readonly stmt: string;
  readonly time: number;
  readonly n: Row[] | null;
  readonly o: Row[] | null;
}

/** The statements and listener calls of one conformance case (statement names prefixed by the case). */
function caseCalls(name: string): { statements: StatementColumns[]; calls: Call[] } {
  const conformanceCase = readConformanceCase(join(ROOT, name));
  const engine = createEngine();
  engine.deploy(conformanceCase.epl);
  const calls: Call[] = [];
  const statements = engine.statements().map((h) => {
    const stmt = `${name}/${h.name}`;
    h.subscribe((n, o, ctx) => calls.push({ stmt, time: ctx.time, n, o }));
    return { name: stmt, columns: [...h.columns] };
  });
  replayCase(engine, conformanceCase);
  return { statements, calls };
}

/**
 * What the single-threaded generated writer prints for the calls, but for what it prints first
 * (the CSV header: the writer thread leaves it to the main thread).
 */
function printedHere(format: 'ndjson' | 'csv', statements: StatementColumns[], calls: Call[]): Buffer {
  const out = capture();
  const sink = new ByteSink(out.stream, 1 << 20);
  const writer = createWriter(format, sink, statements);
  const header = sink.pos;
  sink.pos = 0;
  expect(header > 0).toBe(format === 'csv');
  const byName = new Map(statements.map((s) => [s.name, writer.statement(s.name, s.columns)]));
  for (const c of calls) byName.get(c.stmt)?.(c.time, c.n, c.o);
  writer.end();
  return Buffer.from(out.text(), 'utf8');
}

/** What the writer thread writes into a file for the calls. */
async function printedByThread(
  format: 'ndjson' | 'csv',
  statements: StatementColumns[],
  calls: Call[],
  file: string,
  ring = TINY_RING,
): Promise<{ bytes: Buffer; length: number }> {
  const fd = openSync(file, 'w');
  const thread = startWriterThread({ fd, format, statements, ring });
  thread.begin(0);
  const byName = new Map(statements.map((s) => [s.name, thread.statement(s.name, s.columns)]));
  for (const c of calls) byName.get(c.stmt)?.(c.time, c.n, c.o);
  const length = thread.sync();
  thread.end();
  await thread.close();
  closeSync(fd);
  expect(thread.failure).toBeUndefined();
  return { bytes: readFileSync(file), length };
}

/** Where two outputs first differ, shown briefly ('' when they are the same). */
function firstDifference(actual: Buffer, expected: Buffer): string {
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  if (i === actual.length && i === expected.length) return '';
  const around = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, i - 80), i + 80).toString('utf8'));
  return `byte ${i} of ${actual.length} (expected ${expected.length}):\n  got      ${around(actual)}\n  expected ${around(expected)}`;
}

describe('the writer thread', () => {
  it('writes the bytes of the generated writers for the rows of every conformance case', async () => {
    const cases = readdirSync(ROOT)
      .filter((d) => existsSync(join(ROOT, d, 'query.epl')))
      .sort();
    const all = cases.map(caseCalls);
    expect(all.reduce((n, c) => n + c.calls.length, 0)).toBeGreaterThan(5_000);
    // ndjson: every case through one thread; csv: a hundred cases per thread (its header is
    // the union of its statements' columns, every record a cell per column).
    const groups = [
      { format: 'ndjson' as const, cases: all },
      ...Array.from({ length: Math.ceil(all.length / 100) }, (_, g) => ({
        format: 'csv' as const,
        cases: all.slice(g * 100, g * 100 + 100),
      })),
    ];
    for (const { format, cases: group } of groups) {
      const statements = group.flatMap((c) => c.statements);
      const calls = group.flatMap((c) => c.calls);
      const expected = printedHere(format, statements, calls);
      const file = join(dir, `conformance.${format}`);
      const { bytes, length } = await printedByThread(format, statements, calls, file, SMALL_RING);
      rmSync(file);
      expect(firstDifference(bytes, expected), format).toBe('');
      expect(bytes.equals(expected), format).toBe(true);
      expect(length).toBe(expected.length);
    }
  }, 120_000);

  it('writes every kind of value, row and string as the generated writers do', async () => {
    const statements = [
      { name: 'kv', columns: ['k', 'v'] },
      { name: 'odd "name",', columns: ['a', 'b', 'c'] },
    ];
    const long = 'L'.repeat(100);
    const huge = `H"${'h\n'.repeat(6000)}é`;
    const values: unknown[] = [
      0,
      -0,
      1.5,
      46.973333333333336,
      1e21,
      5e-324,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      'S1',
      '',
      ' padded ',
      'quote " and , comma',
      'line\nbreak\r',
      'tab\there',
      'é ü 日本',
      '\ud800 lone',
      'emoji 😀',
      long,
      huge,
      true,
      false,
      null,
      { nested: [1, 'x', null, Number.NaN] },
      [1, 2, 3],
    ];
    const calls: Call[] = [];
    let t = 1000;
    for (const v of values) {
      for (const w of values) {
        calls.push({ stmt: 'kv', time: t++, n: [{ k: v, v: w }], o: null });
      }
      // Rows not written cell by cell: another key order, an extra key, an undefined value, a null row.
      calls.push({
        stmt: 'kv',
        time: t++,
        n: [
          { v, k: 'swapped' },
          { k: v, v: 1, extra: 2 },
          { k: v, v: undefined },
        ],
        o: [null as unknown as Row, { k: v, v: v }],
      });
      calls.push({
        stmt: 'odd "name",',
        time: t,
        n: [{ a: v, b: long, c: huge }],
        o: [{ a: 1, b: v, c: null }],
      });
    }
    // A time that is not finite, and more distinct strings than are interned.
    calls.push({ stmt: 'kv', time: Number.POSITIVE_INFINITY, n: [{ k: 'x', v: 1 }], o: [{ k: 'y', v: 2 }] });
    const many: Row[] = [];
    for (let i = 0; i < 70_000; i++) many.push({ k: `s${i}`, v: i });
    calls.push({ stmt: 'kv', time: t + 1, n: many, o: null });
    for (const format of ['ndjson', 'csv'] as const) {
      const expected = printedHere(format, statements, calls);
      const file = join(dir, `values.${format}`);
      const { bytes, length } = await printedByThread(format, statements, calls, file);
      rmSync(file);
      expect(firstDifference(bytes, expected), format).toBe('');
      expect(bytes.equals(expected), format).toBe(true);
      expect(length).toBe(expected.length);
    }
  }, 60_000);

  it('says at each sync how long the output is, with exactly that much in the file', async () => {
    const statements = [{ name: 'q', columns: ['symbol', 'avg'] }];
    const file = join(dir, 'sync.ndjson');
    const fd = openSync(file, 'w');
    const thread = startWriterThread({ fd, format: 'ndjson', statements });
    thread.begin(0);
    const write = thread.statement('q', ['symbol', 'avg']);
    const here = capture();
    const sink = new ByteSink(here.stream);
    const mirror = createWriter('ndjson', sink, statements).statement('q', ['symbol', 'avg']);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20_000 * round; i++) {
        const n = [{ symbol: `S${i % 100}`, avg: i / 7 }];
        write(i, n, null);
        mirror(i, n, null);
      }
      const length = thread.sync();
      sink.flush();
      expect(length).toBe(sink.bytesWritten);
      expect(readFileSync(file).length).toBe(length);
    }
    thread.end();
    await thread.close();
    closeSync(fd);
    expect(readFileSync(file).toString()).toBe(here.text());
    rmSync(file);
  }, 60_000);

  it.runIf(existsSync('/dev/full'))(
    'reports a write error and goes on taking rows without blocking the engine',
    async () => {
      const fd = openSync('/dev/full', 'w');
      const statements = [{ name: 'q', columns: ['k'] }];
      const thread = startWriterThread({ fd, format: 'csv', statements });
      thread.begin(0);
      const write = thread.statement('q', ['k']);
      // Far more than the ring holds: a thread that stopped taking rows would block this loop.
      for (let i = 0; i < 300_000; i++) write(i, [{ k: `key ${i}` }], null);
      thread.sync();
      expect(thread.failure).toMatch(/^ENOSPC: no space left on device/);
      for (let i = 0; i < 1000; i++) write(i, [{ k: 'more' }], null);
      thread.end();
      await thread.close();
      closeSync(fd);
    },
    60_000,
  );
});
