/**
 * Events that arrive as bytes from the network (an HTTP body, a NATS or MQTT message): NDJSON
 * lines or one JSON array of events, each an envelope `{"type":"T","ts":1000,"data":{…}}` or a
 * flat object typed by `type` (a query parameter or a connector option). Every line is read with
 * the same rules as an event file (`interpretLine`), so a payload and a file line mean the same;
 * a malformed line becomes a WeirError naming its line (or array element), never an exception.
 */
import { WeirError } from '../common/errors.js';
import type { ReadItem, ReaderOptions } from '../io/event-record.js';
import { knownTypes } from '../io/known-types.js';
import { interpretLine } from '../io/ndjson-reader.js';

function malformed(source: string, line: number, what: string): WeirError {
  return new WeirError('io/malformed-event-line', `${source}:${line}: ${what}`, { file: source, line });
}

/**
 * The events of one payload. `source` names it in messages (`POST /events`, `nats:orders`).
 * A body whose first non-blank character is `[` is one JSON array (element n is "line" n);
 * anything else is NDJSON (blank lines skipped but counted).
 */
export function parsePayload(text: string, source: string, options: ReaderOptions): ReadItem[] {
  const isKnown = knownTypes(options.schemaOf);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = body.trimStart();
  if (trimmed.startsWith('[')) {
    let values: unknown;
    try {
      values = JSON.parse(trimmed);
    } catch (e) {
      return [malformed(source, 1, `invalid JSON array: ${(e as Error).message}`)];
    }
    if (!Array.isArray(values)) return [malformed(source, 1, 'expected a JSON array of events')];
    return values.map((v, i) => interpretLine(v, source, i + 1, options, isKnown));
  }
  const items: ReadItem[] = [];
  let line = 0;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    line++;
    const raw = body.slice(start, end);
    start = end + 1;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      items.push(malformed(source, line, `invalid JSON: ${(e as Error).message}`));
      continue;
    }
    items.push(interpretLine(value, source, line, options, isKnown));
  }
  return items;
}
