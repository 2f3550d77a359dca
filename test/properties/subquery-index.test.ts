/**
 * A correlated subquery answered by its hash index equals the same subquery answered by a
 * scan of its window: `not (b.id != a.id)` means `b.id = a.id` (null for a null side) but is
 * no equality, so the planner scans. Each form (aggregated value, single-row value, exists,
 * in, all) over random events with null keys, through the engine, with `#length` windows and
 * `#unique` (which replaces events).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/row.js';
import { createEngine } from '../../src/index.js';
import { explainModule } from '../../src/runtime/explain-module.js';

const SCHEMAS = `
create schema A(id string, v int);
create schema B(id string, v int);
`;

function statement(window: string, eq: (l: string, r: string) => string): string {
  return `select a.id as id, a.v as v,
    (select sum(b.v) from B${window} as b where ${eq('b.id', 'a.id')}) as s,
    (select b.v from B${window} as b where ${eq('b.id', 'a.id')} and b.v >= a.v) as one,
    exists (select * from B${window} as b where ${eq('b.id', 'a.id')} and b.v > a.v) as e,
    a.v in (select b.v from B${window} as b where ${eq('b.id', 'a.id')}) as i,
    a.v > all (select b.v from B${window} as b where ${eq('b.id', 'a.id')}) as al
    from A as a`;
}

describe('subquery with a hash index vs the same subquery by scan', () => {
  for (const window of ['#length(3)', '#unique(v)']) {
    it(`every subquery form over ${window}`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              stream: fc.constantFrom('A', 'B', 'B'),
              id: fc.option(fc.constantFrom('x', 'y'), { nil: null, freq: 5 }),
              v: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 6 }),
            }),
            { minLength: 1, maxLength: 30 },
          ),
          (input) => {
            const engine = createEngine();
            const [indexed, scanned] = engine.deploy(`${SCHEMAS}
              @name('indexed') ${statement(window, (l, r) => `${l} = ${r}`)};
              @name('scanned') ${statement(window, (l, r) => `not (${l} != ${r})`)};`);
            const got: Record<string, Row[]> = { indexed: [], scanned: [] };
            indexed?.subscribe((ins) => got.indexed?.push(...(ins ?? [])));
            scanned?.subscribe((ins) => got.scanned?.push(...(ins ?? [])));
            input.forEach((e, i) => engine.send(e.stream, { id: e.id, v: e.v }, 1000 * (i + 1)));
            expect(got.indexed).toEqual(got.scanned);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('the planner indexes the equality and scans the negated inequality', () => {
    const text = explainModule(`${SCHEMAS}
      @name('indexed') ${statement('#length(3)', (l, r) => `${l} = ${r}`)};
      @name('scanned') ${statement('#length(3)', (l, r) => `not (${l} != ${r})`)};`);
    expect(text.match(/hash index lookup/g)?.length).toBe(5);
    expect(text.match(/scan of the window per evaluation/g)?.length).toBe(5);
  });
});
