/**
 * One JSON line per output row, for piping into other tools:
 *
 *   {"stmt":"id","time":1000,"stream":"new","row":{…}}
 *
 * A listener call's insert-stream rows come first, then its remove-stream rows.
 */
import type { Row } from '../common/row.js';
import type { BufferedWriter } from './buffered-writer.js';
import { toJson } from './json-line.js';
import type { UpdateWriter } from './update-writer.js';

export function ndjsonWriter(out: BufferedWriter): UpdateWriter {
  const rows = (prefix: string, list: Row[] | null) => {
    if (list === null) return;
    for (const row of list) out.write(`${prefix}${toJson(row)}}\n`);
  };
  return {
    update: (stmt, time, n, o) => {
      const head = `{"stmt":${JSON.stringify(stmt)},"time":${toJson(time)},"stream":`;
      rows(`${head}"new","row":`, n);
      rows(`${head}"old","row":`, o);
    },
    end: () => out.flush(),
  };
}
