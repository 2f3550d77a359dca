/**
 * A join's where clause after optimization: equalities become index lookups (never a scan
 * when an equality links the streams), one-stream conditions move onto their stream, the
 * rest stays a residual; explain shows the lookups and their index keys.
 */
import { describe, expect, it } from 'vitest';
import { explainModule } from '../../src/index.js';

const SCHEMAS = `
create schema O(oid int, cid int, n int);
create schema C(cid int, name string);
create schema P(oid int, amt int);
`;

function optimizedPlan(statement: string): string {
  const text = explainModule(`${SCHEMAS} ${statement}`);
  const start = text.indexOf('optimized plan:');
  return text.slice(start, text.indexOf('physical operators:', start));
}

describe('join planning', () => {
  it('answers every equality by an index, in both directions', () => {
    const plan = optimizedPlan(
      'select * from O#length(3) as o, C#length(3) as c, P#length(3) as p where o.cid = c.cid and p.oid = o.oid and p.amt > 5 and c.cid + p.amt > o.n',
    );
    expect(plan).toContain('Join o=O, c=C, p=P if (p.amt > 5); on o.cid = c.cid and p.oid = o.oid');
    expect(plan).toContain('o→c[index c.cid=o.cid]→p[index p.oid=o.oid]');
    expect(plan).toContain('c→o[index o.cid=c.cid]→p[index p.oid=o.oid]');
    expect(plan).toContain('p→o[index o.oid=p.oid]→c[index c.cid=o.cid]');
    expect(plan).toContain('residual');
    expect(plan).not.toContain('[scan]');
    expect(plan).not.toContain('Filter');
  });

  it('uses both equalities of a two-part key in one index', () => {
    const plan = optimizedPlan(
      'select * from O#length(3) as o, P#length(3) as p where o.oid = p.oid and o.n = p.amt',
    );
    expect(plan).toContain('o→p[index p.oid=o.oid, p.amt=o.n]');
  });

  it('scans only a stream no equality reaches (a cross product)', () => {
    const plan = optimizedPlan('select * from O#length(3) as o, C#length(3) as c where o.cid < c.cid');
    expect(plan).toContain('cross product');
    expect(plan).toContain('o→c[scan]');
    expect(plan).toContain('residual (o.cid < c.cid)');
  });
});
