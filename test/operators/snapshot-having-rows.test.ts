/**
 * `output snapshot` of an un-aggregated select with `having`: Esper's snapshot iterator transforms
 * each window event on its own and yields null where having rejects it (shared case rnx-012 posts
 * `"new":[null,null]`). With `select distinct` Weir keeps one null per delivery instead of failing
 * (found by the fuzz suite: DistinctOperator read the properties of a null row).
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';

type Call = { newEvents: unknown[] | null; oldEvents: unknown[] | null };

function run(select: string, events: Array<[number, number]>): Call[] {
  const engine = createEngine();
  engine.deploy(
    `create schema A(id int, v int);\n@name('q') ${select} from A#sort(2, v) having v > 0 output snapshot every 1 events`,
  );
  const calls: Call[] = [];
  engine.statement('q')?.subscribe((newEvents, oldEvents) => {
    calls.push({ newEvents: newEvents as unknown[] | null, oldEvents: oldEvents as unknown[] | null });
  });
  for (const [id, v] of events) engine.send('A', { id, v }, 1000);
  engine.close();
  return calls;
}

describe('output snapshot with having over un-aggregated rows', () => {
  it('posts a null for each window event having rejects, as Esper does', () => {
    const calls = run('select *', [
      [1, 0],
      [2, 5],
    ]);
    expect(calls.map((c) => c.newEvents)).toEqual([[null], [null, { id: 2, v: 5 }]]);
  });

  it('select distinct keeps one null per delivery and never fails on it', () => {
    const calls = run('select distinct *', [
      [1, 0],
      [2, 0],
      [3, 4],
    ]);
    // #sort(2, v) keeps the two smallest v: {1,0} and {2,0} (the third event leaves at once), all rejected.
    expect(calls.map((c) => c.newEvents)).toEqual([[null], [null], [null]]);
  });
});
