/** Hand-derived match_recognize cases: eager matching, alternation preference, skip strategies, partitions. */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import type { Row } from '../../src/index.js';

function run(clause: string, values: readonly (number | [string, number])[]): Row[] {
  const engine = createEngine();
  const [stmt] = engine.deploy(
    `create schema S(k string, v int); select * from S match_recognize (${clause})`,
  );
  const rows: Row[] = [];
  stmt?.subscribe((n) => rows.push(...(n ?? [])));
  values.forEach((x, i) => {
    const [k, v] = typeof x === 'number' ? ['p', x] : x;
    engine.send('S', { k, v }, (i + 1) * 1000);
  });
  return rows;
}

describe('match_recognize', () => {
  it('posts a match as soon as the pattern accepts, then skips past the last row', () => {
    const clause =
      'measures A.v as a, count(B.v) as n, last(B.v) as lb pattern (A B+) define A as A.v = 0, B as B.v > 0';
    expect(run(clause, [0, 1, 2, 0, 5])).toEqual([
      { a: 0, n: 1, lb: 1 },
      { a: 0, n: 1, lb: 5 },
    ]);
  });

  it('prefers the first alternative that matches', () => {
    const clause =
      'measures A.v as a, B.v as b pattern ((A | B) C) define A as A.v < 5, B as B.v < 10, C as C.v = 100';
    expect(run(clause, [3, 100])).toEqual([{ a: 3, b: null }]);
    expect(run(clause, [7, 100])).toEqual([{ a: null, b: 7 }]);
  });

  it('skip to next row lets a match start inside the previous one', () => {
    const base = 'measures A.v as a, B.v as b %SKIP% pattern (A B) define B as B.v > A.v';
    expect(run(base.replace('%SKIP%', ''), [1, 2, 3])).toEqual([{ a: 1, b: 2 }]);
    expect(run(base.replace('%SKIP%', 'after match skip to next row'), [1, 2, 3])).toEqual([
      { a: 1, b: 2 },
      { a: 2, b: 3 },
    ]);
  });

  it('matches each partition separately and reads prev() within the partition', () => {
    const clause = 'partition by k measures A.k as k, B.v as b pattern (A B) define B as B.v > prev(B.v)';
    expect(
      run(clause, [
        ['x', 5],
        ['y', 1],
        ['x', 3],
        ['y', 2],
        ['x', 4],
      ]),
    ).toEqual([
      { k: 'y', b: 2 },
      { k: 'x', b: 4 },
    ]);
  });

  it('counts exact and bounded repetitions', () => {
    const clause =
      'measures count(A.v) as n, sum(A.v) as s pattern (A{2} B?) define A as A.v > 0, B as B.v < 0';
    expect(run(clause, [1, 2, 3, 4])).toEqual([
      { n: 2, s: 3 },
      { n: 2, s: 7 },
    ]);
  });

  it('interval holds a match until the period after its first row has passed, keeping it greedy', () => {
    const timed = (clause: string) => {
      const engine = createEngine();
      const [stmt] = engine.deploy(
        `create schema S(k string, v int); select * from S match_recognize (${clause})`,
      );
      const out: unknown[] = [];
      stmt?.subscribe((n, _o, ctx) => out.push(...(n ?? []).map((r) => ({ time: ctx.time, ...r }))));
      for (const [ts, v] of [
        [1000, 150],
        [2000, 120],
        [3000, 130],
        [4000, 50],
        [9000, 200],
      ] as const) {
        engine.send('S', { k: 'p', v }, ts);
      }
      engine.advanceTime(20_000);
      return out;
    };
    const base =
      'measures A.v as a, count(B.v) as n pattern (A B*) %I% define A as A.v > 100, B as B.v > 100';
    // Eagerly (no interval), A alone already matches: B* may be empty.
    expect(timed(base.replace('%I%', ''))).toEqual([
      { time: 1000, a: 150, n: 0 },
      { time: 2000, a: 120, n: 0 },
      { time: 3000, a: 130, n: 0 },
      { time: 9000, a: 200, n: 0 },
    ]);
    // With an interval the match grows until 1000 + 5000, and the attempts that started
    // inside it are skipped (past last row).
    expect(timed(base.replace('%I%', 'interval 5 sec'))).toEqual([
      { time: 6000, a: 150, n: 2 },
      { time: 14000, a: 200, n: 0 },
    ]);
    // `or terminated` posts as soon as the match cannot grow (v = 50 at 4000 is not a B).
    expect(timed(base.replace('%I%', 'interval 5 sec or terminated'))).toEqual([
      { time: 4000, a: 150, n: 2 },
      { time: 14000, a: 200, n: 0 },
    ]);
  });

  it('rejects a define for a variable not in the pattern', () => {
    const engine = createEngine();
    expect(() =>
      engine.deploy(
        'create schema S(v int); select * from S match_recognize (measures A.v as a pattern (A) define Z as Z.v > 1)',
      ),
    ).toThrow(/Variable 'Z' does not appear in the pattern/);
  });

  describe('compile errors, as Esper reports them', () => {
    const deploy = (clause: string) => () =>
      createEngine().deploy(`create schema S(k string, v int); select * from S match_recognize (${clause})`);

    it('refuses a huge repeat at compile time instead of expanding it (issue 13 fuzzing)', () => {
      const started = Date.now();
      expect(
        deploy('measures count(A.v) as n pattern (A{2,99999999999999999999999}) define A as A.v > 0'),
      ).toThrow(/Pattern quantifier '99999999999999999999999' must be an integer/);
      expect(deploy('measures count(A.v) as n pattern (A{5000000}) define A as A.v > 0')).toThrow(
        /expands the pattern to 5000000 states; at most 1000/,
      );
      expect(deploy('measures count(A.v) as n pattern ((A B){600}) define A as A.v > 0')).toThrow(
        /expands the pattern to 1200 states/,
      );
      // Refused before anything is built: no time or memory spent on the copies.
      expect(Date.now() - started).toBeLessThan(5000);
      // The limit itself is accepted.
      expect(deploy('measures count(A.v) as n pattern (A{2,1000}) define A as A.v > 0')).not.toThrow();
    });

    it('checks quantifier bounds', () => {
      const define = ' define A as A.v > 0';
      expect(deploy(`measures count(A.v) as n pattern (A{0,3})${define}`)).toThrow(
        /Invalid pattern quantifier value 0, expecting a minimum of 1$/,
      );
      expect(deploy(`measures count(A.v) as n pattern (A{3,2})${define}`)).toThrow(
        /Invalid pattern quantifier value 3, expecting a minimum of 1 and maximum of 2/,
      );
      // `{n,m}` has no reluctant form in Esper's grammar.
      expect(deploy(`measures count(A.v) as n pattern (A{2,3}?)${define}`)).toThrow(/Unexpected '\?'/);
    });

    it('lets a define read only its own row and the single-row variables before it', () => {
      expect(deploy('measures A.v as a pattern (A B+ C) define C as C.v > B.v')).toThrow(
        /'B' may match several rows/,
      );
      expect(deploy('measures A.v as a pattern (A C) define A as A.v > C.v')).toThrow(
        /'C' does not occur before 'A'/,
      );
      expect(deploy('measures A.v as a pattern (A B+ C) define C as C.v > A.v')).not.toThrow();
    });

    it('requires a multi-row variable to be aggregated or indexed in measures', () => {
      const define = ' define B as B.v > 0';
      expect(deploy(`measures B.v as b pattern (A B+)${define}`)).toThrow(
        /'B' may match several rows: in measures/,
      );
      // A variable that occurs twice holds several rows.
      expect(deploy(`measures A.v as a pattern (A A)${define.replace(/B/g, 'A')}`)).toThrow(
        /'A' may match several rows/,
      );
      expect(deploy(`measures B[0].v as b, avg(B.v) as m pattern (A B+)${define}`)).not.toThrow();
      expect(deploy(`measures avg(A.v) as m pattern (A B+)${define}`)).toThrow(
        /exactly one variable that may match several rows/,
      );
    });

    it('reads prev as (property, index)', () => {
      expect(deploy('measures A.v as a pattern (A) define A as A.v > prev(1, A.v)')).toThrow(
        /prev takes a property and an optional constant index/,
      );
    });
  });
});
