/**
 * JSON scalars read straight from UTF-8 bytes, for the schema-specialised NDJSON parser.
 *
 * Each reader accepts only the plainest spelling of its value and answers `undefined` for
 * anything else (an escape, a control character, a number JSON forbids): the caller then
 * falls back to `JSON.parse` on the whole line, so unusual input behaves exactly as before,
 * errors included. Readers advance `cursor.pos` only on success.
 */

/** Where the next byte is read; one mutable object so readers can return a value and a position. */
export interface Cursor {
  pos: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Powers of ten that are exact doubles (10^22 is the largest). */
export const EXACT_POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Buffer's own slicers (untyped in @types/node): skip toString's argument checks. */
type SlicingBuffer = Buffer & {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
};

/**
 * Short ASCII strings seen recently, by a hash of their bytes. Event data repeats its
 * strings (symbols, user ids, kinds): a hit returns the same string instead of a new one,
 * which saves the allocation and lets later Map lookups reuse the string's cached hash.
 */
const CACHE_SIZE = 4096;
const CACHED_MAX_LENGTH = 32;
const cache: (string | undefined)[] = new Array(CACHE_SIZE).fill(undefined);

function cachedAscii(b: SlicingBuffer, start: number, end: number, hash: number): string {
  const slot = hash & (CACHE_SIZE - 1);
  const hit = cache[slot];
  const length = end - start;
  if (hit !== undefined && hit.length === length) {
    let same = true;
    for (let i = 0; i < length; i++) {
      if (hit.charCodeAt(i) !== b[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return hit;
  }
  const text = b.latin1Slice(start, end);
  cache[slot] = text;
  return text;
}

/**
 * A string without escapes. ASCII is taken byte for byte; other UTF-8 is decoded by
 * Buffer (the same decoder the text path uses, so even invalid bytes become the same U+FFFD).
 */
export function readString(b: Buffer, end: number, cursor: Cursor): string | undefined {
  let p = cursor.pos;
  if (b[p] !== QUOTE) return undefined;
  const start = ++p;
  let ascii = true;
  let hash = 0;
  for (;;) {
    if (p >= end) return undefined;
    const c = b[p] as number;
    if (c === QUOTE) break;
    // JSON forbids raw control characters in strings; an escape needs the full parser.
    if (c === BACKSLASH || c < 0x20) return undefined;
    if (c >= 0x80) ascii = false;
    hash = (hash * 31 + c) | 0;
    p++;
  }
  cursor.pos = p + 1;
  return textOf(b, start, p, ascii, hash);
}

/**
 * The text of the bytes [start, end): `ascii` says none is ≥ 0x80, `hash` is their running
 * hash (h = h * 31 + byte, |0) for the cache of short ASCII strings.
 */
export function textOf(b: Buffer, start: number, end: number, ascii: boolean, hash: number): string {
  const sb = b as SlicingBuffer;
  if (!ascii) return sb.utf8Slice(start, end);
  return end - start <= CACHED_MAX_LENGTH ? cachedAscii(sb, start, end, hash) : sb.latin1Slice(start, end);
}

/**
 * A number in JSON's grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?.
 *
 * Why the arithmetic is exact: with at most 15 significant digits the digits form an integer
 * below 2^53 (an exact double), and 10^k for k ≤ 22 is exact too, so one IEEE division gives
 * the correctly rounded value, which is what JSON.parse returns (Clinger's fast path).
 * Longer numbers, more than 22 decimals and exponents go through Number(), which parses JSON numbers identically.
 */
export function readNumber(b: Buffer, end: number, cursor: Cursor): number | undefined {
  let p = cursor.pos;
  const start = p;
  const negative = b[p] === MINUS;
  if (negative) p++;
  let c = b[p];
  if (c === undefined || c < ZERO || c > NINE || p >= end) return undefined;
  let digits = 0;
  let value = 0;
  if (c === ZERO) {
    p++;
  } else {
    while (p < end && c !== undefined && c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      digits++;
      c = b[++p];
    }
  }
  let fraction = 0;
  if (p < end && b[p] === DOT) {
    c = b[++p];
    while (p < end && c !== undefined && c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      if (value !== 0 || digits > 0) digits++;
      fraction++;
      c = b[++p];
    }
    if (fraction === 0) return undefined;
  }
  c = b[p];
  if (p < end && (c === 0x65 || c === 0x45)) {
    p++;
    if (b[p] === 0x2b || b[p] === MINUS) p++;
    const first = p;
    while (p < end && (b[p] as number) >= ZERO && (b[p] as number) <= NINE) p++;
    if (p === first) return undefined;
    cursor.pos = p;
    return Number((b as SlicingBuffer).latin1Slice(start, p));
  }
  cursor.pos = p;
  if (digits > 15 || fraction > 22) return Number((b as SlicingBuffer).latin1Slice(start, p));
  const magnitude = fraction === 0 ? value : value / (EXACT_POW10[fraction] as number);
  return negative ? -magnitude : magnitude;
}

/** Whether the bytes at `cursor.pos` spell `text` (ASCII); advances past it if so. */
export function readLiteral(b: Buffer, end: number, cursor: Cursor, text: Uint8Array): boolean {
  const p = cursor.pos;
  if (p + text.length > end) return false;
  for (let i = 0; i < text.length; i++) if (b[p + i] !== text[i]) return false;
  cursor.pos = p + text.length;
  return true;
}
