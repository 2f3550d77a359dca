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
 * A statement's row writer: each row whose keys are the columns is written as the opening,
 * the time, `,"stream":"new","row":{"first":` (or old), each value and the next key, `}}`;
 * any other row through toJson.
 */
function generateRows(sink: ByteSink, name: string, columns: readonly string[]): GeneratedRows {
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
    (c, i) =>
      `${i === 0 ? '' : constant(`,${JSON.stringify(c)}:`)}\n      ${valueCode(`s.json(r[${JSON.stringify(c)}])`)}`,
  );
  const close = constant('}}\n');
  // The row's own keys are the columns, in order (for…in visits own enumerable string keys in
  // JSON.stringify's order; rows are plain objects), and none is undefined (JSON leaves it out).
  const fits = [
    'let i = 0;',
    'for (const k in r) { if (k !== c[i]) return false; i++; }',
    `return i === ${columns.length}${columns.map((c) => ` && r[${JSON.stringify(c)}] !== undefined`).join('')};`,
  ].join('\n');
  const body = `
const { ${Object.keys(constants).join(', ')} } = constants;
const openingBytes = k0;
function fits(r) {
${fits}
}
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
    let b = s.buf;
    let p = s.pos;
    ${opening}
    ${valueCode('s.number(time)')}
    if (isNew) { ${openNew} } else { ${openOld} }
    ${values.join('\n    ')}
    ${close}
    s.pos = p;
  }
};`;
  return new Function('s', 'constants', 'c', 'streamNew', 'streamOld', 'closeOne', 'toJson', body)(
    sink,
    constants,
    columns,
    bytesOf(',"stream":"new","row":'),
    bytesOf(',"stream":"old","row":'),
    bytesOf('}\n'),
    toJson,
  ) as GeneratedRows;
}

function statementWriter(sink: ByteSink, name: string, columns: readonly string[]): RowsWriter {
  const rows = generateRows(sink, name, columns);
  return (time, n, o) => {
    // A time is finite (the engine's clock); anything else is written as toJson would.
    if (time - time !== 0) {
      for (const [list, stream] of [
        [n, 'new'],
        [o, 'old'],
      ] as const) {
        for (const row of list ?? [])
          sink.text(
            `{"stmt":${JSON.stringify(name)},"time":"${time}","stream":"${stream}","row":${toJson(row)}}\n`,
          );
      }
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
