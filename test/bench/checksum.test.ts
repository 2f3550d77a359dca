import { describe, expect, it } from 'vitest';
import { Checksum } from '../../bench/checksum.js';

type Call = [statement: string, time: number, rows: unknown[][]];

function checksumOf(calls: readonly Call[]): string {
  const out = new Checksum();
  for (const [name, time, rows] of calls) {
    const s = out.statement(name);
    s.begin(time);
    for (const row of rows) {
      for (const v of row) s.value(v);
      s.endRow();
    }
    s.end();
  }
  return out.value;
}

describe('Checksum', () => {
  const base: Call[] = [
    ['q', 1000, [['IBM', 10.5]]],
    [
      'q',
      2000,
      [
        ['IBM', 11],
        ['GE', null],
      ],
    ],
  ];

  it('is deterministic and counts rows', () => {
    expect(checksumOf(base)).toBe(checksumOf(base));
    expect(checksumOf(base).startsWith('3:')).toBe(true);
  });

  it('ignores the order of rows inside one call (a multiset, as Esper deliveries compare)', () => {
    const swapped: Call[] = [
      base[0] as Call,
      [
        'q',
        2000,
        [
          ['GE', null],
          ['IBM', 11],
        ],
      ],
    ];
    expect(checksumOf(swapped)).toBe(checksumOf(base));
  });

  it('depends on the order of calls, their times and how rows split into calls', () => {
    const reordered: Call[] = [base[1] as Call, base[0] as Call];
    const retimed: Call[] = [['q', 1001, [['IBM', 10.5]]], base[1] as Call];
    const split: Call[] = [base[0] as Call, ['q', 2000, [['IBM', 11]]], ['q', 2000, [['GE', null]]]];
    for (const other of [reordered, retimed, split]) expect(checksumOf(other)).not.toBe(checksumOf(base));
  });

  it('tells values apart: null, 0, false, "0", NaN, Infinity, a changed string or number', () => {
    const values = [
      null,
      0,
      false,
      true,
      '0',
      '',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -1,
      10.5,
      10.51,
      'IBM',
      'IBN',
    ];
    const sums = values.map((v) => checksumOf([['q', 1, [[v]]]]));
    expect(new Set(sums).size).toBe(values.length);
  });

  it('hashes numbers on a 1e-6 grid: summation-order noise does not matter, real differences do', () => {
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const prices = [10.01, 20.02, 30.03, 0.07, 99.99, 45.5, 12.34, 0.01];
    const forward = avg(prices);
    const backward = avg([...prices].reverse());
    expect(checksumOf([['q', 1, [[forward]]]])).toBe(checksumOf([['q', 1, [[backward]]]]));
    expect(checksumOf([['q', 1, [[0.1 + 0.2]]]])).toBe(checksumOf([['q', 1, [[0.3]]]]));
    expect(checksumOf([['q', 1, [[0.3]]]])).not.toBe(checksumOf([['q', 1, [[0.300002]]]]));
  });

  it('keeps statements apart but does not depend on how their calls interleave', () => {
    const a: Call[] = [
      ['s0', 1, [[1]]],
      ['s1', 1, [[2]]],
    ];
    const interleaved: Call[] = [
      ['s1', 1, [[2]]],
      ['s0', 1, [[1]]],
    ];
    const swappedNames: Call[] = [
      ['s1', 1, [[1]]],
      ['s0', 1, [[2]]],
    ];
    expect(checksumOf(interleaved)).toBe(checksumOf(a));
    expect(checksumOf(swappedNames)).not.toBe(checksumOf(a));
  });

  it('records calls for diagnostics when asked', () => {
    const out = new Checksum(true);
    const s = out.statement('q');
    s.begin(5);
    s.str('A');
    s.num(1);
    s.endRow();
    s.end();
    expect(out.recordedCalls().get('q')).toEqual([{ time: 5, rows: [['A', 1]] }]);
  });
});
