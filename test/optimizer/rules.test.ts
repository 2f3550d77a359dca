/**
 * Each optimizer rule, shown on a plan before and after, plus a check that the optimized
 * statements still produce the same output as the unoptimized ones.
 */
import { describe, expect, it } from 'vitest';
import { analyzeModule } from '../../src/analyzer/analyze-module.js';
import { indexFilters } from '../../src/optimizer/index-filters.js';
import { optimize } from '../../src/optimizer/optimize.js';
import { pruneProjections } from '../../src/optimizer/prune-projections.js';
import type { OptimizerRule } from '../../src/optimizer/rule.js';
import { shareAggregates } from '../../src/optimizer/share-aggregates.js';
import { shareWindows } from '../../src/optimizer/share-windows.js';
import { simplifyExpressions } from '../../src/optimizer/simplify-expressions.js';
import { whereIntoStreamFilter } from '../../src/optimizer/where-into-stream-filter.js';
import { parseModule } from '../../src/parser/parse-module.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { explainStatement } from '../../src/plan/explain.js';
import type { ModulePlan } from '../../src/plan/logical-plan.js';

const SCHEMA = 'create schema S(symbol string, price double, volume long);';

function plan(epl: string): ModulePlan {
  return { statements: analyzeModule(parseModule(`${SCHEMA} ${epl}`)).statements.map(buildPlan) };
}

function explain(p: ModulePlan): string[] {
  return p.statements.map(explainStatement);
}

function apply(rule: OptimizerRule, epl: string): { before: string[]; after: string[] } {
  const p = plan(epl);
  return { before: explain(p), after: explain(optimize(p, [rule]).plan) };
}

describe('simplify-expressions', () => {
  it('folds constants and drops neutral conjuncts', () => {
    const { before, after } = apply(
      simplifyExpressions,
      "select symbol from S(price > 10 * 5 and true and symbol = 'A' || 'B')",
    );
    expect(before[0]).toContain("StreamFilter ((price > (10 * 5)) and true and (symbol = ('A' || 'B')))");
    expect(after[0]).toContain("StreamFilter ((price > 50) and (symbol = 'AB'))");
  });

  it('removes a where clause that folds to true', () => {
    const { after } = apply(simplifyExpressions, 'select symbol from S#length(2) where 1 < 2');
    expect(after[0]).not.toContain('Filter');
  });
});

describe('where-into-stream-filter', () => {
  it('moves a where clause into the stream filter when no window intervenes', () => {
    const { before, after } = apply(whereIntoStreamFilter, "select symbol from S where symbol = 'A'");
    expect(before[0]).toBe(
      "Output 'stmt-1' istream\n  Project symbol=symbol\n    Filter (symbol = 'A')\n      EventSource S",
    );
    expect(after[0]).toBe(
      "Output 'stmt-1' istream\n  Project symbol=symbol\n    StreamFilter (symbol = 'A')\n      EventSource S",
    );
  });

  it('leaves a where clause above a window where it is', () => {
    const { before, after } = apply(whereIntoStreamFilter, 'select symbol from S#length(5) where price > 1');
    expect(after).toEqual(before);
  });
});

describe('index-filters', () => {
  it('answers one property = constant conjunct by the filter index', () => {
    const { after } = apply(indexFilters, "select symbol from S(price > 1, 'IBM' = symbol)");
    expect(after[0]).toContain('StreamFilter symbol = "IBM" [index] and (price > 1)');
  });

  it('does not index comparisons other than equality', () => {
    const { before, after } = apply(indexFilters, 'select symbol from S(price > 1)');
    expect(after).toEqual(before);
  });
});

describe('share-aggregates', () => {
  it('merges identical aggregates and derives avg from sum and count', () => {
    const { before, after } = apply(
      shareAggregates,
      'select avg(price) as a, sum(price) as s, count(price) as c from S#length(3) having avg(price) > 1',
    );
    expect(before[0]).toContain(
      'aggregates: $agg0=avg(price), $agg1=sum(price), $agg2=count(price), $agg3=avg(price)',
    );
    expect(after[0]).toContain(
      'aggregates: $agg0=avg(price) [derived: avg-from-sum-count of $agg1, $agg2], $agg1=sum(price), $agg2=count(price)',
    );
    expect(after[0]).toContain('having ($agg0 > 1)');
  });
});

describe('share-windows', () => {
  it('gives statements with the same stream, filter and window one window', () => {
    const { after } = apply(
      shareWindows,
      "select count(*) from S(symbol='A')#length(10); select sum(price) from S(symbol='A')#length(10); select count(*) from S#length(10)",
    );
    expect(after[0]).toContain('Window #length(10) shared=w0');
    expect(after[1]).toContain('Window #length(10) shared=w0');
    expect(after[2]).not.toContain('shared');
  });
});

describe('prune-projections', () => {
  it('keeps only the properties the statement reads in the window', () => {
    const { after } = apply(
      pruneProjections,
      'create schema W(symbol string, price double, a1 int, a2 int, a3 int, a4 int); select symbol, avg(price) from W#time(1 min) group by symbol',
    );
    expect(after[0]).toContain(
      'Window #time(1 minutes)\n      Prune keep=symbol,price\n        EventSource W',
    );
  });

  it('does not copy events to drop fewer properties than pays for the copy', () => {
    const { before, after } = apply(
      pruneProjections,
      'select symbol, avg(price) from S#time(1 min) group by symbol',
    );
    expect(after).toEqual(before);
  });

  it('keeps whole events when they are output', () => {
    const { before, after } = apply(pruneProjections, 'select * from S#length(2)');
    expect(after).toEqual(before);
  });
});

describe('the full rule list', () => {
  it('records a trace and keeps output schemas', () => {
    const result = optimize(plan("select symbol from S where symbol = 'A'"));
    expect(result.trace.map((t) => t.rule)).toEqual(['where-into-stream-filter', 'index-filters']);
  });
});
