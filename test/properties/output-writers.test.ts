/**
 * The generated row writers and the byte-level formatting under them against the generic
 * serialisers they replace: String(n) for numbers, JSON.stringify for strings, toJson for
 * rows (non-finite numbers as strings), csvCell for CSV cells. Random numbers, strings
 * (any UTF-16, lone surrogates included) and rows (any keys, extra and missing properties,
 * undefined, nested values) must come out byte for byte the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { ByteSink } from '../../src/io/byte-sink.js';
import { csvCell, csvWriter } from '../../src/io/csv-writer.js';
import { toJson } from '../../src/io/json-line.js';
import { ndjsonWriter } from '../../src/io/ndjson-writer.js';
import { capture } from '../io/capture.js';

function written(fill: (sink: ByteSink) => void): string {
  const out = capture();
  // A small capacity, so values also cross buffer boundaries.
  const sink = new ByteSink(out.stream, 64);
  fill(sink);
  sink.flush();
  return out.text();
}

/** Doubles as events and aggregates produce them, and any double at all. */
const numbers = fc.oneof(
  fc.double(),
  fc.integer().map((c) => c / 100),
  fc.integer({ min: -1e6, max: 1e6 }).map((c) => c / 7),
  fc.maxSafeInteger(),
  fc.integer(),
  // Epoch milliseconds, and integers beyond 32 bits next to multiples of 10^8 (written in two halves).
  fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
  fc
    .tuple(fc.integer({ min: 21, max: 90_071_992 }), fc.integer({ min: -2, max: 2 }), fc.boolean())
    .map(([k, d, negative]) => (negative ? -1 : 1) * (k * 1e8 + d)),
  fc.constantFrom(2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 31 + 1, -(2 ** 31) - 1),
  fc.constantFrom(0, -0, 1e-6, 1e-7, 9.999999e-7, 1e15, 1e15 - 1, 1e21, 1e-21, 2 ** 31, -(2 ** 31), 2 ** 53),
  fc
    .tuple(fc.integer({ min: 1, max: 999_999_999 }), fc.integer({ min: -25, max: 25 }))
    .map(([m, e]) => m * 10 ** e),
);

const strings = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '',
    ' ',
    ' pad',
    'pad ',
    'a,b',
    'say "hi"',
    'two\nlines',
    '\t',
    'é',
    '\ud800',
    'x'.repeat(300),
  ),
);

const scalars = fc.oneof(numbers, strings, fc.boolean(), fc.constant(null));
const values = fc.oneof(
  { weight: 5, arbitrary: scalars },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.array(scalars, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 3 }), scalars, { maxKeys: 2 }) },
);

const keys = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('avg(price)', 'a', 'b', '0', '__proto__x'),
);

describe('ByteSink formatting', () => {
  it('writes every number as String does', () => {
    fc.assert(
      fc.property(numbers, (n) => {
        expect(written((s) => s.number(n))).toBe(String(n));
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes every number as toJson does in JSON', () => {
    fc.assert(
      fc.property(
        fc.oneof(numbers, fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)),
        (n) => {
          expect(written((s) => s.jsonNumber(n))).toBe(toJson(n));
        },
      ),
    );
  });

  it('writes every string as JSON.stringify does', () => {
    fc.assert(
      fc.property(strings, (v) => {
        expect(written((s) => s.jsonString(v))).toBe(JSON.stringify(v));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('generated ndjson writer', () => {
  it('writes each row exactly as toJson would, whatever its shape', () => {
    const columnsAndRows = fc.uniqueArray(keys, { maxLength: 5 }).chain((columns) =>
      fc.tuple(
        fc.constant(columns),
        fc.array(
          fc.oneof(
            // Rows of the statement's shape (the fast path) …
            fc
              .tuple(...columns.map(() => values))
              .map((vs) => Object.fromEntries(columns.map((c, i) => [c, vs[i]]))),
            // … and of any other shape (the fallback).
            fc.dictionary(keys, values, { maxKeys: 5 }),
          ),
          { maxLength: 4 },
        ),
      ),
    );
    fc.assert(
      fc.property(columnsAndRows, fc.integer(), fc.boolean(), ([columns, rows], time, old) => {
        const text = written((sink) => {
          const write = ndjsonWriter(sink).statement('s"1', columns);
          write(time, old ? null : rows, old ? rows : null);
        });
        const stream = old ? 'old' : 'new';
        const expected = rows.map(
          (r) => `{"stmt":"s\\"1","time":${time},"stream":"${stream}","row":${toJson(r)}}\n`,
        );
        expect(text).toBe(expected.join(''));
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('generated csv writer', () => {
  it('writes each record as csvCell over the union of columns would', () => {
    const statements = fc.tuple(
      fc.uniqueArray(keys, { minLength: 1, maxLength: 4 }),
      fc.uniqueArray(keys, { maxLength: 4 }),
    );
    fc.assert(
      fc.property(
        statements,
        fc.array(fc.dictionary(keys, values, { maxKeys: 6 }), { maxLength: 4 }),
        numbers,
        ([a, b], rows, time) => {
          const union = [...a, ...b.filter((c) => !a.includes(c))];
          const text = written((sink) => {
            const writer = csvWriter(sink, [
              { name: 'first', columns: a },
              { name: 'second', columns: b },
            ]);
            writer.statement('second', b)(time, rows as Row[], null);
          });
          const header = `${['stmt', 'time', 'stream', ...union].map(csvCell).join(',')}\n`;
          const records = rows.map(
            (r) =>
              `second,${String(time)},new${union.map((c) => `,${b.includes(c) ? csvCell(r[c]) : ''}`).join('')}\n`,
          );
          // Compared as UTF-8, as the file holds it (a lone surrogate becomes U+FFFD either way).
          expect(text).toBe(Buffer.from(header + records.join('')).toString('utf8'));
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
