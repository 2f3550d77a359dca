/**
 * One JSON line per output row, for piping into other tools:
 *
 *   {"stmt":"id","time":1000,"stream":"new","row":{…}}
 *
 * A listener call's insert-stream rows come first, then its remove-stream rows.
 *
 * Most listener calls carry one row, so the per-call part of the line costs as much as the
 * row: the statement's opening is built once per statement, the time without JSON.stringify,
 * and each line is handed to the buffer in pieces instead of being concatenated first.
 */
import type { Row } from '../common/row.js';
import type { BufferedWriter } from './buffered-writer.js';
import { toJson } from './json-line.js';
import type { UpdateWriter } from './update-writer.js';

const NEW_ROW = ',"stream":"new","row":';
const OLD_ROW = ',"stream":"old","row":';
const CLOSE = '}\n';

/** A number as toJson writes it: JSON's text when finite, else the string "Infinity"/"NaN". */
function numberJson(n: number): string {
  return n - n === 0 ? `${n}` : `"${n}"`;
}

export function ndjsonWriter(out: BufferedWriter): UpdateWriter {
  const openings = new Map<string, string>();
  const rows = (opening: string, list: Row[]) => {
    for (let i = 0; i < list.length; i++) {
      out.write(opening);
      out.write(toJson(list[i]));
      out.write(CLOSE);
    }
  };
  return {
    update: (stmt, time, n, o) => {
      let opening = openings.get(stmt);
      if (opening === undefined) {
        opening = `{"stmt":${JSON.stringify(stmt)},"time":`;
        openings.set(stmt, opening);
      }
      const head = opening + numberJson(time);
      if (n !== null && n.length > 0) rows(head + NEW_ROW, n);
      if (o !== null && o.length > 0) rows(head + OLD_ROW, o);
    },
    end: () => out.flush(),
  };
}
