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
 * prepared bytes, and only the values are formatted, straight into the output buffer. A row
 * is written that way when its own keys are the statement's columns in order and none is
 * undefined (JSON would leave that key out); any other row (an open schema's extra
 * properties, a pass-through event of another shape) goes through toJson, so the text is
 * the same either way.
 */
import type { Row } from '../common/row.js';
import { type ByteSink, bytesOf } from './byte-sink.js';
import { toJson } from './json-line.js';
import type { RowsWriter, UpdateWriter } from './update-writer.js';

type GeneratedRows = (time: number, rows: Row[], stream: Uint8Array, open: Uint8Array) => void;

/** A statement's row writer: `open` is `,"stream":"new","row":{"first":` (or `…"row":{` for no columns). */
function generateRows(sink: ByteSink, opening: Uint8Array, columns: readonly string[]): GeneratedRows {
  const keys = columns.map((c, i) => bytesOf(`${i === 0 ? '' : ','}${JSON.stringify(c)}:`));
  const close = bytesOf('}}\n');
  // The row's own keys are the columns, in order (for…in visits own enumerable string keys in
  // JSON.stringify's order; rows are plain objects).
  const fits = [
    'let i = 0;',
    'for (const k in r) { if (k !== c[i]) return false; i++; }',
    `return i === ${columns.length}${columns.map((c) => ` && r[${JSON.stringify(c)}] !== undefined`).join('')};`,
  ].join('\n');
  const values = columns.map(
    (c, i) => `${i === 0 ? '' : `s.raw(k[${i}]); `}s.json(r[${JSON.stringify(c)}]);`,
  );
  const body = `
function fits(r) {
${fits}
}
return function writeRows(time, rows, stream, open) {
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j];
    s.raw(opening);
    s.number(time);
    if (fits(r)) {
      s.raw(open);
      ${values.join('\n      ')}
      s.raw(close);
    } else {
      s.raw(stream);
      s.text(toJson(r));
      s.raw(closeOne);
    }
  }
};`;
  return new Function('s', 'opening', 'k', 'c', 'close', 'closeOne', 'toJson', body)(
    sink,
    opening,
    keys,
    columns,
    close,
    bytesOf('}\n'),
    toJson,
  ) as GeneratedRows;
}

function statementWriter(sink: ByteSink, name: string, columns: readonly string[]): RowsWriter {
  const opening = bytesOf(`{"stmt":${JSON.stringify(name)},"time":`);
  const streamNew = bytesOf(',"stream":"new","row":');
  const streamOld = bytesOf(',"stream":"old","row":');
  const first = columns.length === 0 ? '{' : `{${JSON.stringify(columns[0])}:`;
  const openNew = bytesOf(`,"stream":"new","row":${first}`);
  const openOld = bytesOf(`,"stream":"old","row":${first}`);
  const rows = generateRows(sink, opening, columns);
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
    if (n !== null && n.length > 0) rows(time, n, streamNew, openNew);
    if (o !== null && o.length > 0) rows(time, o, streamOld, openOld);
  };
}

export function ndjsonWriter(sink: ByteSink): UpdateWriter {
  return {
    statement: (name, columns) => statementWriter(sink, name, columns),
    end: () => sink.flush(),
  };
}
