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
 * of other statements' columns are prepared bytes, and each value is written straight into
 * the output buffer (csvCell's text, without a string per cell).
 */
import type { Row } from '../common/row.js';
import { type ByteSink, bytesOf } from './byte-sink.js';
import { toJson } from './json-line.js';
import type { RowsWriter, StatementColumns, UpdateWriter } from './update-writer.js';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? toJson(value) : String(value);
  if (text === '') return '""';
  return NEEDS_QUOTES.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

const COMMA = 0x2c;
const TRUE = bytesOf('true');
const FALSE = bytesOf('false');

/** One cell as csvCell writes it. */
export function writeCsvCell(sink: ByteSink, v: unknown): void {
  switch (typeof v) {
    case 'number':
      sink.number(v);
      return;
    case 'boolean':
      sink.raw(v ? TRUE : FALSE);
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

type GeneratedRecords = (time: number, rows: Row[], stream: Uint8Array) => void;

/**
 * Per union column, the statement's column read there (or an empty cell). Runs of empty
 * cells become one prepared run of commas.
 */
function generateRecords(
  sink: ByteSink,
  name: string,
  union: readonly string[],
  columns: readonly string[],
): GeneratedRecords {
  const constants: Uint8Array[] = [];
  const constant = (text: string) => {
    constants.push(bytesOf(text));
    return `s.raw(k[${constants.length - 1}]);`;
  };
  const lines: string[] = [];
  let commas = '';
  for (const c of union) {
    commas += ',';
    if (!columns.includes(c)) continue;
    lines.push(constant(commas), `cell(s, r[${JSON.stringify(c)}]);`);
    commas = '';
  }
  lines.push(constant(`${commas}\n`));
  const opening = bytesOf(`${csvCell(name)},`);
  const body = `return function writeRecords(time, rows, stream) {
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j] ?? none;
    s.raw(opening);
    s.number(time);
    s.raw(stream);
    ${lines.join('\n    ')}
  }
};`;
  // A null row (Esper posts some in output-snapshot cases) has empty cells, as nulls do.
  return new Function('s', 'opening', 'k', 'cell', 'none', body)(
    sink,
    opening,
    constants,
    writeCsvCell,
    {},
  ) as GeneratedRecords;
}

export function csvWriter(sink: ByteSink, statements: readonly StatementColumns[]): UpdateWriter {
  const union: string[] = [];
  for (const s of statements) for (const c of s.columns) if (!union.includes(c)) union.push(c);
  sink.text(`${['stmt', 'time', 'stream', ...union].map(csvCell).join(',')}\n`);
  const streamNew = bytesOf(',new');
  const streamOld = bytesOf(',old');
  return {
    statement: (name, columns): RowsWriter => {
      const records = generateRecords(sink, name, union, columns);
      return (time, n, o) => {
        if (n !== null) records(time, n, streamNew);
        if (o !== null) records(time, o, streamOld);
      };
    },
    end: () => sink.flush(),
  };
}
