/**
 * Cuts NDJSON bytes into lines and reads each one, wherever the bytes come from (the
 * in-process reader's file stream or the read worker's `readSync` chunks), so both read every
 * line the same way:
 *
 * - a line the schema-specialised parser accepts (schema-line-parser.ts) becomes its record
 *   straight from the bytes, without a string per line;
 * - any other line is decoded (a character split between chunks is decoded whole), its CR and
 *   a leading byte order mark on line 1 removed, and, unless it is blank, handed over as text
 *   for the general path (`generalLine`: JSON.parse, then interpretLine).
 *
 * Lines are numbered from 1 as an editor numbers them (blank lines count). `offset` and
 * `line` say where the next unread line starts: a reader started there (`ReaderOptions.start`)
 * goes on exactly after the lines handed out so far.
 */
import { WeirError } from '../common/errors.js';
import type { EventRecord, ReadItem, ReaderOptions, StartPosition } from './event-record.js';
import type { Cursor } from './json-bytes.js';
import type { TypeCheck } from './known-types.js';
import { interpretLine } from './line-interpreter.js';
import {
  type LineParser,
  type WireLineParser,
  type WireRowSink,
  makeEnvelopeParser,
  makeFlatParser,
  makeWireEnvelopeParser,
  makeWireFlatParser,
} from './schema-line-parser.js';

const NEWLINE = 0x0a;

/** Where the lines go. */
export interface LineSink {
  /** A line the schema-specialised parser read (record mode). */
  record(record: EventRecord): void;
  /** Any other non-blank line (without CR or BOM), for the general path. */
  text(body: string, line: number): void;
}

/** Reads one line through the specialised parser and hands it over; false: not its line. */
type FastLine = (b: Buffer, start: number, end: number, cursor: Cursor, line: number) => boolean;

/**
 * The specialised parser for the declared types, when the caller named them: envelopes of
 * any declared type, then flat lines of the --type.
 */
export function lineParser(options: ReaderOptions): LineParser | undefined {
  if (options.specialise === false || options.typeNames === undefined || options.schemaOf === undefined) {
    return undefined;
  }
  const schemaOf = options.schemaOf;
  const envelope = makeEnvelopeParser(options.typeNames().flatMap((name) => schemaOf(name) ?? []));
  const flatSchema = options.type === undefined ? undefined : schemaOf(options.type);
  const flat = flatSchema === undefined ? undefined : makeFlatParser(flatSchema, options.timeField);
  if (flat === undefined || envelope === undefined) return envelope ?? flat;
  return (b, start, end, cursor, file, line) =>
    envelope(b, start, end, cursor, file, line) ?? flat(b, start, end, cursor, file, line);
}

/** The same in wire mode (the read worker), with `types` ordered as the WireBatchBuilder's. */
function wireLineParser(options: ReaderOptions, types: readonly string[]): WireLineParser | undefined {
  if (options.specialise === false || options.typeNames === undefined || options.schemaOf === undefined) {
    return undefined;
  }
  const schemaOf = options.schemaOf;
  const envelope = makeWireEnvelopeParser(
    options.typeNames().flatMap((name) => schemaOf(name) ?? []),
    types,
  );
  const flatSchema = options.type === undefined ? undefined : schemaOf(options.type);
  const flat =
    flatSchema === undefined ? undefined : makeWireFlatParser(flatSchema, options.timeField, types);
  if (flat === undefined || envelope === undefined) return envelope ?? flat;
  return (b, start, end, cursor, file, line, w) =>
    envelope(b, start, end, cursor, file, line, w) ?? flat(b, start, end, cursor, file, line, w);
}

/** The general path for one line's text: JSON.parse, then interpretLine. */
export function generalLine(
  body: string,
  file: string,
  line: number,
  options: ReaderOptions,
  isKnown: TypeCheck,
): ReadItem {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return new WeirError(
      'io/malformed-event-line',
      `${file}:${line}: invalid JSON: ${(e as Error).message}`,
      {
        file,
        line,
      },
    );
  }
  if (mayNestDeeper(body, MAX_JSON_DEPTH) && jsonDepth(value) > MAX_JSON_DEPTH) {
    // Writing such a value back out (JSON.stringify recurses) would exhaust the stack.
    return new WeirError(
      'io/malformed-event-line',
      `${file}:${line}: a value is nested more than ${MAX_JSON_DEPTH} levels deep`,
      { file, line },
    );
  }
  return interpretLine(value, file, line, options, isKnown);
}

/** The deepest nesting of arrays and objects an event line may hold. */
export const MAX_JSON_DEPTH = 1000;

/** Whether `body` has more than `depth` brackets at all (a cheap test before measuring). */
function mayNestDeeper(body: string, depth: number): boolean {
  let open = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if ((c === 0x5b || c === 0x7b) && ++open > depth) return true;
  }
  return false;
}

/** Nesting depth of a parsed JSON value, measured without recursion. */
function jsonDepth(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export class NdjsonScanner {
  /** Lines completed so far (the number of the last one). */
  line: number;
  /** Bytes consumed by the completed lines. */
  offset: number;
  /** The start of a line the chunks so far did not finish (a line may span several). */
  private carry: Buffer[] = [];
  private carried = 0;
  private readonly cursor: Cursor = { pos: 0 };

  private constructor(
    private readonly fast: FastLine | undefined,
    private readonly sink: LineSink,
    start: StartPosition,
  ) {
    this.line = start.line;
    this.offset = start.offset;
  }

  /** A scanner handing records and text lines to `sink`. */
  static forRecords(
    file: string,
    options: ReaderOptions,
    sink: LineSink,
    start: StartPosition = { offset: 0, line: 0 },
  ): NdjsonScanner {
    const parser = lineParser(options);
    const fast: FastLine | undefined =
      parser === undefined
        ? undefined
        : (b, s, e, cursor, line) => {
            const record = parser(b, s, e, cursor, file, line);
            if (record === undefined) return false;
            sink.record(record);
            return true;
          };
    return new NdjsonScanner(fast, sink, start);
  }

  /**
   * A scanner writing the lines the specialised parser reads straight into `wire` (no object
   * per line), with `types` ordered as its type indexes; text lines go to `sink`.
   */
  static forWire(
    file: string,
    options: ReaderOptions,
    types: readonly string[],
    wire: WireRowSink,
    sink: LineSink,
    start: StartPosition = { offset: 0, line: 0 },
  ): NdjsonScanner {
    const parser = wireLineParser(options, types);
    const fast: FastLine | undefined =
      parser === undefined
        ? undefined
        : (b, s, e, cursor, line) => parser(b, s, e, cursor, file, line, wire) !== undefined;
    return new NdjsonScanner(fast, sink, start);
  }

  /** Reads every line `chunk` completes; keeps the unfinished rest for the next chunk. */
  scan(chunk: Buffer): void {
    const sink = this.sink;
    let start = 0;
    if (this.carry.length > 0) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        this.carry.push(chunk);
        this.carried += chunk.length;
        return;
      }
      this.carry.push(chunk.subarray(0, nl));
      this.textLine(Buffer.concat(this.carry), sink);
      this.offset += this.carried + nl + 1;
      this.carry = [];
      this.carried = 0;
      start = nl + 1;
    }
    const end = chunk.length;
    const first = start;
    const fast = this.fast;
    const cursor = this.cursor;
    // The lines before the chunk's last '\n' are complete: the fast path reads only those, so
    // it never reads past the bytes it is given (a read past a typed array's end would
    // deoptimise the generated parser, and V8 would compile it again, once per such read).
    const complete = chunk.lastIndexOf(NEWLINE) + 1;
    while (start < complete) {
      // The fast path also finds the line's end, so most lines are never searched for '\n'.
      if (fast?.(chunk, start, complete, cursor, this.line + 1) === true) {
        this.line++;
        start = cursor.pos + 1;
        continue;
      }
      const nl = chunk.indexOf(NEWLINE, start);
      this.textLine(chunk.subarray(start, nl), sink);
      start = nl + 1;
    }
    if (start < end) {
      this.carry.push(chunk.subarray(start));
      this.carried += end - start;
    }
    // start is now past the last complete line (the carry, if any, begins there).
    this.offset += start - first;
  }

  /** The last line, when the input does not end with a newline. */
  finish(): void {
    if (this.carry.length === 0) return;
    this.textLine(Buffer.concat(this.carry), this.sink);
    this.offset += this.carried;
    this.carry = [];
    this.carried = 0;
  }

  private textLine(bytes: Buffer, sink: LineSink): void {
    const line = ++this.line;
    let body = bytes.toString('utf8');
    if (body.charCodeAt(body.length - 1) === 13) body = body.slice(0, -1); // CRLF
    if (line === 1 && body.charCodeAt(0) === 0xfeff) body = body.slice(1); // byte order mark
    if (body.trim() === '') return;
    sink.text(body, line);
  }
}
