/**
 * Pieces of the row writers' generated code (ndjson-writer.ts, csv-writer.ts): code that
 * writes straight into a ByteSink's buffer through three locals of the generated function,
 *
 *   b = s.buf (the buffer), v = s.view (a DataView of it), p = the write position,
 *
 * taken from the sink with SYNC_IN after anything that writes through the sink's own methods
 * (which may hand the buffer to the stream and take another).
 *
 * Room: a line makes room once, at its start, for everything it writes in place (its
 * constants and up to NUMBER_ROOM bytes per number); a value written through the sink makes
 * its own room and then room again for the rest of the line. So the code has no test for
 * room that runs only when a buffer fills up: V8 compiles such a branch, never taken while
 * it warmed up, as a deoptimization, and a writer with a dozen of them was thrown out of
 * optimized code at each of its first megabytes of output.
 *
 * Constants (keys, separators) are stored four bytes at a time through the DataView, as
 * integer literals. Numbers of the two shapes output rows mostly hold, integers and decimals
 * of at most four places (prices, quantities), are written digit by digit in the generated
 * code itself, without a call; any other value goes through the sink's methods. Either way
 * the text is exactly what String (or JSON.stringify) writes: see numberCode.
 */

/** Takes the sink's buffer, view and position into the locals. */
export const SYNC_IN = 'b = s.buf; v = s.view; p = s.pos;';

/** Bytes the inline number code may write: a sign, ten digits, a point, four places. */
export const NUMBER_ROOM = 16;

/** Code that makes room for `n` bytes at the sink's position and takes the locals. */
export const roomCode = (n: number): string => `s.reserve(${n}); ${SYNC_IN}`;

/**
 * Code that writes through the sink (`call`, which makes its own room), then makes room for
 * `rest` more bytes (the rest of the line's in-place part) and takes the locals back.
 */
export const callCode = (call: string, rest: number): string => `s.pos = p; ${call}; ${roomCode(rest)}`;

/**
 * Code that writes constant bytes at p (room made) and advances p: whole 32-bit words
 * through the DataView (little-endian integer literals), the rest byte by byte.
 */
export function storeCode(bytes: Uint8Array): string {
  const n = bytes.length;
  const stores: string[] = [];
  const at = (i: number) => (i === 0 ? 'p' : `p + ${i}`);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const word =
      ((bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24)) >>>
      0;
    stores.push(`v.setUint32(${at(i)}, ${word}, true);`);
  }
  for (; i < n; i++) stores.push(`b[${at(i)}] = ${bytes[i]};`);
  return `${stores.join(' ')} p += ${n};`;
}

/**
 * Code that writes the non-negative 32-bit integer in local `n` (destroyed) at p, digits
 * from the last.
 */
function digitsCode(n: string): string {
  return `{ let q = p + intDigits(${n}); p = q; do { const t = (${n} / 10) | 0; b[--q] = 48 + ${n} - t * 10; ${n} = t; } while (${n} > 0); }`;
}

/**
 * Code that writes the number in local `x` as String(x) writes it (NUMBER_ROOM bytes of room
 * made), calling `fallback` (code through the sink, e.g. `s.number(x)`) for the shapes it
 * does not handle itself, then making room for `rest` bytes:
 *
 * - a 32-bit integer (`(x | 0) === x`; -0 is written as 0, as String does): its digits;
 * - a decimal of at most four places below 214748.3648: with m = Math.round(|x|·10^4) and
 *   m / 10^4 === |x|, the decimal m·10^-4 reads back as |x| (m is an exact integer below
 *   2^31, 10^4 is exact, so the division is the correctly rounded value of that decimal).
 *   Decimals of at most 15 significant digits never meet on one double, so it is the only
 *   one of at most 15 digits that reads back; the shortest decimal that reads back, which
 *   String writes (ECMA-262 Number::toString, fixed notation in this range), is therefore
 *   m·10^-4 without its trailing zeros.
 *
 * The function that runs the code gets `intDigits` (below). test/properties/line-code.test.ts
 * compares the bytes with String over random doubles of every kind.
 */
export function numberCode(x: string, fallback: string, rest: number): string {
  return `if ((${x} | 0) === ${x}) {
        let n = ${x};
        if (n < 0) { b[p++] = 45; n = -n; }
        ${digitsCode('n')}
      } else {
        const a = ${x} < 0 ? -${x} : ${x};
        const m = Math.round(a * 10000);
        if (m < 2147483648 && m / 10000 === a) {
          if (${x} < 0) b[p++] = 45;
          let w = (m / 10000) | 0;
          let f = m - w * 10000;
          let places = 4;
          while (f % 10 === 0) { f = (f / 10) | 0; places--; }
          ${digitsCode('w')}
          b[p] = 46;
          let q = p + 1 + places;
          p = q;
          do { const t = (f / 10) | 0; b[--q] = 48 + f - t * 10; f = t; } while (--places > 0);
        } else { ${callCode(fallback, rest)} }
      }`;
}

/** The number of decimal digits of a non-negative integer below 2^32. */
export function intDigits(n: number): number {
  if (n < 100000) return n < 100 ? (n < 10 ? 1 : 2) : n < 1000 ? 3 : n < 10000 ? 4 : 5;
  return n < 10000000 ? (n < 1000000 ? 6 : 7) : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
}

/** One part of a generated line: constant bytes, or a value written by code. */
export type LinePart =
  | { readonly bytes: Uint8Array }
  /** `code(rest)`: writes the value, in place within `room` bytes, or through the sink and then makes room for `rest`. */
  | { readonly room: number; readonly code: (rest: number) => string };

/** The room a part takes in place. */
const roomOf = (part: LinePart) => ('bytes' in part ? part.bytes.length : part.room);

/** The code of a line made of `parts`: room for its whole in-place part first, then each part. */
export function partsCode(parts: readonly LinePart[]): string {
  const rests: number[] = [];
  let rest = 0;
  for (let i = parts.length - 1; i >= 0; i--) {
    rests[i] = rest;
    rest += roomOf(parts[i] as LinePart);
  }
  const code = parts.map((part, i) =>
    'bytes' in part ? storeCode(part.bytes) : part.code(rests[i] as number),
  );
  return `${roomCode(rest)}\n    ${code.join('\n    ')}`;
}

/** The line's time (the generated function's `time`), as String writes it. */
export const TIME_PART: LinePart = {
  room: NUMBER_ROOM,
  code: (rest) => numberCode('time', 's.number(time)', rest),
};

/** The bytes of the row's stream: `newBytes` when the generated function's `isNew`, else `oldBytes` (as long). */
export function streamPart(newBytes: Uint8Array, oldBytes: Uint8Array): LinePart {
  return {
    room: Math.max(newBytes.length, oldBytes.length),
    code: () => `if (isNew) { ${storeCode(newBytes)} } else { ${storeCode(oldBytes)} }`,
  };
}

/**
 * A cell: the value `read` reads, a number by numberCode (with `calls.number` for the shapes
 * it leaves), a string by `calls.string`, anything else by `calls.other` (code over `x`).
 */
export function valuePart(
  read: string,
  calls: { readonly number: string; readonly string: string; readonly other: string },
): LinePart {
  return {
    room: NUMBER_ROOM,
    code: (rest) => `{
      const x = ${read};
      if (typeof x === 'number') { ${numberCode('x', calls.number, rest)} }
      else if (typeof x === 'string') { ${callCode(calls.string, rest)} }
      else { ${callCode(calls.other, rest)} }
    }`,
  };
}
