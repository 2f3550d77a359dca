/**
 * A CSV line parser generated from the file's header and the event type's schema: the
 * columns, their order and their types are known once the header is read, so each cell is
 * read straight from the bytes by its type (numbers by the same inline code as the NDJSON
 * parser, short ASCII strings from the shared cache) and the event is built with one object
 * literal, without a string per line, a split, or a regular expression per cell.
 *
 * It reads only the plainest spelling of each cell and decides nothing the general path
 * (CsvRecords.item over the line's text split at commas) would decide differently:
 *
 *   int, long   -?digits (at most 15), the value Number() gives;
 *   double      the JSON number grammar (a subset of what the general path accepts, with the
 *               value Number() gives), read inline when it has at most 15 digits;
 *   boolean     `true` or `false`;
 *   string      any bytes but a comma, quote, CR or LF, decoded as UTF-8 (an ASCII comma never
 *               occurs inside a multi-byte sequence, so decoding cell by cell gives what
 *               decoding the line and splitting it gives);
 *   empty cell  null, for every type.
 *
 * On anything else (a sign or spaces around a number, `TRUE`, a value that is no value of its
 * type, a quote or CR, too few or too many cells, a blank line) it answers undefined and the
 * reader takes the line the general way, so records, errors and their messages are the same.
 */
import type { EventSchemaInfo } from '../runtime/api.js';
import type { EventRecord } from './event-record.js';
import { CSV_ROW } from './event-wire.js';
import { type Cursor, EXACT_POW10, readNumber, textOf } from './json-bytes.js';
import { type WireRowSink, numberCode } from './schema-line-parser.js';

type PropertyType = EventSchemaInfo['properties'][number]['type'];

/**
 * Parses the line starting at `start`; on success `cursor.pos` is the index of its `\n`.
 * `end` bounds the bytes that may be read (a line running into it is not read).
 */
export type CsvLineParser = (
  b: Buffer,
  start: number,
  end: number,
  cursor: Cursor,
  line: number,
) => EventRecord | undefined;

/**
 * The same parser in wire mode (the read worker): the record is appended to a
 * WireBatchBuilder as a CSV_ROW row (its values in the header's order) instead of built as
 * an object, and the answer is true.
 */
export type CsvWireLineParser = (
  b: Buffer,
  start: number,
  end: number,
  cursor: Cursor,
  line: number,
) => true | undefined;

const COMMA = 44;
const NEWLINE = 10;

/** Code reading one cell of `type` into `v`; p is left on the byte after the cell. */
function cellCode(v: string, type: PropertyType): string {
  const empty = `if (b[p] === ${COMMA} || b[p] === ${NEWLINE}) ${v} = null;`;
  switch (type) {
    case 'int':
    case 'long':
      return `${empty} else {
        let q = p, neg = false, c = b[q];
        if (c === 45) { neg = true; c = b[++q]; }
        if (!(c >= 48 && c <= 57)) return undefined;
        let m = c - 48, n = 1;
        c = b[++q];
        while (c >= 48 && c <= 57) { m = m * 10 + (c - 48); n++; c = b[++q]; }
        if (n > 15 || q >= end) return undefined;
        ${v} = neg ? -m : m;
        p = q;
      }`;
    case 'double':
      return `${empty} else if (b[p] === 45 || (b[p] >= 48 && b[p] <= 57)) ${numberCode(v)} else return undefined;`;
    case 'boolean':
      return `${empty}
        else if (p + 4 <= end && b[p] === 116 && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101) { ${v} = true; p += 4; }
        else if (p + 5 <= end && b[p] === 102 && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101) { ${v} = false; p += 5; }
        else return undefined;`;
    case 'string':
    case 'any':
      return `{
        const s = p;
        let h = 0, ascii = true, c = b[p];
        while (p < end && c !== ${COMMA} && c !== ${NEWLINE}) {
          if (c === 34 || c === 13) return undefined;
          if (c >= 128) ascii = false;
          h = (h * 31 + c) | 0;
          c = b[++p];
        }
        ${v} = p === s ? null : textOf(b, s, p, ascii, h);
      }`;
  }
}

/** A header name an object literal takes as a plain property, in the position assignment would give it. */
function isPlainColumn(name: string): boolean {
  return name !== '__proto__' && !/^\d+$/.test(name);
}

/** Code appending cell `v` of `type` to the wire builder W. */
function wireValueCode(v: string, type: PropertyType): string {
  switch (type) {
    case 'int':
    case 'long':
    case 'double':
      return `W.number(${v});`;
    case 'string':
    case 'any':
      return `W.string(${v});`;
    case 'boolean':
      return `W.scalar(${v});`;
  }
}

/**
 * The parser for records under `header` (trimmed names; a column the schema does not declare
 * is a string), or undefined when the header has a repeated or unusual name (then every line
 * goes the general way).
 */
export function makeCsvLineParser(
  header: readonly string[],
  typeOf: ReadonlyMap<string, PropertyType>,
  type: string,
  timeField: string,
  file: string,
): CsvLineParser | undefined {
  return generate(header, typeOf, type, timeField, file, undefined) as CsvLineParser | undefined;
}

/** The wire-mode parser for records under `header`, appending to `sink` (a WireBatchBuilder). */
export function makeCsvWireLineParser(
  header: readonly string[],
  typeOf: ReadonlyMap<string, PropertyType>,
  type: string,
  timeField: string,
  file: string,
  sink: WireRowSink,
): CsvWireLineParser | undefined {
  return generate(header, typeOf, type, timeField, file, sink) as CsvWireLineParser | undefined;
}

function generate(
  header: readonly string[],
  typeOf: ReadonlyMap<string, PropertyType>,
  type: string,
  timeField: string,
  file: string,
  sink: WireRowSink | undefined,
): CsvLineParser | CsvWireLineParser | undefined {
  if (header.length === 0 || new Set(header).size !== header.length || !header.every(isPlainColumn))
    return undefined;
  const lines = [`if (start >= end || b[start] === ${NEWLINE}) return undefined;`, 'let p = start;'];
  header.forEach((name, i) => {
    lines.push(`let v${i};`, cellCode(`v${i}`, typeOf.get(name) ?? 'string'));
    const separator = i === header.length - 1 ? NEWLINE : COMMA;
    lines.push(`if (p >= end || b[p] !== ${separator}) return undefined;`);
    if (separator === COMMA) lines.push('p++;');
  });
  lines.push('cursor.pos = p;');
  const t = header.indexOf(timeField);
  lines.push(t < 0 ? 'const ts = undefined;' : `const ts = typeof v${t} === 'number' ? v${t} : undefined;`);
  if (sink === undefined) {
    const event = header.map((name, i) => `${JSON.stringify(name)}: v${i}`).join(', ');
    lines.push(`return { type: TYPE, timestamp: ts, event: { ${event} }, file: FILE, line };`);
  } else {
    lines.push(`W.row(${CSV_ROW}, line, ts === undefined ? NaN : ts, ${header.length});`);
    header.forEach((name, i) => lines.push(wireValueCode(`v${i}`, typeOf.get(name) ?? 'string')));
    lines.push('return true;');
  }
  return new Function(
    'readNumber',
    'textOf',
    'P10',
    'TYPE',
    'FILE',
    'W',
    `return function parseCsvLine(b, start, end, cursor, line) {\n${lines.join('\n')}\n};`,
  )(readNumber, textOf, EXACT_POW10, type, file, sink) as CsvLineParser | CsvWireLineParser;
}
