/**
 * Schema-specialised parsers for NDJSON event lines, generated from the declared event
 * types. They read the layout every producer of these files writes (JSON.stringify's):
 *
 *   {"type":"T","ts":<number>,"data":{"p1":<v1>,"p2":<v2>,…}}     an envelope
 *   {"p1":<v1>,"p2":<v2>,…}                                         a flat line with --type T
 *
 * with exactly T's declared properties in declaration order, scalar values, no whitespace.
 * Property names and types are known, so the parser compares the key bytes in place and reads
 * each value by its type, building the event with one object literal (the same shape for
 * every event of a type).
 *
 * It never decides anything JSON.parse would decide differently: on the first byte that does
 * not fit (whitespace, an escape, another key order, a missing or extra property, a nested
 * value, a value of another type, a non-finite time, an undeclared type) it answers
 * `undefined`, and the reader parses that line with JSON.parse as before. So rows, errors
 * and their messages are exactly those of the general path (interpretLine).
 */
import type { EventSchemaInfo } from '../runtime/api.js';
import type { EventRecord } from './event-record.js';
import { type Cursor, EXACT_POW10, readNumber, readString } from './json-bytes.js';

/**
 * Parses the line starting at `start`; on success `cursor.pos` is the index of the line's
 * `\n` (a `\r` before it belongs to the line ending). `end` bounds the bytes that may be read.
 * Answers the record (record mode), true (wire mode), or undefined: the general path's line.
 */
export type LineParser = (
  b: Buffer,
  start: number,
  end: number,
  cursor: Cursor,
  file: string,
  line: number,
) => EventRecord | undefined;

/** A wire-mode parser: appends the line's row to `w` (a WireBatchBuilder) and answers true. */
export type WireLineParser = (
  b: Buffer,
  start: number,
  end: number,
  cursor: Cursor,
  file: string,
  line: number,
  w: WireRowSink,
) => true | undefined;

/** What a wire-mode parser writes to (WireBatchBuilder). */
export interface WireRowSink {
  row(type: number, line: number, time: number, values: number): void;
  number(v: number | null): void;
  string(v: string | null): void;
  scalar(v: unknown): void;
}

type PropertyType = EventSchemaInfo['properties'][number]['type'];

const PREFIX = '{"type":"';

/** A name JSON.stringify writes as its plain bytes, and an object literal can take as a key. */
function isPlainName(name: string): boolean {
  // __proto__ in an object literal would set the prototype, not a property; array-index keys
  // are ordered first by JSON.parse; both are left to the general path.
  return /^[\x20-\x7e]*$/.test(name) && !/["\\]/.test(name) && name !== '__proto__' && !/^\d+$/.test(name);
}

/** Code testing that the bytes at p spell `text`, with the bound check. */
function matchBytes(text: string): string {
  const tests = [...text].map((ch, i) => `b[p + ${i}] === ${ch.charCodeAt(0)}`);
  return `p + ${text.length} <= end && ${tests.join(' && ')}`;
}

const NULL_TEST = 'b[p] === 110 && b[p + 1] === 117 && b[p + 2] === 108 && b[p + 3] === 108';
const TRUE_TEST = 'b[p] === 116 && b[p + 1] === 114 && b[p + 2] === 117 && b[p + 3] === 101';
const FALSE_TEST =
  'b[p] === 102 && b[p + 1] === 97 && b[p + 2] === 108 && b[p + 3] === 115 && b[p + 4] === 101';

/**
 * Code reading a number into `v` at p. The common spelling (a digit 1–9 first, at most 15
 * digits with an optional fraction, no exponent) is read inline: its digits form an integer
 * below 2^53 and one division by an exact power of ten gives JSON.parse's value (the same
 * Clinger fast path as readNumber). Anything else (a leading 0, an exponent, more digits, a
 * number running into the end of the buffer) goes through readNumber. The code uses `b`, `p`,
 * `end`, `cursor`, `readNumber` and `P10` (EXACT_POW10), and returns undefined when readNumber does.
 */
export function numberCode(v: string): string {
  const slow = `cursor.pos = p; ${v} = readNumber(b, end, cursor); if (${v} === undefined) return undefined; p = cursor.pos;`;
  return `{
    let q = p, neg = false, c = b[q];
    if (c === 45) { neg = true; c = b[++q]; }
    if (c >= 49 && c <= 57) {
      let m = c - 48, n = 1, f = 0;
      c = b[++q];
      while (c >= 48 && c <= 57) { m = m * 10 + (c - 48); n++; c = b[++q]; }
      let point = false;
      if (c === 46) {
        point = true;
        c = b[++q];
        while (c >= 48 && c <= 57) { m = m * 10 + (c - 48); n++; f++; c = b[++q]; }
      }
      if (n <= 15 && q < end && c !== 101 && c !== 69 && (!point || f > 0)) {
        ${v} = f === 0 ? m : m / P10[f];
        if (neg) ${v} = -${v};
        p = q;
      } else { ${slow} }
    } else { ${slow} }
  }`;
}

/** Code reading one value of `type` into `v`, or returning undefined when it is not plain. */
function readValue(v: string, type: PropertyType): string {
  const viaReader = (reader: string) =>
    `cursor.pos = p; ${v} = ${reader}(b, end, cursor); if (${v} === undefined) return undefined; p = cursor.pos;`;
  const literal = (test: string, value: string, length: number) =>
    `if (${test}) { ${v} = ${value}; p += ${length}; }`;
  const orNull = `else if (${NULL_TEST}) { ${v} = null; p += 4; }`;
  switch (type) {
    case 'string':
      return `if (b[p] === 34) { ${viaReader('readString')} } ${orNull} else return undefined;`;
    case 'int':
    case 'long':
    case 'double':
      return `if (b[p] === 45 || (b[p] >= 48 && b[p] <= 57)) ${numberCode(v)} ${orNull} else return undefined;`;
    case 'boolean':
      return `${literal(TRUE_TEST, 'true', 4)} else ${literal(FALSE_TEST, 'false', 5)} ${orNull} else return undefined;`;
    case 'any':
      return [
        `if (b[p] === 34) { ${viaReader('readString')} }`,
        `else if (b[p] === 45 || (b[p] >= 48 && b[p] <= 57)) ${numberCode(v)}`,
        `else ${literal(TRUE_TEST, 'true', 4)} else ${literal(FALSE_TEST, 'false', 5)} ${orNull}`,
        'else return undefined;',
      ].join(' ');
  }
}

/** Appends code expecting the bytes of `text` at p and stepping over them. */
function expectBytes(lines: string[], text: string): void {
  lines.push(`if (!(${matchBytes(text)})) return undefined;`, `p += ${text.length};`);
}

/** Code reading `{"p1":v1,…}` with the declared properties in order into v0, v1, …, and the line end. */
function propertiesCode(schema: EventSchemaInfo, lines: string[]): void {
  expectBytes(lines, '{');
  schema.properties.forEach((property, i) => {
    expectBytes(lines, `${i === 0 ? '' : ','}${JSON.stringify(property.name)}:`);
    lines.push(`let v${i};`, readValue(`v${i}`, property.type));
  });
  expectBytes(lines, '}');
}

/** Code checking that the line ends at p (CRLF or LF) and leaving cursor.pos on the '\n'. */
function lineEndCode(lines: string[]): void {
  lines.push(
    'if (b[p] === 13 && p + 1 < end) p++;',
    'if (b[p] !== 10 || p >= end) return undefined;',
    'cursor.pos = p;',
  );
}

function eventLiteral(schema: EventSchemaInfo): string {
  return `{ ${schema.properties.map((property, i) => `${JSON.stringify(property.name)}: v${i}`).join(', ')} }`;
}

/**
 * The code that hands over a parsed line: `ts` holds its time, v0… its values. Record mode
 * returns an EventRecord; wire mode appends the row to a WireBatchBuilder `w` (the read
 * worker: no object per line) and returns true.
 */
type Emit = (schema: EventSchemaInfo) => string;

const emitRecord: Emit = (schema) =>
  `return { type: ${JSON.stringify(schema.name)}, timestamp: ts, event: ${eventLiteral(schema)}, file, line };`;

function emitWire(typeIndex: number): Emit {
  return (schema) => {
    const values = schema.properties.map((property, i) => {
      switch (property.type) {
        case 'int':
        case 'long':
        case 'double':
          return `w.number(v${i});`;
        case 'string':
          return `w.string(v${i});`;
        case 'boolean':
        case 'any':
          return `w.scalar(v${i});`;
      }
    });
    return [
      `w.row(${typeIndex}, line, ts === undefined ? NaN : ts, ${schema.properties.length});`,
      ...values,
      'return true;',
    ].join('\n');
  };
}

/** The code of one type's envelope parser: called with p just after `{"type":"`. */
function envelopeBody(schema: EventSchemaInfo, emit: Emit): string {
  const lines: string[] = [];
  expectBytes(lines, `${schema.name}","ts":`);
  lines.push(
    'let ts;',
    `if (b[p] === 45 || (b[p] >= 48 && b[p] <= 57)) ${numberCode('ts')} else return undefined;`,
    // 1e400 parses as Infinity, which the general path reports as a bad time.
    'if (!Number.isFinite(ts)) return undefined;',
  );
  expectBytes(lines, ',"data":');
  propertiesCode(schema, lines);
  expectBytes(lines, '}');
  lineEndCode(lines);
  lines.push(emit(schema));
  return lines.join('\n');
}

/**
 * The code of a flat-line parser for --type: the time is the `timeField` property (null is
 * no time, as in interpretLine), or no time when the schema does not declare that property.
 */
function flatBody(schema: EventSchemaInfo, timeField: string, emit: Emit): string {
  const lines: string[] = [];
  propertiesCode(schema, lines);
  lineEndCode(lines);
  const t = schema.properties.findIndex((property) => property.name === timeField);
  if (t < 0) lines.push('const ts = undefined;');
  else {
    lines.push(
      `const ts = v${t} === null ? undefined : v${t};`,
      // A string or non-finite time is the general path's error message to give.
      "if (ts !== undefined && (typeof ts !== 'number' || !Number.isFinite(ts))) return undefined;",
    );
  }
  lines.push(emit(schema));
  return lines.join('\n');
}

/**
 * How a parser hands over a line: `record` returns the EventRecord; `wire` appends the row to
 * the WireBatchBuilder passed as `w`, with the type's index in `types`, and returns true.
 */
type ParserMode = { readonly kind: 'record' } | { readonly kind: 'wire'; readonly types: readonly string[] };

const RECORD: ParserMode = { kind: 'record' };

function emitFor(mode: ParserMode): Emit {
  return mode.kind === 'record' ? emitRecord : (schema) => emitWire(mode.types.indexOf(schema.name))(schema);
}

type GeneratedParser = (
  b: Buffer,
  p: number,
  end: number,
  cursor: Cursor,
  file: string,
  line: number,
  w: unknown,
) => EventRecord | true | undefined;

function compile(body: string): GeneratedParser {
  return new Function(
    'readNumber',
    'readString',
    'P10',
    `return function parse(b, p, end, cursor, file, line, w) {\n${body}\n};`,
  )(readNumber, readString, EXACT_POW10) as GeneratedParser;
}

function isPlainSchema(schema: EventSchemaInfo): boolean {
  return isPlainName(schema.name) && schema.properties.every((p) => isPlainName(p.name));
}

/**
 * The envelope parser for these event types, or undefined when none of them has a plain
 * layout (then every line takes the general path).
 */
export function makeEnvelopeParser(schemas: readonly EventSchemaInfo[]): LineParser | undefined {
  return envelopeParser(schemas, RECORD) as LineParser | undefined;
}

/** The wire-mode envelope parser; `types` orders the types as the WireBatchBuilder does. */
export function makeWireEnvelopeParser(
  schemas: readonly EventSchemaInfo[],
  types: readonly string[],
): WireLineParser | undefined {
  return envelopeParser(schemas, { kind: 'wire', types }) as WireLineParser | undefined;
}

function envelopeParser(schemas: readonly EventSchemaInfo[], mode: ParserMode): GeneratedParser | undefined {
  const emit = emitFor(mode);
  const parsers = schemas.filter(isPlainSchema).map((schema) => compile(envelopeBody(schema, emit)));
  if (parsers.length === 0) return undefined;
  const prefix = new Function('b', 'p', 'end', `return ${matchBytes(PREFIX)};`) as (
    b: Buffer,
    p: number,
    end: number,
  ) => boolean;
  return (b, start, end, cursor, file, line, w) => {
    if (!prefix(b, start, end)) return undefined;
    const p = start + PREFIX.length;
    for (let i = 0; i < parsers.length; i++) {
      const record = (parsers[i] as GeneratedParser)(b, p, end, cursor, file, line, w);
      if (record !== undefined) return record;
    }
    return undefined;
  };
}

/** The parser for flat lines of `schema` (the --type), with the time in `timeField`. */
export function makeFlatParser(schema: EventSchemaInfo, timeField: string): LineParser | undefined {
  return isPlainSchema(schema) ? (compile(flatBody(schema, timeField, emitRecord)) as LineParser) : undefined;
}

/** The wire-mode flat parser. */
export function makeWireFlatParser(
  schema: EventSchemaInfo,
  timeField: string,
  types: readonly string[],
): WireLineParser | undefined {
  return isPlainSchema(schema)
    ? (compile(flatBody(schema, timeField, emitFor({ kind: 'wire', types }))) as WireLineParser)
    : undefined;
}
