/**
 * Output rows on their way from the engine (main thread) to the writer thread, which formats
 * and writes them (write-worker.ts): a ring of slots in one SharedArrayBuffer, each slot a run
 * of items (an Int32 tag and a float64 value) and of UTF-16 code units for the few strings
 * that travel as text.
 *
 * A row is its header item (tag: rowTag(statement, old); value: the time),
 * then one item per cell in the order the format's writer reads them, or one item for the
 * whole row when the format writes it as text (ROW_JSON, LINE). A cell is a number (NUM,
 * value = the number, every double as it is), a string (STR: the id of a string sent before;
 * STR_NEW: a string sent now, its characters in the slot, which takes the next id; TEXT: a
 * string not interned), a boolean, null (NULL also stands for undefined in CSV, where the two
 * print the same), or RAW: the exact text the format prints for any other value, made on the
 * main thread by the same function the single-threaded writer calls. Texts longer than
 * BIG_TEXT characters go through a MessagePort instead (BIG_TEXT, BIG_RAW, BIG_ROW_JSON,
 * BIG_LINE), in the order of their items.
 *
 * Items follow one another across slots: a slot is published when it is full (or when the
 * main thread needs what it holds written: SYNC, END), and the writer thread releases it once
 * read. The main thread waits (Atomics.wait) only when every slot is still unread.
 */
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { type ByteSink, printedBytes } from './byte-sink.js';

/** Cells. */
export const NUM = 8;
export const STR = 9;
export const STR_NEW = 10;
export const TEXT = 11;
export const RAW = 12;
export const TRUE = 13;
export const FALSE = 14;
export const NULL = 15;
/** A whole row as text: the row's toJson (the format frames it), or the whole line. */
export const ROW_JSON = 16;
export const LINE = 17;
/** The same texts, taken from the port. */
export const BIG_TEXT = 18;
export const BIG_RAW = 19;
export const BIG_ROW_JSON = 20;
export const BIG_LINE = 21;
/** Control: write out what is buffered and say how many bytes the output holds; end. */
export const SYNC = 22;
export const END = 23;
/** The first item: the file offset where the writer thread's bytes begin. */
export const START = 24;
/** Row headers: ROW_BASE + statement index · 2 + (1 for an old row); every tag below is not a row. */
export const ROW_BASE = 32;

export function rowTag(statement: number, old: boolean): number {
  return ROW_BASE + statement * 2 + (old ? 1 : 0);
}

/** Items in the writer's first slot (the others hold the ring's shape.items). */
export const FIRST_SLOT_ITEMS = 256;

/** Texts longer than this go through the port (or than a slot's characters, if fewer). */
export const BIG_TEXT_CHARS = 8192;
/** Strings at most this long are interned (sent once, then by id), up to MAX_STRINGS of them. */
export const INTERN_CHARS = 64;
export const MAX_STRINGS = 1 << 16;

/** The ring's shape: slots × items and characters per slot. */
export interface RingShape {
  readonly slots: number;
  readonly items: number;
  readonly chars: number;
}

export const DEFAULT_RING: RingShape = { slots: 8, items: 1 << 15, chars: 1 << 15 };

/** Control words (Int32, at the start of the buffer). */
const PUBLISHED = 0;
const CONSUMED = 1;
const SYNCED = 2;
const FAILED = 3;
const FAILURE_LENGTH = 4;
/** Set by the writer thread once it runs. */
const STARTED = 5;
/** Seconds the main thread waits for a writer thread that has not started before giving up. */
const BOOT_SECONDS = 60;
/** The output's length after the last SYNC/END (float64 at byte CONTROL_BYTES - 8). */
const CONTROL_WORDS = 16;
const CONTROL_BYTES = CONTROL_WORDS * 4;
const FAILURE_CHARS = 2048;

/** The shared memory of one ring: control words, per-slot counts, items, characters. */
export interface Ring {
  readonly buffer: SharedArrayBuffer;
  readonly shape: RingShape;
}

export function createRing(shape: RingShape = DEFAULT_RING): Ring {
  const bytes =
    CONTROL_BYTES +
    FAILURE_CHARS * 2 +
    shape.slots * 8 +
    shape.slots * shape.items * 12 +
    shape.slots * shape.chars * 2;
  return { buffer: new SharedArrayBuffer(bytes), shape };
}

/** Typed views of a ring, the same on both threads. */
class RingViews {
  readonly control: Int32Array;
  readonly length: Float64Array;
  readonly failure: Uint16Array;
  /** Per slot: items, characters. */
  readonly counts: Int32Array;
  readonly tags: Int32Array;
  readonly vals: Float64Array;
  readonly chars: Uint16Array;

  constructor(readonly ring: Ring) {
    const { buffer, shape } = ring;
    this.control = new Int32Array(buffer, 0, CONTROL_WORDS);
    this.length = new Float64Array(buffer, CONTROL_BYTES - 8, 1);
    let at = CONTROL_BYTES;
    this.failure = new Uint16Array(buffer, at, FAILURE_CHARS);
    at += FAILURE_CHARS * 2;
    this.counts = new Int32Array(buffer, at, shape.slots * 2);
    at += shape.slots * 8;
    this.vals = new Float64Array(buffer, at, shape.slots * shape.items);
    at += shape.slots * shape.items * 8;
    this.tags = new Int32Array(buffer, at, shape.slots * shape.items);
    at += shape.slots * shape.items * 4;
    this.chars = new Uint16Array(buffer, at, shape.slots * shape.chars);
  }
}

/** The writer thread's failure (its message), if it failed. */
function failureOf(v: RingViews): string | undefined {
  if (Atomics.load(v.control, FAILED) === 0) return undefined;
  const n = v.control[FAILURE_LENGTH] as number;
  let text = '';
  for (let i = 0; i < n; i++) text += String.fromCharCode(v.failure[i] as number);
  return text;
}

/** What both ends see of the ring: its views, items and characters. */
abstract class RingEnd {
  readonly tags: Int32Array;
  readonly vals: Float64Array;
  readonly chars: Uint16Array;
  protected readonly views: RingViews;

  constructor(ring: Ring) {
    this.views = new RingViews(ring);
    this.tags = this.views.tags;
    this.vals = this.views.vals;
    this.chars = this.views.chars;
  }
}

/**
 * The main thread's end: items are written at `i` (below `end`, the current slot's end) and
 * characters at `c` (below `cEnd`); `next` publishes the slot and takes the following one.
 */
export class RingWriter extends RingEnd {
  i = 0;
  end: number;
  c = 0;
  cEnd: number;
  private seq = 0;
  private syncs = 0;
  private readonly ids = new Map<string, number>();
  private idleSeconds = 0;
  /** Texts longer than this go through the port: BIG_TEXT_CHARS, or less when a slot holds fewer characters. */
  private readonly bigChars: number;
  /**
   * The writer thread's failure (a write error), once noticed. Items are still taken (and
   * dropped by the writer thread), so the engine never blocks on a failed output; the caller
   * checks this between batches and at the end.
   */
  failure: string | undefined;

  constructor(
    ring: Ring,
    private readonly port: MessagePort,
  ) {
    super(ring);
    // The first slot is published after FIRST_SLOT_ITEMS items, so `room`'s branch to the next
    // slot has run before V8 optimizes the encoders that inline it (a first slot filled after
    // that threw each encoder out of optimized code once per run).
    this.end = Math.min(ring.shape.items, FIRST_SLOT_ITEMS);
    this.cEnd = ring.shape.chars;
    this.bigChars = Math.min(BIG_TEXT_CHARS, ring.shape.chars);
  }

  /** Whether the writer thread runs. */
  get started(): boolean {
    return Atomics.load(this.views.control, STARTED) !== 0;
  }

  /** Waits until the writer thread runs (an error if it does not start). */
  waitStarted(): void {
    while (!this.started) this.wait(STARTED, 0);
  }

  /** Room for `items` items and `chars` characters in the current slot (a new slot if not). */
  reserve(items: number, chars: number): void {
    if (this.i + items > this.end || this.c + chars > this.cEnd) this.next();
  }

  /**
   * Room for one more item: the next slot when this one is full. Every one-item write goes
   * through here, so the branch has one call site, which has run once the first slot is
   * published (see the constructor).
   */
  private room(): void {
    if (this.i === this.end) this.next();
  }

  /** Publishes the current slot and waits for a free one. */
  next(): void {
    const v = this.views;
    const shape = v.ring.shape;
    const slot = this.seq % shape.slots;
    v.counts[slot * 2] = this.i - slot * shape.items;
    v.counts[slot * 2 + 1] = this.c - slot * shape.chars;
    this.seq++;
    Atomics.store(v.control, PUBLISHED, this.seq);
    Atomics.notify(v.control, PUBLISHED);
    for (;;) {
      const consumed = Atomics.load(v.control, CONSUMED);
      if (this.seq - consumed < shape.slots) break;
      this.wait(CONSUMED, consumed);
    }
    if (this.failure === undefined) this.failure = failureOf(v);
    const free = this.seq % shape.slots;
    this.i = free * shape.items;
    this.end = this.i + shape.items;
    this.c = free * shape.chars;
    this.cEnd = this.c + shape.chars;
  }

  /** One item (after `reserve`). */
  item(tag: number, value: number): void {
    this.room();
    const i = this.i++;
    this.tags[i] = tag;
    this.vals[i] = value;
  }

  /** A cell: any value, `other` giving the text the format prints for a value that is not a number, string, boolean or null. */
  cell(v: unknown, other: (v: unknown) => string): void {
    switch (typeof v) {
      case 'number': {
        this.room();
        const i = this.i++;
        this.tags[i] = NUM;
        this.vals[i] = v;
        return;
      }
      case 'string':
        this.string(v);
        return;
      case 'boolean':
        this.item(v ? TRUE : FALSE, 0);
        return;
      default:
        if (v === null || v === undefined) this.item(NULL, 0);
        else this.text(RAW, other(v));
    }
  }

  /** A string cell: by id when interned, else as text. */
  string(s: string): void {
    if (s.length <= INTERN_CHARS && s.length <= this.bigChars) {
      const id = this.ids.get(s);
      if (id !== undefined) {
        this.room();
        const i = this.i++;
        this.tags[i] = STR;
        this.vals[i] = id;
        return;
      }
      if (this.ids.size < MAX_STRINGS) {
        this.ids.set(s, this.ids.size);
        this.text(STR_NEW, s);
        return;
      }
    }
    this.text(TEXT, s);
  }

  /** A text item (TEXT, RAW, STR_NEW, ROW_JSON, LINE): its characters in the slot, or through the port when long. */
  text(tag: number, s: string): void {
    const n = s.length;
    if (n > this.bigChars) {
      // Posted first: the writer thread takes it when it reaches the item.
      this.port.postMessage(s);
      this.item(bigTag(tag), 0);
      return;
    }
    this.reserve(1, n);
    const i = this.i++;
    this.tags[i] = tag;
    this.vals[i] = n;
    const chars = this.chars;
    let c = this.c;
    for (let k = 0; k < n; k++) chars[c++] = s.charCodeAt(k);
    this.c = c;
  }

  /**
   * Has everything so far written to the file and returns the output's length (the writer
   * thread's bytes); waits for the writer thread. `END` also ends it (it exits after).
   */
  sync(tag: typeof SYNC | typeof END = SYNC): number {
    this.item(tag, 0);
    this.next();
    const v = this.views;
    const target = ++this.syncs;
    for (;;) {
      const synced = Atomics.load(v.control, SYNCED);
      if (synced >= target) break;
      this.wait(SYNCED, synced);
    }
    if (this.failure === undefined) this.failure = failureOf(v);
    return v.length[0] as number;
  }

  /**
   * Waits for control word `index` to move from `seen`. A writer thread that runs always
   * moves it (it drains the ring even after a failure); one that never started (its module
   * failed to load) would leave the engine waiting forever, so that is an error.
   */
  private wait(index: number, seen: number): void {
    const control = this.views.control;
    if (Atomics.wait(control, index, seen, 1000) !== 'timed-out') return;
    if (Atomics.load(control, STARTED) !== 0) return;
    if (++this.idleSeconds >= BOOT_SECONDS) throw new Error('the writer thread did not start');
  }
}

/**
 * The writer thread's end: items are read at `i` (below `end`), characters at `c`; `advance`
 * releases the slot read and waits for the next one. `strings` are the interned strings as
 * the format prints them, by id.
 */
export class RingReader extends RingEnd {
  i = 0;
  end = 0;
  c = 0;
  readonly strings: Uint8Array[] = [];
  /** Slots taken so far (the current one is seq - 1). */
  private seq = 0;

  constructor(
    ring: Ring,
    private readonly port: MessagePort,
  ) {
    super(ring);
    Atomics.store(this.views.control, STARTED, 1);
    Atomics.notify(this.views.control, STARTED);
  }

  /** Releases the slot read (if any) and waits for the next one that holds items. */
  advance(): void {
    const v = this.views;
    const shape = v.ring.shape;
    do {
      if (this.seq > 0) {
        Atomics.store(v.control, CONSUMED, this.seq);
        Atomics.notify(v.control, CONSUMED);
      }
      for (;;) {
        const published = Atomics.load(v.control, PUBLISHED);
        if (published > this.seq) break;
        Atomics.wait(v.control, PUBLISHED, published);
      }
      const slot = this.seq % shape.slots;
      this.seq++;
      this.i = slot * shape.items;
      this.end = this.i + (v.counts[slot * 2] as number);
      this.c = slot * shape.chars;
    } while (this.i === this.end);
  }

  /** The next item's index (advancing to the next slot when this one is read). */
  next(): number {
    if (this.i === this.end) this.advance();
    return this.i++;
  }

  /** The characters of the text item at `i` (read in item order). */
  text(i: number): string {
    const tag = this.tags[i] as number;
    if (tag >= BIG_TEXT && tag <= BIG_LINE) {
      const m = receiveMessageOnPort(this.port);
      if (m === undefined) throw new Error('the output wire lost a long text');
      return m.message as string;
    }
    const n = this.vals[i] as number;
    const start = this.c;
    this.c = start + n;
    // Code units as they were (lone surrogates too); apply's argument list stays short (≤ BIG_TEXT_CHARS).
    return String.fromCharCode.apply(null, this.chars.subarray(start, start + n) as unknown as number[]);
  }

  /** After a SYNC or END item: the output's length, published to the main thread. */
  synced(length: number): void {
    const v = this.views;
    v.length[0] = length;
    Atomics.add(v.control, SYNCED, 1);
    Atomics.notify(v.control, SYNCED);
  }

  /**
   * After a failure: records its message for the main thread, then takes every item without
   * writing it (so the main thread never waits on a dead output), answering each SYNC, until
   * END (`answering`: the SYNC or END item read when it failed, if any). Long texts still
   * queued on the port are dropped with it.
   */
  fail(message: string, answering: number): void {
    const v = this.views;
    const n = Math.min(message.length, FAILURE_CHARS);
    for (let k = 0; k < n; k++) v.failure[k] = message.charCodeAt(k);
    v.control[FAILURE_LENGTH] = n;
    Atomics.store(v.control, FAILED, 1);
    // The SYNC or END whose flush failed is answered first.
    if (answering === SYNC || answering === END) this.synced(v.length[0] as number);
    if (answering === END) return;
    for (;;) {
      while (this.i < this.end) {
        const tag = this.tags[this.i++];
        if (tag === SYNC) this.synced(v.length[0] as number);
        else if (tag === END) {
          this.synced(v.length[0] as number);
          return;
        }
      }
      this.advance();
    }
  }
}

/** The port's variant of a text tag (STR_NEW is never long: interned strings are short). */
function bigTag(tag: number): number {
  switch (tag) {
    case TEXT:
      return BIG_TEXT;
    case RAW:
      return BIG_RAW;
    case ROW_JSON:
      return BIG_ROW_JSON;
    case LINE:
      return BIG_LINE;
    default:
      throw new Error(`no long form of output item ${tag}`);
  }
}

/** How a format prints each kind of cell (exactly as its single-threaded writer does). */
export interface CellPrinter {
  number(s: ByteSink, n: number): void;
  string(s: ByteSink, text: string): void;
  boolean(s: ByteSink, b: boolean): void;
  null(s: ByteSink): void;
}

/**
 * The writer thread's reader of one cell for a format: reads the cell's item and prints it
 * with `p`; an interned string is printed once into bytes kept by id and copied after.
 */
export function wireCell(p: CellPrinter): (s: ByteSink, r: RingReader) => void {
  return (s, r) => {
    const i = r.next();
    switch (r.tags[i]) {
      case NUM:
        p.number(s, r.vals[i] as number);
        return;
      case STR:
        s.raw(r.strings[r.vals[i] as number] as Uint8Array);
        return;
      case STR_NEW: {
        const text = r.text(i);
        const bytes = printedBytes((scratch) => p.string(scratch, text));
        r.strings.push(bytes);
        s.raw(bytes);
        return;
      }
      case TEXT:
      case BIG_TEXT:
        p.string(s, r.text(i));
        return;
      case RAW:
      case BIG_RAW:
        s.text(r.text(i));
        return;
      case TRUE:
        p.boolean(s, true);
        return;
      case FALSE:
        p.boolean(s, false);
        return;
      case NULL:
        p.null(s);
        return;
      default:
        throw new Error(`the output wire is out of step: item ${r.tags[i]} where a cell was expected`);
    }
  };
}
