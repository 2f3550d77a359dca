/**
 * Events that arrive as bytes from the network (an HTTP body, a NATS or MQTT message): NDJSON
 * lines or one JSON array of events, each an envelope `{"type":"T","ts":1000,"data":{…}}` or a
 * flat object typed by `type` (a query parameter or a connector option). NDJSON goes through
 * the same scanner as event files (NdjsonScanner: the schema-specialised parser where it
 * applies, JSON.parse + interpretLine otherwise), so a payload line and a file line mean the
 * same and fail with the same messages; a malformed line becomes a WeirError naming its line
 * (or array element), never an exception.
 */
import { WeirError } from '../common/errors.js';
import type { ReadItem, ReaderOptions } from '../io/event-record.js';
import { knownTypes } from '../io/known-types.js';
import { interpretLine } from '../io/line-interpreter.js';
import { NdjsonScanner, generalLine } from '../io/ndjson-scanner.js';

const OPEN_BRACKET = 0x5b;

/** Index of the first byte that is not JSON whitespace (or a UTF-8 byte order mark). */
function firstSignificant(body: Buffer): number {
  let i = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09))
    i++;
  return i;
}

/**
 * The events of one payload. `source` names it in messages (`POST /events`, `nats:orders`).
 * A body whose first significant character is `[` is one JSON array (element n is "line" n);
 * anything else is NDJSON (blank lines skipped but counted).
 */
export function parsePayload(body: Buffer, source: string, options: ReaderOptions): ReadItem[] {
  const isKnown = knownTypes(options.schemaOf);
  const start = firstSignificant(body);
  if (body[start] === OPEN_BRACKET) {
    let values: unknown;
    try {
      values = JSON.parse(body.toString('utf8', start));
    } catch (e) {
      return [
        new WeirError('io/malformed-event-line', `${source}:1: invalid JSON array: ${(e as Error).message}`, {
          file: source,
          line: 1,
        }),
      ];
    }
    if (!Array.isArray(values)) return [];
    return values.map((v, i) => interpretLine(v, source, i + 1, options, isKnown));
  }
  const items: ReadItem[] = [];
  const scanner = NdjsonScanner.forRecords(source, options, {
    record: (record) => items.push(record),
    text: (text, line) => items.push(generalLine(text, source, line, options, isKnown)),
  });
  scanner.scan(body);
  scanner.finish();
  return items;
}
