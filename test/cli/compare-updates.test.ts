/** The golden comparator itself (test/support/compare-updates.ts), on hand-written lines. */
import { describe, expect, it } from 'vitest';
import { compareUpdates, parseLines, valuesEqual } from '../support/compare-updates.js';

const lines = (...l: string[]) => parseLines(l.join('\n'));

describe('compareUpdates', () => {
  it('accepts identical calls', () => {
    const text = '{"stmt":"a","time":1,"new":[{"x":1}],"old":null}';
    expect(compareUpdates(lines(text), lines(text))).toBeUndefined();
  });

  it('compares per statement in order, ignoring how statements interleave', () => {
    const expected = lines(
      '{"stmt":"a","time":1,"new":[{"x":1}],"old":null}',
      '{"stmt":"b","time":1,"new":[{"y":1}],"old":null}',
      '{"stmt":"a","time":2,"new":[{"x":2}],"old":null}',
    );
    const actual = lines(
      '{"stmt":"b","time":1,"new":[{"y":1}],"old":null}',
      '{"stmt":"a","time":1,"new":[{"x":1}],"old":null}',
      '{"stmt":"a","time":2,"new":[{"x":2}],"old":null}',
    );
    expect(compareUpdates(actual, expected)).toBeUndefined();
  });

  it('reports calls of one statement out of order, with both line numbers', () => {
    const expected = lines(
      '{"stmt":"a","time":1,"new":[{"x":1}],"old":null}',
      '{"stmt":"a","time":2,"new":[{"x":2}],"old":null}',
    );
    const actual = lines(
      '',
      '{"stmt":"a","time":2,"new":[{"x":2}],"old":null}',
      '{"stmt":"a","time":1,"new":[{"x":1}],"old":null}',
    );
    expect(compareUpdates(actual, expected)).toBe(
      [
        "statement 'a', call #1: time: expected 1, got 2",
        '  expected line 1: {"stmt":"a","time":1,"new":[{"x":1}],"old":null}',
        '  actual   line 2: {"stmt":"a","time":2,"new":[{"x":2}],"old":null}',
      ].join('\n'),
    );
  });

  it('treats the rows of one call as a multiset unless ordered', () => {
    const expected = lines('{"stmt":"a","time":1,"new":[{"x":1},{"x":2},{"x":1}],"old":null}');
    const actual = lines('{"stmt":"a","time":1,"new":[{"x":2},{"x":1},{"x":1}],"old":null}');
    expect(compareUpdates(actual, expected)).toBeUndefined();
    expect(compareUpdates(actual, expected, true)).toMatch(
      /^statement 'a', call #1: new\[0\] \(ordered\): expected \{"x":1\}, got \{"x":2\}/,
    );
  });

  it('counts duplicates in the multiset', () => {
    const expected = lines('{"stmt":"a","time":1,"new":[{"x":1},{"x":2}],"old":null}');
    const actual = lines('{"stmt":"a","time":1,"new":[{"x":1},{"x":1}],"old":null}');
    expect(compareUpdates(actual, expected)).toMatch(/new: expected row \{"x":2\} is missing/);
  });

  it('tells null from an empty side and reports a differing old side', () => {
    const expected = lines('{"stmt":"a","time":1,"new":[{"x":1}],"old":null}');
    expect(compareUpdates(lines('{"stmt":"a","time":1,"new":[{"x":1}],"old":[]}'), expected)).toMatch(
      /old: expected null, got 0 row\(s\)/,
    );
    expect(compareUpdates(lines('{"stmt":"a","time":1,"new":null,"old":null}'), expected)).toMatch(
      /new: expected 1 row\(s\), got null/,
    );
  });

  it('reports missing and extra calls and unexpected statements', () => {
    const expected = lines(
      '{"stmt":"a","time":1,"new":[{"x":1}],"old":null}',
      '{"stmt":"a","time":2,"new":[{"x":2}],"old":null}',
    );
    expect(compareUpdates(expected.slice(0, 1), expected)).toBe(
      [
        "statement 'a', call #2: 1 call(s), expected 2",
        '  expected line 2: {"stmt":"a","time":2,"new":[{"x":2}],"old":null}',
        '  actual  : (none)',
      ].join('\n'),
    );
    const extra = lines(
      '{"stmt":"a","time":1,"new":[{"x":1}],"old":null}',
      '{"stmt":"a","time":2,"new":[{"x":2}],"old":null}',
      '{"stmt":"z","time":2,"new":[{"x":2}],"old":null}',
    );
    expect(compareUpdates(extra, expected)).toMatch(/^statement 'z', call #1: 1 call\(s\), expected 0/);
  });

  it('distinguishes a missing column from a null one', () => {
    const expected = lines('{"stmt":"a","time":1,"new":[{"x":1,"y":null}],"old":null}');
    expect(compareUpdates(lines('{"stmt":"a","time":1,"new":[{"x":1}],"old":null}'), expected)).toMatch(
      /missing/,
    );
  });
});

describe('valuesEqual', () => {
  it('allows a relative error of 1e-9, not more', () => {
    expect(valuesEqual(0.1 + 0.2, 0.3)).toBe(true);
    expect(valuesEqual(1e12, 1e12 + 1e2)).toBe(true); // relative error 1e-10
    expect(valuesEqual(1e12, 1e12 + 1e4)).toBe(false); // relative error 1e-8
    expect(valuesEqual(1, 1.000000002)).toBe(false);
    expect(valuesEqual(0, 1e-300)).toBe(false);
    expect(valuesEqual(0, -0)).toBe(true);
  });

  it('matches the spelled non-finite numbers against numbers, not against other strings', () => {
    expect(valuesEqual(Number.NaN, 'NaN')).toBe(true);
    expect(valuesEqual('Infinity', Number.POSITIVE_INFINITY)).toBe(true);
    expect(valuesEqual('-Infinity', Number.POSITIVE_INFINITY)).toBe(false);
    expect(valuesEqual('NaN', 'NaN')).toBe(true);
    expect(valuesEqual('NaN', 'Infinity')).toBe(false);
    expect(valuesEqual(1, '1')).toBe(false);
    expect(valuesEqual(null, 0)).toBe(false);
  });

  it('compares nested arrays and objects by value', () => {
    expect(valuesEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 + 1e-15 }] })).toBe(true);
    expect(valuesEqual([1, 2], [2, 1])).toBe(false);
    expect(valuesEqual([1], { 0: 1 })).toBe(false);
  });
});

describe('parseLines', () => {
  it('names the line that is not JSON', () => {
    expect(() => parseLines('{"stmt":"a","time":1,"new":null,"old":null}\n{oops\n')).toThrow(
      /^line 2: not JSON/,
    );
  });
});
