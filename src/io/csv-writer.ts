/**
 * CSV output: one header `stmt,time,stream,<columns>` where the columns are the union of
 * every statement's columns in statement order, then one record per row with empty cells
 * for the columns its statement lacks. One header keeps the file loadable by spreadsheets
 * and CSV tools even when several statements interleave.
 *
 * null is an empty cell; an empty string is `""` so the two stay distinguishable; objects
 * and arrays are written as JSON. A cell is quoted when it holds `"`, `,`, a line break, or
 * leading or trailing whitespace.
 *
 * The writer is generated per statement: the record's opening (`stmt,`) and the empty cells
 * of other statements' columns are literals of the generated code, and each value is written
 * straight into the output buffer (csvCell's text, without a string per cell): integers and
 * decimals of up to four places by the generated code itself (line-code.ts).
 */
import type { Row } from '../common/row.js';
import { type ByteSink, bytesOf } from './byte-sink.js';
import { toJson } from './json-line.js';
import {
  type LinePart,
  TIME_PART,
  callCode,
  intDigits,
  partsCode,
  streamPart,
  valuePart,
} from './line-code.js';
import type { WireRowWriter } from './ndjson-writer.js';
import { type RingReader, type RingWriter, rowTag, wireCell } from './row-wire.js';
import type { RowsWriter, StatementColumns, UpdateWriter } from './update-writer.js';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? toJson(value) : String(value);
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

const COMMA = 0x2c;
const TRUE_BYTES = bytesOf('true');
const FALSE_BYTES = bytesOf('false');

/** One cell as csvCell writes it. */
export function writeCsvCell(sink: ByteSink, v: unknown): void {
  switch (typeof v) {
    case 'number':
      sink.number(v);
      return;
    case 'boolean':
      sink.raw(v ? TRUE_BYTES : FALSE_BYTES);
      return;
    case 'string':
      writeCsvString(sink, v);
      return;
    default:
      if (v !== null && v !== undefined) sink.text(csvCell(v));
  }
}

/** Printable ASCII without `"` or `,` and without a space at either end is written as it is. */
function writeCsvString(sink: ByteSink, s: string): void {
  const n = s.length;
  if (n === 0 || n > 256 || s.charCodeAt(0) === 0x20 || s.charCodeAt(n - 1) === 0x20) {
    sink.text(csvCell(s));
    return;
  }
  sink.reserve(n);
  const b = sink.buf;
  let p = sink.pos;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === COMMA) {
      sink.text(csvCell(s));
      return;
    }
    b[p++] = c;
  }
  sink.pos = p;
}

const STREAM_NEW = bytesOf(',new');
const STREAM_OLD = bytesOf(',old');

type GeneratedRecords = (time: number, rows: Row[], isNew: boolean) => void;

/**
 * A statement's record as the parts of a generated line (line-code.ts): the opening, the
 * time, the stream, then per union column its commas and the statement's cell there, written
 * by `value(column)` (runs of other statements' empty cells become one run of commas).
 */
function recordParts(
  name: string,
  union: readonly string[],
  columns: readonly string[],
  value: (column: string) => LinePart,
): LinePart[] {
  const parts: LinePart[] = [
    { bytes: bytesOf(`${csvCell(name)},`) },
    TIME_PART,
    streamPart(STREAM_NEW, STREAM_OLD),
  ];
  let commas = '';
  for (const c of union) {
    commas += ',';
    if (!columns.includes(c)) continue;
    parts.push({ bytes: bytesOf(commas) }, value(c));
    commas = '';
  }
  parts.push({ bytes: bytesOf(`${commas}\n`) });
  return parts;
}

/** A cell as writeCsvCell writes it: numbers as String does, strings by writeCsvString, anything else by writeCsvCell. */
const csvValue = (read: string) =>
  valuePart(read, { number: 's.number(x)', string: 'string(s, x)', other: 'cell(s, x)' });

function generateRecords(
  sink: ByteSink,
  name: string,
  union: readonly string[],
  columns: readonly string[],
): GeneratedRecords {
  const body = `return function writeRecords(time, rows, isNew) {
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j] ?? none;
    let b, v, p;
    ${partsCode(recordParts(name, union, columns, (c) => csvValue(`r[${JSON.stringify(c)}]`)))}
    s.pos = p;
  }
};`;
  // A null row (Esper posts some in output-snapshot cases) has empty cells, as nulls do.
  return new Function('s', 'intDigits', 'string', 'cell', 'none', body)(
    sink,
    intDigits,
    writeCsvString,
    writeCsvCell,
    {},
  ) as GeneratedRecords;
}

/** The header: stmt, time, stream and the union of the statements' columns. */
function unionOf(statements: readonly StatementColumns[]): string[] {
  const union: string[] = [];
  for (const s of statements) for (const c of s.columns) if (!union.includes(c)) union.push(c);
  return union;
}

function writeHeader(sink: ByteSink, union: readonly string[]): void {
  sink.text(`${['stmt', 'time', 'stream', ...union].map(csvCell).join(',')}\n`);
}

export function csvWriter(sink: ByteSink, statements: readonly StatementColumns[]): UpdateWriter {
  const union = unionOf(statements);
  writeHeader(sink, union);
  return {
    statement: (name, columns): RowsWriter => {
      const records = generateRecords(sink, name, union, columns);
      return (time, n, o) => {
        if (n !== null) records(time, n, true);
        if (o !== null) records(time, o, false);
      };
    },
    end: () => sink.flush(),
  };
}

type EncodeRecords = (time: number, rows: Row[], tag: number) => void;

/**
 * With a writer thread, the main thread's half of a statement's CSV writer: each row as its
 * header item and its cells in the order the record writes them (row-wire.ts); a value that is
 * not a number, string, boolean or null travels as the text csvCell makes of it.
 */
export function csvEncoder(
  out: RingWriter,
  statement: number,
  statements: readonly StatementColumns[],
  columns: readonly string[],
): RowsWriter {
  // The statement's columns in the order its record writes their cells.
  const cells = unionOf(statements)
    .filter((c) => columns.includes(c))
    .map((c) => `w.cell(r[${JSON.stringify(c)}], csvCell);`)
    .join('\n    ');
  const body = `return function encodeRecords(time, rows, tag) {
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j] ?? none;
    w.item(tag, time);
    ${cells}
  }
};`;
  const encode = new Function('w', 'csvCell', 'none', body)(out, csvCell, {}) as EncodeRecords;
  const newTag = rowTag(statement, false);
  const oldTag = rowTag(statement, true);
  return (time, n, o) => {
    if (n !== null) encode(time, n, newTag);
    if (o !== null) encode(time, o, oldTag);
  };
}

/** One cell from the wire, as writeCsvCell writes the value it stands for. */
const csvWireCell = wireCell({
  number: (s, n) => s.number(n),
  string: (s, text) => writeCsvString(s, text),
  boolean: (s, b) => s.raw(b ? TRUE_BYTES : FALSE_BYTES),
  null: () => {},
});

/** The writer thread's CSV: the header, then per statement the record of generateRecords with its cells read from the wire. */
export function csvWireWriter(
  sink: ByteSink,
  statements: readonly StatementColumns[],
): { statement(name: string, columns: readonly string[]): WireRowWriter } {
  const union = unionOf(statements);
  writeHeader(sink, union);
  return {
    statement: (name, columns) => {
      const wireCell: LinePart = { room: 0, code: (rest) => callCode('cell(s, r)', rest) };
      const body = `return function writeRecord(time, isNew, r) {
  let b, v, p;
  ${partsCode(recordParts(name, union, columns, () => wireCell))}
  s.pos = p;
};`;
      return new Function('s', 'intDigits', 'cell', body)(sink, intDigits, csvWireCell) as WireRowWriter;
    },
  };
}
