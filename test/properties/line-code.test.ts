/**
 * The row writers' in-place number code (src/io/line-code.ts numberCode) against String(n),
 * the text it must reproduce byte for byte: integers, decimals of up to four places (the
 * shapes it writes itself, at the edges of its range too), and any double at all (which it
 * hands to the sink). A count of the values it hands over shows it writes the common shapes
 * itself, so a numberCode that always fell back would fail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSink, bytesOf } from '../../src/io/byte-sink.js';
import { NUMBER_ROOM, intDigits, numberCode, partsCode, storeCode } from '../../src/io/line-code.js';
import { capture } from '../io/capture.js';

type Line = (x: number) => void;

/** A generated writer of `[x]\n` over a small sink (lines cross buffer ends), counting fallbacks. */
function numberLine(): { write: (xs: readonly number[]) => string; fallbacks: () => number } {
  const out = capture();
  const sink = new ByteSink(out.stream, 48);
  let fallbacks = 0;
  const fallback = (x: number) => {
    fallbacks++;
    sink.number(x);
  };
  const code = partsCode([
    { bytes: bytesOf('[') },
    { room: NUMBER_ROOM, code: (rest) => numberCode('x', 'fallback(x)', rest) },
    { bytes: bytesOf(']\n') },
  ]);
  const line = new Function(
    's',
    'intDigits',
    'fallback',
    `return function line(x) { let b, v, p; ${code} s.pos = p; };`,
  )(sink, intDigits, fallback) as Line;
  return {
    write: (xs) => {
      for (const x of xs) line(x);
      sink.flush();
      return out.text();
    },
    fallbacks: () => fallbacks,
  };
}

const expected = (xs: readonly number[]) => xs.map((x) => `[${String(x)}]\n`).join('');

/** Decimals of at most four places, as prices and quantities are, around the in-place range's edges too. */
const decimals = fc.oneof(
  fc.integer({ min: -2_147_483_647, max: 2_147_483_647 }).map((m) => m / 10_000),
  fc.integer({ min: -99_999_999, max: 99_999_999 }).map((m) => m / 100),
  fc.integer({ min: -999_999, max: 999_999 }).map((m) => m / 1000),
  fc.integer({ min: -50, max: 50 }).map((d) => (2_147_483_648 + d) / 10_000),
  fc.integer({ min: 1, max: 9999 }).map((m) => m / 10_000),
);

const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.maxSafeInteger(),
  decimals,
  fc.integer({ min: -1e6, max: 1e6 }).map((c) => c / 7),
  fc.integer({ min: 1, max: 99_999 }).map((c) => c / 100_000),
  fc.constantFrom(
    0,
    -0,
    2 ** 31,
    -(2 ** 31),
    2 ** 31 - 1,
    2 ** 32,
    214748.3647,
    214748.3648,
    1e-4,
    5e-5,
    0.1 + 0.2,
  ),
);

describe('numberCode', () => {
  it('writes every double as String does', () => {
    fc.assert(
      fc.property(fc.array(anyNumber, { maxLength: 8 }), (xs) => {
        expect(numberLine().write(xs)).toBe(expected(xs));
      }),
      { numRuns: 5_000 },
    );
  });

  it('writes integers and decimals of up to four places itself', () => {
    const xs = fc.sample(fc.oneof(fc.integer(), decimals), 20_000);
    const line = numberLine();
    expect(line.write(xs)).toBe(expected(xs));
    // Only the values at 2^31·10^-4 and above (a few of the edge cases) are handed over.
    const above = xs.filter((x) => (x | 0) !== x && Math.abs(x) >= 214748.3648).length;
    expect(line.fallbacks()).toBe(above);
  });

  it('hands values of more places to the sink', () => {
    const xs = [0.12345, 1 / 3, 123.45678, 1e-5, 2 ** 40 + 0.5];
    const line = numberLine();
    expect(line.write(xs)).toBe(expected(xs));
    expect(line.fallbacks()).toBe(xs.length);
  });
});

describe('storeCode', () => {
  it('stores constants of every length, words and bytes, as they are', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 21 }), { maxLength: 5 }), (texts) => {
        const out = capture();
        const sink = new ByteSink(out.stream, 32);
        const code = partsCode(texts.map((t) => ({ bytes: bytesOf(t) })));
        new Function('s', `let b, v, p; ${code} s.pos = p;`)(sink);
        sink.flush();
        expect(out.text()).toBe(Buffer.from(texts.join('')).toString('utf8'));
      }),
    );
    expect(storeCode(bytesOf('abcdef'))).toContain('v.setUint32(p, ');
  });
});

describe('intDigits', () => {
  it('counts the digits of every non-negative integer below 2^32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        expect(intDigits(n)).toBe(String(n).length);
      }),
    );
    for (let d = 1; d <= 10; d++) {
      expect(intDigits(10 ** (d - 1))).toBe(d);
      if (d < 10) expect(intDigits(10 ** d - 1)).toBe(d);
    }
  });
});
