/**
 * What one parsed NDJSON line means: an envelope `{"type":"T","ts":1000,"data":{…}}`, or a
 * flat object typed by `--type` (or by its own string `type` property) with its time in
 * `--time-field`; a flat event is passed on whole (the engine keeps the declared properties,
 * so the time field may also be one of them). Anything else is the line's error, with file
 * and line.
 */
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { ReadItem, ReaderOptions } from './event-record.js';
import { type TypeCheck, unknownTypeMessage } from './known-types.js';

function malformed(file: string, line: number, what: string): WeirError {
  return new WeirError('io/malformed-event-line', `${file}:${line}: ${what}`, { file, line });
}

function isObject(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isTime(ts: unknown): boolean {
  return typeof ts === 'number' && Number.isFinite(ts);
}

/**
 * Interprets one parsed JSON line. Exported for tests and for in-memory sources.
 * `isKnown` reports unknown types here, with the line, rather than later in the engine.
 */
export function interpretLine(
  value: unknown,
  file: string,
  line: number,
  options: ReaderOptions,
  isKnown: TypeCheck = () => true,
): ReadItem {
  if (!isObject(value)) return malformed(file, line, 'expected a JSON object');
  let type: string | undefined;
  let ts: unknown;
  let event: Row;
  let timeName: string;
  if (typeof value.type === 'string' && isObject(value.data)) {
    type = value.type;
    ts = value.ts;
    event = value.data;
    timeName = 'ts';
  } else {
    type = options.type ?? (typeof value.type === 'string' ? value.type : undefined);
    if (type === undefined) {
      return malformed(
        file,
        line,
        'no event type: use envelope lines {"type":…,"ts":…,"data":{…}} or pass --type',
      );
    }
    timeName = options.timeField;
    ts = value[timeName];
    event = value;
  }
  if (ts === null) ts = undefined;
  if (ts !== undefined && !isTime(ts)) {
    return malformed(file, line, `"${timeName}" must be a number of milliseconds, got ${JSON.stringify(ts)}`);
  }
  if (!isKnown(type)) {
    const message = unknownTypeMessage(type, options.typeNames?.());
    return new WeirError('io/unknown-event-type', `${file}:${line}: ${message}`, {
      file,
      line,
    });
  }
  return { type, timestamp: ts as number | undefined, event, file, line };
}
