import type { WeirError } from '../common/errors.js';
/**
 * Events read in the read worker, sent to the main thread as typed arrays (transferred, not
 * copied) instead of objects (which postMessage would clone one by one):
 *
 * A batch's arrays may be longer than its rows (`count` rows, and the values they use).
 *
 *   kinds[i]   the row's event type (an index into the declared schemas); TEXT_LINE: an
 *              NDJSON line for the general path, whose text is the next string; CSV_ROW: a
 *              CSV record, one value per column of its file's header (`columns`, sent with
 *              the file's first batch); ERROR_LINE: a line that is an error, whose code and
 *              message are the next two strings
 *   lines[i]   its line number
 *   times[i]   its time (NaN: none; the engine reads the schema's timestamp property)
 *   tags, nums one entry per declared property of a typed row, in declaration order: the
 *              value's kind and its number (a number, or a string's id)
 *   strings    the strings the rows need, in the order they are read
 *
 * Strings repeat (symbols, user ids): the first 65,536 distinct ones get an id, sent once
 * (NEW_STRING) and then referred to by id (KNOWN_STRING), so the main thread reuses one
 * string object; later ones are sent each time (INLINE_STRING).
 *
 * The main thread rebuilds each event with a function generated per schema: an object
 * literal with the declared properties in order, the very object the in-process reader's
 * parser builds, so the engine receives the same events either way.
 */
import type { Row } from '../common/row.js';
import type { EventSchemaInfo } from '../runtime/api.js';
import { typeCheckSource } from '../runtime/type-checks.js';
import type { EventRecord, StartPosition } from './event-record.js';

export const TEXT_LINE = -1;
export const CSV_ROW = -2;
export const ERROR_LINE = -3;

const NULL = 0;
const NUMBER = 1;
const TRUE = 2;
const FALSE = 3;
const NEW_STRING = 4;
const INLINE_STRING = 5;
const KNOWN_STRING = 6;

const MAX_STRING_IDS = 1 << 16;

/** One batch as posted by the worker; `offset`/`line` say where the lines after it begin. */
export interface WireBatch {
  readonly file: number;
  readonly count: number;
  readonly kinds: Int32Array;
  readonly lines: Int32Array;
  readonly times: Float64Array;
  readonly tags: Uint8Array;
  readonly nums: Float64Array;
  readonly strings: string[];
  readonly offset: number;
  readonly line: number;
  /** Bytes of the file read so far. */
  readonly bytes: number;
  /** A CSV file's header columns (its first batch). */
  readonly columns?: readonly string[];
  /**
   * The worker leaves the rest of this file to the main thread's reader (a CSV line or
   * header that is not plain, or a file it cannot read as plain CSV): from this position, or
   * from where the file was to start (`'file'`).
   */
  readonly rest?: StartPosition | 'file';
}

/** What a batch may carry besides its rows. */
export type WireBatchExtras = Pick<WireBatch, 'columns' | 'rest'>;

/**
 * A batch's typed arrays, which the main thread hands back once it has read the batch: the
 * builder fills them again instead of allocating new ones, so a replay moves the same few
 * buffers back and forth (no copy per batch, no new ArrayBuffer for the garbage collectors
 * of both threads to account for and sweep).
 */
export type WireArrays = Pick<WireBatch, 'kinds' | 'lines' | 'times' | 'tags' | 'nums'>;

/** The arrays of a batch, to hand back (their buffers are transferred). */
export function wireArraysOf(batch: WireBatch): { arrays: WireArrays; transfer: ArrayBuffer[] } {
  const arrays: WireArrays = {
    kinds: batch.kinds,
    lines: batch.lines,
    times: batch.times,
    tags: batch.tags,
    nums: batch.nums,
  };
  return { arrays, transfer: buffersOf(arrays) };
}

function buffersOf(a: WireArrays): ArrayBuffer[] {
  return [a.kinds, a.lines, a.times, a.tags, a.nums].map((x) => x.buffer as ArrayBuffer);
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, needed: number): T {
  if (needed <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(needed, a.length * 2));
  next.set(a);
  return next;
}

const ROWS = 1 << 16;
const VALUES = 1 << 18;

/** The worker's side: rows appended one at a time, then taken as one batch. */
export class WireBatchBuilder {
  private count = 0;
  private values = 0;
  // Sized for a 1 MiB chunk of short lines: every set of arrays (IN_FLIGHT of them go back and
  // forth) is allocated once at this size instead of growing by copies as the chunks do.
  private kinds: Int32Array = new Int32Array(ROWS);
  private lines: Int32Array = new Int32Array(ROWS);
  private times: Float64Array = new Float64Array(ROWS);
  private tags: Uint8Array = new Uint8Array(VALUES);
  private nums: Float64Array = new Float64Array(VALUES);
  private strings: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly typeIndex: Map<string, number>;
  private readonly properties: (readonly string[])[];

  /**
   * `maxStringIds`: distinct strings given an id (the rest are sent each time). `recycled`:
   * arrays the main thread handed back, if any, for the rows after a batch is taken.
   */
  constructor(
    schemas: readonly EventSchemaInfo[],
    private readonly maxStringIds = MAX_STRING_IDS,
    private readonly recycled: () => WireArrays | undefined = () => undefined,
  ) {
    this.typeIndex = new Map(schemas.map((s, i) => [s.name, i]));
    this.properties = schemas.map((s) => s.properties.map((p) => p.name));
  }

  get size(): number {
    return this.count;
  }

  /**
   * Starts a row (`values`: how many value calls follow). The wire-mode parsers call row,
   * then number / string / scalar per declared property.
   */
  row(kind: number, line: number, time: number, values = 0): void {
    if (this.values + values > this.tags.length) {
      this.tags = grow(this.tags, this.values + values);
      this.nums = grow(this.nums, this.values + values);
    }
    const i = this.count++;
    if (i >= this.kinds.length) {
      this.kinds = grow(this.kinds, i + 1);
      this.lines = grow(this.lines, i + 1);
      this.times = grow(this.times, i + 1);
    }
    this.kinds[i] = kind;
    this.lines[i] = line;
    this.times[i] = time;
  }

  /** A line for the general path. */
  text(body: string, line: number): void {
    this.row(TEXT_LINE, line, Number.NaN);
    this.strings.push(body);
  }

  /** A line that is an error: its code and message (the main thread names the file and line). */
  error(e: WeirError, line: number): void {
    this.row(ERROR_LINE, line, Number.NaN);
    this.strings.push(e.code, e.message);
  }

  /** A CSV record: its event's values in its header's order (scalars). */
  csvRow(record: EventRecord, columns: number): void {
    this.row(CSV_ROW, record.line, record.timestamp ?? Number.NaN, columns);
    const event = record.event;
    for (const name in event) this.scalar(event[name]);
  }

  /** A record of the schema-specialised parser: its event holds exactly the declared properties, scalars. */
  record(record: EventRecord): void {
    const type = this.typeIndex.get(record.type) as number;
    const names = this.properties[type] as readonly string[];
    this.row(type, record.line, record.timestamp ?? Number.NaN, names.length);
    const event = record.event;
    for (let p = 0; p < names.length; p++) this.scalar(event[names[p] as string]);
  }

  /** A number or null (a numeric property). */
  number(v: number | null): void {
    const q = this.values++;
    if (v === null) this.tags[q] = NULL;
    else {
      this.tags[q] = NUMBER;
      this.nums[q] = v;
    }
  }

  /** A string or null (a string property). */
  string(v: string | null): void {
    if (v === null) this.tags[this.values++] = NULL;
    else this.scalar(v);
  }

  /** Any scalar. */
  scalar(v: unknown): void {
    const q = this.values++;
    switch (typeof v) {
      case 'number':
        this.tags[q] = NUMBER;
        this.nums[q] = v;
        return;
      case 'boolean':
        this.tags[q] = v ? TRUE : FALSE;
        return;
      case 'string': {
        const id = this.ids.get(v);
        if (id !== undefined) {
          this.tags[q] = KNOWN_STRING;
          this.nums[q] = id;
        } else if (this.ids.size < this.maxStringIds) {
          this.ids.set(v, this.ids.size);
          this.tags[q] = NEW_STRING;
          this.strings.push(v);
        } else {
          this.tags[q] = INLINE_STRING;
          this.strings.push(v);
        }
        return;
      }
      default:
        this.tags[q] = NULL;
    }
  }

  /** The rows so far as one batch (the builder starts afresh), and the buffers to transfer. */
  take(
    file: number,
    offset: number,
    line: number,
    bytes: number,
    extras: WireBatchExtras = {},
  ): { batch: WireBatch; transfer: ArrayBuffer[] } {
    // The arrays themselves go (their first `count` rows and the values those rows use are
    // the batch's); the builder goes on with arrays handed back, or new ones as large.
    const batch: WireBatch = {
      file,
      count: this.count,
      kinds: this.kinds,
      lines: this.lines,
      times: this.times,
      tags: this.tags,
      nums: this.nums,
      strings: this.strings,
      offset,
      line,
      bytes,
      ...extras,
    };
    const next = this.recycled() ?? {
      kinds: new Int32Array(this.kinds.length),
      lines: new Int32Array(this.lines.length),
      times: new Float64Array(this.times.length),
      tags: new Uint8Array(this.tags.length),
      nums: new Float64Array(this.nums.length),
    };
    this.kinds = next.kinds;
    this.lines = next.lines;
    this.times = next.times;
    this.tags = next.tags;
    this.nums = next.nums;
    this.count = 0;
    this.values = 0;
    this.strings = [];
    return { batch, transfer: buffersOf(batch) };
  }
}

/** The main thread's reading position in a batch. */
export interface WireCursor {
  tags: Uint8Array;
  nums: Float64Array;
  strings: string[];
  /** Next value entry. */
  value: number;
  /** Next string. */
  string: number;
  /** Strings by id, kept across batches. */
  readonly known: string[];
}

/** A cursor before the first batch. */
export function newWireCursor(): WireCursor {
  return { tags: new Uint8Array(0), nums: new Float64Array(0), strings: [], value: 0, string: 0, known: [] };
}

/** Points the cursor at the start of a batch (string ids stay known). */
export function startBatch(cursor: WireCursor, batch: WireBatch): void {
  cursor.tags = batch.tags;
  cursor.nums = batch.nums;
  cursor.strings = batch.strings;
  cursor.value = 0;
  cursor.string = 0;
}

export type EventDecoder = (c: WireCursor) => Row;

/** Source reading value entry `q` of a batch into the variable `v`. */
function readValue(v: string, likely?: number): string[] {
  const first =
    likely === NUMBER ? `${v} = nums[q];` : likely === KNOWN_STRING ? `${v} = c.known[nums[q]];` : undefined;
  return [
    // The value's likely kind for its declared type is tested first.
    first === undefined
      ? `let ${v}; switch (tags[q]) {`
      : `let ${v}; if (tags[q] === ${likely}) ${first} else switch (tags[q]) {`,
    `  case ${NUMBER}: ${v} = nums[q]; break;`,
    `  case ${KNOWN_STRING}: ${v} = c.known[nums[q]]; break;`,
    `  case ${NEW_STRING}: ${v} = c.strings[c.string++]; c.known.push(${v}); break;`,
    `  case ${INLINE_STRING}: ${v} = c.strings[c.string++]; break;`,
    `  case ${TRUE}: ${v} = true; break;`,
    `  case ${FALSE}: ${v} = false; break;`,
    `  default: ${v} = null;`,
    '}',
    'q++;',
  ];
}

/** The source reading a row's values into v0, v1, … (the cursor moves past them). */
function readValues(count: number, likely: readonly (number | undefined)[] = []): string[] {
  const lines = ['const tags = c.tags, nums = c.nums; let q = c.value;'];
  for (let i = 0; i < count; i++) lines.push(...readValue(`v${i}`, likely[i]));
  lines.push('c.value = q;');
  return lines;
}

/** The decoder of one schema's rows: its properties' values back into an object literal. */
export function makeEventDecoder(schema: EventSchemaInfo): EventDecoder {
  const fields = schema.properties.map((p, i) => `${JSON.stringify(p.name)}: v${i}`).join(', ');
  const lines = [...readValues(schema.properties.length), `return { ${fields} };`];
  return new Function(`return function decodeEvent(c) {\n${lines.join('\n')}\n};`)() as EventDecoder;
}

/**
 * A closed type's rows read into one reused object (`row`, the declared properties in
 * order) to lend to the engine (Engine.sendTransient) instead of a new object per event.
 * `read` fills it and tells whether every value fits its declared type, as the engine's
 * reader checks it (event-normalizer typeCheckSource); when one does not, the caller sends a
 * copy of `row` the ordinary way, so the engine reports it exactly as before.
 */
export interface LentRows {
  readonly row: Row;
  readonly read: (c: WireCursor, row: Row) => boolean;
}

/** A first value per declared type (source text): what a row of the type typically holds. */
const INITIAL: Partial<Record<EventSchemaInfo['properties'][number]['type'], string>> = {
  string: "''",
  double: '0.5',
  int: '0',
  long: '0',
  boolean: 'false',
};

/** The kind of value a property of each declared type most often holds on the wire. */
const LIKELY: Partial<Record<EventSchemaInfo['properties'][number]['type'], number>> = {
  string: KNOWN_STRING,
  double: NUMBER,
  int: NUMBER,
  long: NUMBER,
};

export function makeLentRows(schema: EventSchemaInfo): LentRows {
  const names = schema.properties.map((p) => JSON.stringify(p.name));
  const lines = readValues(
    names.length,
    schema.properties.map((p) => LIKELY[p.type]),
  );
  names.forEach((name, i) => lines.push(`row[${name}] = v${i};`));
  const checks = schema.properties.flatMap((p, i) => {
    const check = typeCheckSource(p.type, `v${i}`);
    return check === undefined ? [] : [`(v${i} === null || ${check})`];
  });
  lines.push(`return ${checks.length === 0 ? 'true' : checks.join(' && ')};`);
  const read = new Function(
    `return function readLent(c, row) {\n${lines.join('\n')}\n};`,
  )() as LentRows['read'];
  // Each property starts with a value of its type, so the object gets the field layout the
  // engine's rows of the type get (a double unboxed, not a pointer to a new number per event)
  // and code reading both sees one shape.
  const initial = schema.properties.map((p, i) => `${names[i]}: ${INITIAL[p.type] ?? 'null'}`);
  const row = new Function(`return { ${initial.join(', ')} };`)() as Row;
  return { row, read };
}
