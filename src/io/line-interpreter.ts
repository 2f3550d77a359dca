/**
 * What one parsed NDJSON line means: an envelope `{"type":"T","ts":1000,"data":{…}}`, or a
 * flat object typed by `--type` (or by its own string `type` property) with its time in
 * `--time-field`; a flat event is passed on whole (the engine keeps the declared properties,
 * so the time field may also be one of them). Anything else is the line's error, with file
 * and line.
 */
import { WeirError } from '../common/errors.js';
import { printable } from '../common/printable.js';
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

function describeJson(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}

/** Whether `type` declares properties other than `type` and the time field. */
function hasProperties(options: ReaderOptions, type: string): boolean {
  const schema = options.schemaOf?.(type);
  return schema?.properties.some((p) => p.name !== 'type' && p.name !== options.timeField) === true;
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
  if (
    options.type === undefined &&
    typeof value.type === 'string' &&
    'data' in value &&
    !isObject(value.data)
  ) {
    // An envelope whose data is not an object would otherwise read as a flat event with no
    // declared property: all nulls, silently.
    return malformed(
      file,
      line,
      `an envelope's "data" must be a JSON object of the event's properties, got ${describeJson(value.data)}`,
    );
  }
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
  if (
    options.type === undefined &&
    event === value &&
    Object.keys(value).every((k) => k === 'type' || k === timeName) &&
    hasProperties(options, type)
  ) {
    // `{"type":"T","ts":1}`: an envelope without its data (a flat event of T would carry
    // some of T's properties).
    return malformed(file, line, 'no "data": an envelope line is {"type":…,"ts":…,"data":{…}}');
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
  const shape = closedShape(options, type, event, event === value ? timeName : undefined);
  if (shape !== undefined && options.strict === true) {
    return malformed(
      file,
      line,
      shape.undeclared !== undefined
        ? `property '${printable(shape.undeclared)}' is not declared by event type '${printable(type)}' (--strict)`
        : `property '${printable(shape.missing as string)}' of event type '${printable(type)}' is missing (--strict)`,
    );
  }
  return shape === undefined
    ? { type, timestamp: ts as number | undefined, event, file, line }
    : {
        type,
        timestamp: ts as number | undefined,
        event,
        file,
        line,
        shape:
          (shape.undeclared === undefined ? 0 : UNDECLARED) | (shape.missing === undefined ? 0 : MISSING),
      };
}

/** EventRecord.shape flags: the event carries a property its closed type does not declare. */
export const UNDECLARED = 1;
/** EventRecord.shape flags: a declared property is absent (it reads as null). */
export const MISSING = 2;

/** The declared property names per type, per schema lookup (engine). */
const declaredNames = new WeakMap<object, Map<string, ReadonlySet<string> | null>>();

function declaredOf(options: ReaderOptions, type: string): ReadonlySet<string> | null {
  const lookup = options.schemaOf;
  if (lookup === undefined) return null;
  let byType = declaredNames.get(lookup);
  if (byType === undefined) {
    byType = new Map();
    declaredNames.set(lookup, byType);
  }
  let names = byType.get(type);
  if (names === undefined) {
    const schema = lookup(type);
    names = schema === undefined || schema.open ? null : new Set(schema.properties.map((p) => p.name));
    byType.set(type, names);
  }
  return names;
}

/**
 * For a closed type: the first undeclared property and the first declared one missing, or
 * undefined when the event has exactly the declared properties. `flatTime` is the time
 * property of a flat line (with `type`, not one of the event's properties unless declared).
 */
function closedShape(
  options: ReaderOptions,
  type: string,
  event: Row,
  flatTime: string | undefined,
): { undeclared?: string; missing?: string } | undefined {
  const declared = declaredOf(options, type);
  if (declared === null) return undefined;
  let undeclared: string | undefined;
  for (const key in event) {
    if (declared.has(key) || (flatTime !== undefined && (key === flatTime || key === 'type'))) continue;
    undeclared = key;
    break;
  }
  let missing: string | undefined;
  for (const name of declared) {
    if (event[name] === undefined) {
      missing = name;
      break;
    }
  }
  if (undeclared === undefined && missing === undefined) return undefined;
  return {
    ...(undeclared === undefined ? {} : { undeclared }),
    ...(missing === undefined ? {} : { missing }),
  };
}
