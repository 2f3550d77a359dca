/**
 * Output bytes, written into one large Buffer and handed to the stream a megabyte at a time.
 *
 * The row writers (ndjson-writer.ts, csv-writer.ts) are generated per statement and write
 * their constant parts (keys, separators) as prepared bytes and their values through the
 * methods below, which produce exactly the text JSON.stringify (or String, for CSV) would,
 * without building a string per row. A full buffer is handed to the stream as it is and a
 * fresh one takes its place, so no byte is copied twice and the stream may write it
 * asynchronously (a file stream writes from libuv's thread pool while the engine goes on).
 *
 * `bytesWritten` counts every byte handed out or pending: the output file's length once
 * everything is flushed (what a checkpoint records).
 */
import type { Writable } from 'node:stream';
import { toJson } from './json-line.js';
import { writeShortest } from './shortest-digits.js';

/** Size of each output buffer. */
const CAPACITY = 1 << 20;
/** Size of the first one (see the constructor). */
const FIRST_CAPACITY = 16 << 10;
/** Bytes the stream may hold unwritten before `needsDrain` asks the producer to wait. */
const MAX_PENDING = 8 << 20;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const DOT = 0x2e;

/** Powers of ten that are exact doubles. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Buffer's own writers (untyped in @types/node): skip write()'s argument parsing. */
type WritingBuffer = Buffer & {
  latin1Write(text: string, offset: number, length: number): number;
  utf8Write(text: string, offset: number, length: number): number;
};

const NULL = bytesOf('null');
const TRUE = bytesOf('true');
const FALSE = bytesOf('false');

const viewOf = (buf: Buffer) => new DataView(buf.buffer, buf.byteOffset, buf.length);

/** The bytes of an ASCII (or any) text, for the constant parts of generated writers. */
export function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/**
 * The bytes `write` writes into a sink: what a writer prints for one value, kept to be
 * copied as it is wherever the value comes again (the writer thread's interned strings).
 */
export function printedBytes(write: (sink: ByteSink) => void): Uint8Array {
  const parts: Buffer[] = [];
  const collect = { write: (chunk: Buffer) => parts.push(chunk) } as unknown as Writable;
  const sink = new ByteSink(collect, 1024);
  write(sink);
  sink.flush();
  return new Uint8Array(Buffer.concat(parts));
}

export class ByteSink {
  buf: WritingBuffer;
  /** A DataView of `buf` (the generated writers store constants a word at a time: line-code.ts). */
  view: DataView;
  pos = 0;
  private flushed = 0;
  /** Buffers the stream has written (recycle mode), ready to be filled again. */
  private readonly free: WritingBuffer[] = [];
  private readonly recycled: ((error?: Error | null) => void) | undefined;
  private pending: WritingBuffer[] = [];

  /**
   * `recycle`: the stream is one that is done with a chunk when its write callback runs (a
   * file stream), so a written buffer is filled again instead of a fresh one being allocated
   * (a fresh megabyte of external memory per flush makes V8 run a full collection every few
   * dozen megabytes of output). Off for streams that may keep the chunks they are given.
   */
  constructor(
    private readonly out: Writable,
    private readonly capacity: number = CAPACITY,
    recycle = false,
  ) {
    // The first buffer is small: it is handed over after a few hundred rows, so the code that
    // makes room when a buffer is full has run before V8 optimizes the generated writers
    // (which inline it); a first flush after that threw each writer out of optimized code.
    this.buf = Buffer.allocUnsafeSlow(Math.min(capacity, FIRST_CAPACITY)) as WritingBuffer;
    this.view = viewOf(this.buf);
    this.recycled = recycle
      ? () => {
          const done = this.pending.shift();
          if (done !== undefined && done.length === this.capacity) this.free.push(done);
        }
      : undefined;
  }

  /** Bytes written so far, flushed or not. */
  get bytesWritten(): number {
    return this.flushed + this.pos;
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.use(Buffer.allocUnsafeSlow(n) as WritingBuffer);
  }

  private use(buf: WritingBuffer): void {
    this.buf = buf;
    this.view = viewOf(buf);
  }

  /** Hands what is buffered to the stream. */
  flush(): void {
    if (this.pos === 0) return;
    const buf = this.buf;
    const full = buf.subarray(0, this.pos);
    this.flushed += this.pos;
    this.use(this.free.pop() ?? (Buffer.allocUnsafeSlow(this.capacity) as WritingBuffer));
    this.pos = 0;
    if (this.recycled === undefined) this.out.write(full);
    else {
      this.pending.push(buf);
      this.out.write(full, this.recycled);
    }
  }

  /** Whether the stream holds so much unwritten that the producer should await `drained()`. */
  get needsDrain(): boolean {
    return this.out.writableLength > MAX_PENDING;
  }

  /** Resolves when the stream has written what it held (at once when it holds little). */
  drained(): Promise<void> {
    if (!this.needsDrain || !this.out.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.out.once('drain', resolve));
  }

  /** Prepared bytes (the constant parts of a line). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    if (this.pos + n > this.buf.length) this.reserve(n);
    const b = this.buf;
    let p = this.pos;
    if (n > 32) {
      b.set(bytes, p);
      p += n;
    } else for (let i = 0; i < n; i++) b[p++] = bytes[i] as number;
    this.pos = p;
  }

  /** Any text, UTF-8 encoded. */
  text(text: string): void {
    this.reserve(text.length * 3);
    this.pos += this.buf.utf8Write(text, this.pos, this.buf.length - this.pos);
  }

  /**
   * A number as String(n) writes it. Integers below 2^53 and decimals of at most 15 significant
   * digits between 1e-6 and 1e15 are written digit by digit (see writeDecimal for why the two
   * agree), 16 and 17 digits by writeShortest (shortest-digits.ts); the rest through String.
   */
  number(n: number): void {
    if (this.pos + 32 > this.buf.length) this.reserve(32);
    if ((n | 0) === n) {
      this.writeInteger(n);
      return;
    }
    if (this.writeSafeInteger(n) || this.writeDecimal(n)) return;
    const end = writeShortest(this.buf, this.pos, n);
    if (end >= 0) this.pos = end;
    else {
      const text = String(n);
      this.pos += this.buf.latin1Write(text, this.pos, text.length);
    }
  }

  /** A number as toJson writes it: JSON's text when finite, else the string "Infinity", "-Infinity" or "NaN". */
  jsonNumber(n: number): void {
    if (n - n === 0) this.number(n);
    else this.text(`"${n}"`);
  }

  /** A string as JSON.stringify writes it. */
  jsonString(s: string): void {
    const n = s.length;
    if (n > 256) {
      this.text(JSON.stringify(s));
      return;
    }
    if (this.pos + n + 2 > this.buf.length) this.reserve(n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) {
        // Escapes and non-ASCII (UTF-8, lone surrogates escaped): JSON.stringify's own text.
        this.text(JSON.stringify(s));
        return;
      }
      b[p++] = c;
    }
    b[p++] = QUOTE;
    this.pos = p;
  }

  /** Any value as toJson writes it (non-finite numbers as strings). */
  json(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.jsonNumber(v);
        return;
      case 'string':
        this.jsonString(v);
        return;
      case 'boolean':
        this.raw(v ? TRUE : FALSE);
        return;
      default:
        if (v === null || v === undefined) this.raw(NULL);
        else this.text(toJson(v));
    }
  }

  private writeInteger(n: number): void {
    const b = this.buf;
    let p = this.pos;
    if (n < 0) {
      b[p++] = MINUS;
      n = -n;
    }
    // Digits from the last; n < 2^31 here, so integer arithmetic is exact.
    let digits = 1;
    for (let t = n; t >= 10; t = (t / 10) | 0) digits++;
    let q = p + digits;
    this.pos = q;
    do {
      const next = (n / 10) | 0;
      b[--q] = ZERO + n - next * 10;
      n = next;
    } while (n > 0);
  }

  /**
   * Writes `n` (not a 32-bit integer) when it is an integer below 2^53 in magnitude (epoch
   * milliseconds, large counts): String(n) writes its digits. Two exact halves, n = hi·10^8 +
   * lo, each written with integer arithmetic (writeDecimal's general loop divides doubles).
   */
  private writeSafeInteger(n: number): boolean {
    const a = n < 0 ? -n : n;
    if (!(a < 9007199254740992 && Math.floor(a) === a)) return false;
    // a ≥ 2^31, so hi ≥ 21; hi < 2^27 and lo < 10^8 are exact. The quotient is rounded, but
    // never up to the next integer: a / 10^8 is at least 10^-8 below it, more than half an
    // ulp of any number below 2^27 (2^-27).
    const hi = Math.floor(a / 1e8);
    const lo = a - hi * 1e8;
    this.writeInteger(n < 0 ? -hi : hi);
    const b = this.buf;
    const p = this.pos;
    let low = lo | 0;
    for (let q = p + 7; q >= p; q--) {
      const next = (low / 10) | 0;
      b[q] = ZERO + low - next * 10;
      low = next;
    }
    this.pos = p + 8;
    return true;
  }

  /**
   * Writes `n` (not an integer below 2^53: writeSafeInteger takes those first) when its
   * shortest round-trip text is plain: a decimal with at most 15 significant digits in
   * [1e-6, 1e15).
   *
   * Why this is String(n)'s text: with K decimal places chosen so that n has at most 15
   * significant digits, m = round(n·10^K) is exact and m / 10^K is one correctly rounded
   * division, so `m / 10^K === n` says the decimal m·10^-K reads back as n. No other decimal
   * of K places does (decimals of at most 15 digits always round-trip, so two of them never
   * meet on one double), and a shorter one, padded with zeros to K places, would be that
   * same decimal: so m without its trailing zeros is the shortest round-trip digit string,
   * which is what String(n) writes (ECMA-262 Number::toString). A value that needs 16 or 17
   * digits fails the test and goes through String.
   */
  private writeDecimal(n: number): boolean {
    const negative = n < 0;
    const a = negative ? -n : n;
    if (!(a >= 1e-6 && a < 1e15)) return false;
    // d: digits before the point (≤ 0 below 1). An estimate off by one only makes the test fail.
    let d = 1;
    if (a >= 1) while (d < 15 && a >= (POW10[d] as number)) d++;
    else while (d > -5 && a * (POW10[1 - d] as number) < 1) d--;
    let k = 15 - d;
    const scale = POW10[k] as number;
    let m = Math.round(a * scale);
    if (m >= 1e15 || m / scale !== a) return false;
    // Drop m's trailing zeros (at most k): the largest z with 10^z dividing m, found by halving
    // steps (m / 10^z is exact when it divides, and floor·10^z is below 2^53).
    let z = 0;
    for (let step = 8; step > 0; step >>= 1) {
      const power = POW10[z + step] as number;
      if (z + step <= k && Math.floor(m / power) * power === m) z += step;
    }
    if (z > 0) {
      m /= POW10[z] as number;
      k -= z;
    }
    // m has at most 15 digits; write them with the point k places from the right.
    let digits = 1;
    while (digits < 15 && m >= (POW10[digits] as number)) digits++;
    const b = this.buf;
    let p = this.pos;
    if (negative) b[p++] = MINUS;
    const whole = digits > k ? digits - k : 0;
    if (whole === 0) {
      b[p++] = ZERO;
      b[p++] = DOT;
      for (let z = digits; z < k; z++) b[p++] = ZERO;
    }
    const end = p + digits + (whole > 0 && k > 0 ? 1 : 0);
    let q = end;
    let left = k;
    do {
      const next = Math.floor(m / 10);
      b[--q] = ZERO + m - next * 10;
      m = next;
      if (--left === 0 && whole > 0) b[--q] = DOT;
    } while (q > p);
    this.pos = end;
    return true;
  }
}
