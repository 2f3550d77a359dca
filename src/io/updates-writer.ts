/**
 * The golden line format (DESIGN.md §5): one JSON line per listener call,
 *
 *   {"stmt":"id","time":1000,"new":[{…}],"old":null}
 *
 * keys in exactly that order, `null` for an absent side (as Esper passes null to
 * UpdateListener.update), row keys as the statement produced them, non-finite numbers as
 * the strings "Infinity", "-Infinity", "NaN".
 */
import type { Row } from '../common/row.js';
import type { ByteSink } from './byte-sink.js';
import { toJson } from './json-line.js';
import type { UpdateWriter } from './update-writer.js';

/** One golden line, without the newline. */
export function updateLine(
  stmt: string,
  time: number,
  newEvents: Row[] | null,
  oldEvents: Row[] | null,
): string {
  // Built by hand (not one object through JSON.stringify) to pin the key order and skip an allocation.
  return `{"stmt":${JSON.stringify(stmt)},"time":${toJson(time)},"new":${newEvents === null ? 'null' : toJson(newEvents)},"old":${oldEvents === null ? 'null' : toJson(oldEvents)}}`;
}

export function updatesWriter(out: ByteSink): UpdateWriter {
  return {
    statement: (name) => (time, n, o) => out.text(`${updateLine(name, time, n, o)}\n`),
    end: () => out.flush(),
  };
}
