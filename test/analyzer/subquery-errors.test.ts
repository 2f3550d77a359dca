/** Subqueries: the analyzer's errors (Esper's rules) and what the plan shows. */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { explainModule } from '../../src/runtime/explain-module.js';
import { deployError as deployModuleError } from '../support/deploy-error.js';

const SCHEMAS = `
create schema A(id string, v int);
create schema B(id string, v int, w int);
`;

function deployError(statement: string) {
  return deployModuleError(`${SCHEMAS}\n${statement}`);
}

describe('subquery analysis', () => {
  it('requires a data window unless the subquery is uncorrelated and fully aggregated', () => {
    let e = deployError('select (select v from B) as x from A');
    expect(e.code).toBe('analyze/subquery-needs-window');
    expect(e.message).toContain('Subqueries require one or more views');
    e = deployError('select (select max(b.v) from B as b where b.id = a.id) as x from A as a');
    expect(e.code).toBe('analyze/subquery-needs-window');
    expect(() => createEngine().deploy(`${SCHEMAS} select (select max(v) from B) as x from A`)).not.toThrow();
  });

  it('rejects several columns where one value is compared, and mixed aggregation', () => {
    let e = deployError('select * from A where v in (select v, w from B#length(2))');
    expect(e.code).toBe('analyze/invalid-subquery');
    expect(e.message).toContain('selects one column');
    e = deployError('select (select max(v), w from B#length(2)) as x from A');
    expect(e.message).toContain('all of them or none of them');
  });

  it('names what is not supported yet', () => {
    const e = deployError('select (select count(*) from B#length(2) group by id) as x from A');
    expect(e.code).toBe('analyze/unsupported');
    expect(e.message).toContain('group by');
  });

  it('resolves names in the subquery stream first, then in the enclosing statement', () => {
    const engine = createEngine();
    const [stmt] = engine.deploy(`${SCHEMAS}
      select id, (select w from B#unique(id) where id = a.id) as w from A as a`);
    const rows: unknown[] = [];
    stmt?.subscribe((ins) => rows.push(...(ins ?? [])));
    engine.send('B', { id: 'x', v: 1, w: 10 }, 1000);
    engine.send('B', { id: 'y', v: 2, w: 20 }, 2000);
    engine.send('A', { id: 'y', v: 0 }, 3000);
    expect(rows).toEqual([{ id: 'y', w: 20 }]);
  });

  it('explain shows each subquery, its window and the hash index of a correlated equality', () => {
    const text = explainModule(
      `${SCHEMAS} select (select sum(b.v) from B#time(5 sec) as b where b.id = a.id and b.w > 1) as s from A as a`,
    );
    expect(text).toContain('subquery#0 B#time(5 seconds) as b: hash index on b.id = $p[0]');
    expect(text).toContain('hash index lookup (b.id) per evaluation');
  });
});
