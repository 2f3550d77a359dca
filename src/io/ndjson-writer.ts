/**
 * One JSON line per output row, for piping into other tools:
 *
 *   {"stmt":"id","time":1000,"stream":"new","row":{…}}
 *
 * A listener call's insert-stream rows come first, then its remove-stream rows. The row is
 * exactly what toJson (JSON.stringify, non-finite numbers as strings) writes for it.
 *
 * The writer is generated per statement from its output columns: the line's constant parts
 * (the statement's opening, `"stream":"new","row":{"symbol":`, each later `,"key":`) are
 * literals in the generated code, stored at the buffer position a word at a time, and only
 * the values are formatted, straight into the output buffer: integers and decimals of up to
 * four places by the generated code itself, anything else through the sink (line-code.ts,
 * which also says why a line makes room for itself once). A row is written that way when its own keys are the statement's columns in order and none is
 * undefined (JSON would leave that key out); any other row (an open schema's extra
 * properties, a pass-through event of another shape) goes through toJson, so the text is
 * the same either way.
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
import {
  BIG_LINE,
  BIG_ROW_JSON,
  LINE,
  ROW_JSON,
  type RingReader,
  type RingWriter,
  rowTag,
  wireCell,
} from './row-wire.js';
import type { RowsWriter, UpdateWriter } from './update-writer.js';

type GeneratedRows = (time: number, rows: Row[], isNew: boolean) => void;

/**
 * The generated code of one statement's line (line-code.ts: constants stored as literals,
 * numbers in place, room made once), with each value written by `value(column)`, a part of
 * the line; the generated function's `isNew` says which stream the row is in.
 */
function lineCode(name: string, columns: readonly string[], value: (column: string) => LinePart) {
  const constant = (text: string): LinePart => ({ bytes: bytesOf(text) });
  const first = columns.length === 0 ? '{' : `{${JSON.stringify(columns[0])}:`;
  const openNew = bytesOf(`,"stream":"new","row":${first}`);
  const openOld = bytesOf(`,"stream":"old","row":${first}`);
  const parts: LinePart[] = [{ bytes: openingOf(name) }, TIME_PART, streamPart(openNew, openOld)];
  columns.forEach((c, i) => {
    if (i > 0) parts.push(constant(`,${JSON.stringify(c)}:`));
    parts.push(value(c));
  });
  parts.push(constant('}}\n'));
  return `let b, v, p;
    ${partsCode(parts)}
    s.pos = p;`;
}

/**
 * A cell as s.json writes it: numbers as String does (jsonNumber for the shapes numberCode
 * leaves: non-finite numbers are strings), strings by jsonString, anything else by json.
 */
const jsonValue = (read: string) =>
  valuePart(read, { number: 's.jsonNumber(x)', string: 's.jsonString(x)', other: 's.json(x)' });

/** A line's opening, `{"stmt":<name>,"time":`. */
const openingOf = (name: string) => bytesOf(`{"stmt":${JSON.stringify(name)},"time":`);

/** What a row that is not written cell by cell is framed with (as toJson writes the row). */
const FRAME = {
  streamNew: bytesOf(',"stream":"new","row":'),
  streamOld: bytesOf(',"stream":"old","row":'),
  closeOne: bytesOf('}\n'),
};

/**
 * The code that says whether a row is written cell by cell: its own keys are the columns, in
 * order (for…in visits own enumerable string keys in JSON.stringify's order; rows are plain
 * objects), and none is undefined (JSON leaves it out).
 */
function fitsCode(columns: readonly string[]): string {
  return `function fits(r) {
  let i = 0;
  for (const k in r) { if (k !== c[i]) return false; i++; }
  return i === ${columns.length}${columns.map((c) => ` && r[${JSON.stringify(c)}] !== undefined`).join('')};
}`;
}

/**
 * A statement's row writer: each row whose keys are the columns is written as the opening,
 * the time, `,"stream":"new","row":{"first":` (or old), each value and the next key, `}}`;
 * any other row through toJson.
 */
function generateRows(sink: ByteSink, name: string, columns: readonly string[]): GeneratedRows {
  const line = lineCode(name, columns, (c) => jsonValue(`r[${JSON.stringify(c)}]`));
  const body = `
${fitsCode(columns)}
return function writeRows(time, rows, isNew) {
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j];
    if (!fits(r)) {
      s.raw(opening);
      s.number(time);
      s.raw(isNew ? streamNew : streamOld);
      s.text(toJson(r));
      s.raw(closeOne);
      continue;
    }
    ${line}
  }
};`;
  return new Function('s', 'opening', 'c', 'streamNew', 'streamOld', 'closeOne', 'toJson', 'intDigits', body)(
    sink,
    openingOf(name),
    columns,
    FRAME.streamNew,
    FRAME.streamOld,
    FRAME.closeOne,
    toJson,
    intDigits,
  ) as GeneratedRows;
}

/** The line of a row written at a time that is not finite (never the engine's clock), as toJson would write it. */
function oddTimeLine(name: string, time: number, stream: 'new' | 'old', row: Row): string {
  return `{"stmt":${JSON.stringify(name)},"time":"${time}","stream":"${stream}","row":${toJson(row)}}\n`;
}

function statementWriter(sink: ByteSink, name: string, columns: readonly string[]): RowsWriter {
  const rows = generateRows(sink, name, columns);
  return (time, n, o) => {
    // A time is finite (the engine's clock); anything else is written as toJson would.
    if (time - time !== 0) {
      for (const row of n ?? []) sink.text(oddTimeLine(name, time, 'new', row));
      for (const row of o ?? []) sink.text(oddTimeLine(name, time, 'old', row));
      return;
    }
    if (n !== null && n.length > 0) rows(time, n, true);
    if (o !== null && o.length > 0) rows(time, o, false);
  };
}

export function ndjsonWriter(sink: ByteSink): UpdateWriter {
  return {
    statement: (name, columns) => statementWriter(sink, name, columns),
    end: () => sink.flush(),
  };
}

type EncodeRows = (time: number, rows: Row[], tag: number) => void;

/**
 * With a writer thread, the main thread's half of a statement's writer: each row as the wire
 * carries it (row-wire.ts), read back by ndjsonWireWriter into the same bytes: a row that
 * fits as its cells, any other row as its toJson text (framed there as above), a row at an
 * odd time as its whole line. A cell that is not a number, string, boolean or null travels as
 * the text s.json writes for it.
 */
export function ndjsonEncoder(
  out: RingWriter,
  statement: number,
  name: string,
  columns: readonly string[],
): RowsWriter {
  const cells = columns.map((c) => `w.cell(r[${JSON.stringify(c)}], toJson);`).join('\n    ');
  const body = `
${fitsCode(columns)}
return function encodeRows(time, rows, tag) {
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j];
    w.item(tag, time);
    if (!fits(r)) {
      w.text(ROW_JSON, toJson(r));
      continue;
    }
    ${cells}
  }
};`;
  const encode = new Function('w', 'c', 'toJson', 'ROW_JSON', body)(
    out,
    columns,
    toJson,
    ROW_JSON,
  ) as EncodeRows;
  const newTag = rowTag(statement, false);
  const oldTag = rowTag(statement, true);
  return (time, n, o) => {
    if (time - time !== 0) {
      for (const [rows, tag, stream] of [
        [n, newTag, 'new'],
        [o, oldTag, 'old'],
      ] as const) {
        for (const row of rows ?? []) {
          out.item(tag, time);
          out.text(LINE, oddTimeLine(name, time, stream, row));
        }
      }
      return;
    }
    if (n !== null && n.length > 0) encode(time, n, newTag);
    if (o !== null && o.length > 0) encode(time, o, oldTag);
  };
}

/** The writer thread's half: writes one row read from the wire. */
export type WireRowWriter = (time: number, isNew: boolean, r: RingReader) => void;

/** One cell from the wire, as s.json writes the value it stands for. */
const jsonCell = wireCell({
  number: (s, n) => s.jsonNumber(n),
  string: (s, text) => s.jsonString(text),
  boolean: (s, b) => s.json(b),
  null: (s) => s.json(null),
});

/** The writer thread's ndjson: per statement, the generated line of generateRows with its values read from the wire. */
export function ndjsonWireWriter(sink: ByteSink): {
  statement(name: string, columns: readonly string[]): WireRowWriter;
} {
  return {
    statement: (name, columns) => {
      const line = lineCode(name, columns, () => ({ room: 0, code: (rest) => callCode('cell(s, r)', rest) }));
      const body = `
return function writeRow(time, isNew, r) {
  const i = r.next();
  const tag = r.tags[i];
  if (tag === LINE || tag === BIG_LINE) {
    s.text(r.text(i));
    return;
  }
  if (tag === ROW_JSON || tag === BIG_ROW_JSON) {
    s.raw(opening);
    s.number(time);
    s.raw(isNew ? streamNew : streamOld);
    s.text(r.text(i));
    s.raw(closeOne);
    return;
  }
  r.i = i;
  ${line}
};`;
      return new Function(
        's',
        'opening',
        'intDigits',
        'cell',
        'streamNew',
        'streamOld',
        'closeOne',
        'LINE',
        'BIG_LINE',
        'ROW_JSON',
        'BIG_ROW_JSON',
        body,
      )(
        sink,
        openingOf(name),
        intDigits,
        jsonCell,
        FRAME.streamNew,
        FRAME.streamOld,
        FRAME.closeOne,
        LINE,
        BIG_LINE,
        ROW_JSON,
        BIG_ROW_JSON,
      ) as WireRowWriter;
    },
  };
}
