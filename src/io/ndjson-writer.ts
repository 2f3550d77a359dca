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
 * byte literals in the generated code, stored at the buffer position without a loop, and only
 * the values are formatted, straight into the output buffer. A row
 * is written that way when its own keys are the statement's columns in order and none is
 * undefined (JSON would leave that key out); any other row (an open schema's extra
 * properties, a pass-through event of another shape) goes through toJson, so the text is
 * the same either way.
 */
import type { Row } from '../common/row.js';
import { type ByteSink, bytesOf } from './byte-sink.js';
import { toJson } from './json-line.js';
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

/** Constants longer than this are copied with set(); shorter ones are stored byte by byte. */
const INLINE_BYTES = 64;

/**
 * Code that writes constant bytes at p (making room first) and advances p. The bytes are
 * literals in the generated code: no loop, no load from a source array.
 */
function storeCode(bytes: Uint8Array, name: string): string {
  const room = `if (p + ${bytes.length} > b.length) { s.pos = p; s.reserve(${bytes.length}); b = s.buf; p = s.pos; }`;
  if (bytes.length > INLINE_BYTES) return `${room} b.set(${name}, p); p += ${bytes.length};`;
  const stores = Array.from(bytes, (c, i) => `b[p${i === 0 ? '' : ` + ${i}`}] = ${c};`).join(' ');
  return `${room} ${stores} p += ${bytes.length};`;
}

/** Code that writes a value through the sink (which makes its own room) and takes p back. */
const valueCode = (value: string) => `s.pos = p; ${value}; b = s.buf; p = s.pos;`;

/**
 * The generated code of one statement's lines: the constants (byte literals) and the code
 * that writes each part of a line, with each value written by `value(column)`.
 */
function lineCode(name: string, columns: readonly string[], value: (column: string) => string) {
  const constants: Record<string, Uint8Array> = {};
  const constant = (text: string) => {
    const id = `k${Object.keys(constants).length}`;
    constants[id] = bytesOf(text);
    return storeCode(constants[id] as Uint8Array, id);
  };
  const opening = constant(`{"stmt":${JSON.stringify(name)},"time":`);
  const first = columns.length === 0 ? '{' : `{${JSON.stringify(columns[0])}:`;
  const openNew = constant(`,"stream":"new","row":${first}`);
  const openOld = constant(`,"stream":"old","row":${first}`);
  const values = columns.map(
    (c, i) => `${i === 0 ? '' : constant(`,${JSON.stringify(c)}:`)}\n      ${valueCode(value(c))}`,
  );
  const close = constant('}}\n');
  const line = (isNew: string) => `let b = s.buf;
    let p = s.pos;
    ${opening}
    ${valueCode('s.number(time)')}
    if (${isNew}) { ${openNew} } else { ${openOld} }
    ${values.join('\n    ')}
    ${close}
    s.pos = p;`;
  return { constants, line, names: `const { ${Object.keys(constants).join(', ')} } = constants;` };
}

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
  const code = lineCode(name, columns, (c) => `s.json(r[${JSON.stringify(c)}])`);
  const body = `
${code.names}
const openingBytes = k0;
${fitsCode(columns)}
return function writeRows(time, rows, isNew) {
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j];
    if (!fits(r)) {
      s.raw(openingBytes);
      s.number(time);
      s.raw(isNew ? streamNew : streamOld);
      s.text(toJson(r));
      s.raw(closeOne);
      continue;
    }
    ${code.line('isNew')}
  }
};`;
  return new Function('s', 'constants', 'c', 'streamNew', 'streamOld', 'closeOne', 'toJson', body)(
    sink,
    code.constants,
    columns,
    FRAME.streamNew,
    FRAME.streamOld,
    FRAME.closeOne,
    toJson,
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
      const code = lineCode(name, columns, () => 'cell(s, r)');
      const body = `
${code.names}
const openingBytes = k0;
return function writeRow(time, isNew, r) {
  const i = r.next();
  const tag = r.tags[i];
  if (tag === LINE || tag === BIG_LINE) {
    s.text(r.text(i));
    return;
  }
  if (tag === ROW_JSON || tag === BIG_ROW_JSON) {
    s.raw(openingBytes);
    s.number(time);
    s.raw(isNew ? streamNew : streamOld);
    s.text(r.text(i));
    s.raw(closeOne);
    return;
  }
  r.i = i;
  ${code.line('isNew')}
};`;
      return new Function(
        's',
        'constants',
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
        code.constants,
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
