/**
 * The text String(n) gives a double that needs 16 or 17 significant digits (an average, a
 * ratio), written straight into a byte buffer without building a string.
 *
 * String(n) writes the shortest decimal that reads back as n, and of several such decimals
 * of that length the one closest to n (ECMA-262 Number::toString, which V8 follows). For
 * 1e-6 ≤ |n| < 1e17 this finds it with exact double arithmetic:
 *
 * - P = |n|·10^K, scaled so that 10^16 ≤ P < 10^17, is computed exactly as hi + lo
 *   (Dekker's product: hi = fl(|n|·10^K), lo the rounding error; 10^K is an exact double
 *   for K ≤ 22). hi is an integer (≥ 2^53), split exactly into two 8- and 9-digit halves.
 * - A decimal reads back as n when it lies inside n's rounding interval, n ± ulp(n)/2
 *   (W = ulp(n)/2·10^K in P's units, also exact). For a significand other than a power of
 *   two the interval is symmetric, so if any decimal of p digits lies inside it, the one
 *   nearest to P does: the candidate for p digits is P rounded to a multiple of
 *   D = 10^(17−p), and it reads back iff |candidate − P| < W.
 * - Candidates are tried for 15, 16 and 17 digits; the first that reads back is the answer
 *   (17 digits always do: W > 0.5 in P's units). A 15-digit one is the only 15-digit decimal
 *   that reads back as n (their spacing, 100, exceeds the interval's width 2W ≤ 22.2), so
 *   it is also the shortest once its trailing zeros are dropped; a 16- or 17-digit answer
 *   has no trailing zero (it would be a shorter candidate that reads back).
 *
 * The comparisons are made on doubles whose error is below 2^-40; when a comparison is that
 * close to a tie (a decimal exactly halfway, or on the interval's edge, where String's tie
 * rules apply), or for a power of two (asymmetric interval), or outside the range, this
 * returns -1 and the caller uses String(n). test/properties/shortest-digits.test.ts checks
 * the bytes against String(n) over random doubles of every kind.
 */

/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLIT = 134217729;
/** Exact powers of ten (as written, a decimal literal converts exactly up to 1e22). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const POW10_HIGH = POW10.map(splitHigh);
const POW10_LOW = POW10.map((p, i) => p - (POW10_HIGH[i] as number));
/** 2^(i − POW2_BIAS): ulp/2 of the doubles in range. */
const POW2_BIAS = 80;
const POW2 = Array.from({ length: 100 }, (_, i) => 2 ** (i - POW2_BIAS));
const LOG10_2 = 0.3010299956639812;
/** Any rounding error of the comparisons below is far smaller than this. */
const MARGIN = 1e-9;

const ZERO = 0x30;
const DOT = 0x2e;
const MINUS = 0x2d;

/** The double's bits, to read its binary exponent and see a power of two. */
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH_WORD = new Uint32Array(new Float64Array([1]).buffer)[1] === 0x3ff00000 ? 1 : 0;
/** The candidate's digits, before the point is placed. */
const digits = new Uint8Array(20);

function splitHigh(x: number): number {
  const c = SPLIT * x;
  return c - (c - x);
}

/**
 * Writes String(n)'s text for `n` at `pos` of `b` (at least 25 bytes free) and returns the
 * position after it, or -1 (nothing written) where the caller must use String(n).
 */
export function writeShortest(b: Uint8Array, pos: number, n: number): number {
  const a = n < 0 ? -n : n;
  if (!(a >= 1e-6 && a < 1e17)) return -1;
  bits[0] = a;
  const high = words[HIGH_WORD] as number;
  // A power of two: the interval below is half the one above.
  if ((high & 0xfffff) === 0 && words[1 - HIGH_WORD] === 0) return -1;
  const exponent = (high >>> 20) - 1023;
  // a ∈ [2^e, 2^(e+1)): floor(log10 a) is floor(e·log10 2) or one more.
  // K = 16 − floor(log10 a), or one more (then hi ≥ 10^17 and K is lowered); for a below 10^-5
  // that one more would be 23, past the exact powers of ten, and 22 is right.
  let k = Math.min(16 - Math.floor(exponent * LOG10_2), 22);
  let hi = 0;
  let lo = 0;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (k < 0 || k > 22) return -1;
    const bh = POW10_HIGH[k] as number;
    const bl = POW10_LOW[k] as number;
    hi = a * (POW10[k] as number);
    const c = SPLIT * a;
    const ah = c - (c - a);
    const al = a - ah;
    lo = ah * bh - hi + ah * bl + al * bh + al * bl;
    if (hi < 1e17) break;
    k--;
  }
  // 10^16 ≤ P = hi + lo < 10^17 (hi < 10^17 leaves P below it: hi's ulp there is 16).
  if (!(hi < 1e17 && (hi > 1e16 || (hi === 1e16 && lo >= 0)))) return -1;
  const w = (POW10[k] as number) * (POW2[exponent - 53 + POW2_BIAS] as number);
  let upper = Math.floor(hi / 1e8);
  let lower = hi - upper * 1e8;
  if (lower < 0) {
    upper--;
    lower += 1e8;
  } else if (lower >= 1e8) {
    upper++;
    lower -= 1e8;
  }
  const tens = Math.floor(lower * 0.1);
  let r10 = lower - tens * 10;
  if (r10 < 0) r10 += 10;
  else if (r10 >= 10) r10 -= 10;
  const hundreds = Math.floor(lower * 0.01);
  let r100 = lower - hundreds * 100;
  if (r100 < 0) r100 += 100;
  else if (r100 >= 100) r100 -= 100;
  // 15, 16, then 17 digits: the nearest multiple of D = 10^(17−p) to P, when it reads back.
  let j = readsBack(r100, lo, 100, w);
  if (j === NONE) j = readsBack(r10, lo, 10, w);
  else return j === UNSURE ? -1 : writeCandidate(b, pos, n < 0, upper, lower - r100 + 100 * j, k);
  if (j === NONE) j = readsBack(0, lo, 1, w);
  else return j === UNSURE ? -1 : writeCandidate(b, pos, n < 0, upper, lower - r10 + 10 * j, k);
  return j === NONE || j === UNSURE ? -1 : writeCandidate(b, pos, n < 0, upper, lower + j, k);
}

/** readsBack's answers besides a j. */
const NONE = 100;
const UNSURE = 101;

/**
 * For P = q·d + r + lo (q an integer, 0 ≤ r < d, |lo| ≤ 8): the j for which (q + j)·d is the
 * multiple of d nearest to P, if that multiple is within w of P (reads back as n); NONE if
 * no multiple of d is; UNSURE when a comparison is too close to call (a tie between two
 * multiples that both read back, or a multiple on the interval's edge).
 */
function readsBack(r: number, lo: number, d: number, w: number): number {
  const t = r + lo;
  const m = d === 1 ? Math.floor(t) : t < 0 ? -1 : t >= d ? 1 : 0;
  const rest = t - d * m;
  const half = d * 0.5;
  if (Math.abs(rest - half) < MARGIN) return half < w + MARGIN ? UNSURE : NONE;
  const j = rest > half ? m + 1 : m;
  const distance = Math.abs(d * j - t);
  if (Math.abs(distance - w) < MARGIN) return UNSURE;
  return distance < w ? j : NONE;
}

/** Writes the decimal (upper·10^8 + lower)·10^-k as Number::toString lays it out. */
function writeCandidate(
  b: Uint8Array,
  pos: number,
  negative: boolean,
  upper: number,
  lower: number,
  k: number,
): number {
  if (lower >= 1e8) {
    upper++;
    lower -= 1e8;
  } else if (lower < 0) {
    upper--;
    lower += 1e8;
  }
  let all: number;
  if (upper >= 1e8 && upper < 1e9) {
    // The usual 9 + 8 digits, in independent chunks (a chain of 17 divisions by ten is slow).
    const top = upper | 0;
    const first = (top / 1e8) | 0;
    digits[0] = first;
    eightDigits(top - first * 1e8, 1);
    eightDigits(lower, 9);
    all = 17;
  } else {
    all = 8;
    for (let t = upper; t > 0; t = Math.floor(t / 10)) all++;
    let t = upper;
    for (let i = all - 9; i >= 0; i--) {
      const next = Math.floor(t / 10);
      digits[i] = t - next * 10;
      t = next;
    }
    eightDigits(lower, all - 8);
  }
  // Digits before the point; the significant digits without trailing zeros.
  const whole = all - k;
  let significant = all;
  while (digits[significant - 1] === 0) significant--;
  let p = pos;
  if (negative) b[p++] = MINUS;
  if (whole > 0 && whole < significant) {
    for (let i = 0; i < whole; i++) b[p++] = ZERO + (digits[i] as number);
    b[p++] = DOT;
    for (let i = whole; i < significant; i++) b[p++] = ZERO + (digits[i] as number);
  } else if (whole <= 0) {
    b[p++] = ZERO;
    b[p++] = DOT;
    for (let z = whole; z < 0; z++) b[p++] = ZERO;
    for (let i = 0; i < significant; i++) b[p++] = ZERO + (digits[i] as number);
  } else {
    for (let i = 0; i < significant; i++) b[p++] = ZERO + (digits[i] as number);
    for (let i = significant; i < whole; i++) b[p++] = ZERO;
  }
  return p;
}

/** The 8 digits of x < 10^8 (zero-padded) into digits[at…at+7]. */
function eightDigits(value: number, at: number): void {
  // As an int32, the divisions by constants below compile to multiplications.
  const x = value | 0;
  const high = (x / 1e4) | 0;
  const low = x - high * 1e4;
  const a = (high / 100) | 0;
  const b = high - a * 100;
  const c = (low / 100) | 0;
  const d = low - c * 100;
  const a1 = (a / 10) | 0;
  const b1 = (b / 10) | 0;
  const c1 = (c / 10) | 0;
  const d1 = (d / 10) | 0;
  digits[at] = a1;
  digits[at + 1] = a - a1 * 10;
  digits[at + 2] = b1;
  digits[at + 3] = b - b1 * 10;
  digits[at + 4] = c1;
  digits[at + 5] = c - c1 * 10;
  digits[at + 6] = d1;
  digits[at + 7] = d - d1 * 10;
}
