/**
 * Projection pruning: a data window stores only the properties the statement reads later
 * (select, where, group by, having, order by, aggregate arguments, window parameters).
 * Law: an expression's value depends only on the properties it reads, so evaluating it on
 * a copy holding those properties gives the same result. Not applied when rows themselves
 * are output (`select *`, `window(*)`), in joins, or when the window is shared.
 * Cost: the copy is one allocation per event on the hot path, repaid only by what it frees
 * in every retained row; so the rule applies only when it drops at least
 * MIN_DROPPED_PROPERTIES properties (a four-property tick gains nothing from losing two).
 *   Before: Project symbol=symbol ← Window #length(3) ← EventSource StockTick
 *   After:  Project symbol=symbol ← Window #length(3) ← Prune keep=symbol ← EventSource StockTick
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { forEachExpr } from '../expr/map-expr.js';
import type { LogicalPlan, StatementPlan } from '../plan/logical-plan.js';
import { forEachNode } from '../plan/logical-plan.js';
import { mapNodes } from './map-statements.js';
import type { OptimizerRule } from './rule.js';

/** Fewer dropped properties than this do not pay for a copy per event. */
export const MIN_DROPPED_PROPERTIES = 4;

/** Properties read by the expressions of nodes above the window; undefined: rows are output whole. */
function propertiesRead(stmt: StatementPlan): Set<string> | undefined {
  const read = new Set<string>();
  let whole = false;
  const visit = (e: BoundExpr) =>
    forEachExpr(e, (x) => {
      if (x.kind === 'Prop' && typeof x.path[0] === 'string') read.add(x.path[0]);
    });
  forEachNode(stmt.root, (n) => {
    switch (n.kind) {
      case 'Project':
        if (n.columns === undefined) whole = true;
        else for (const c of n.columns) visit(c.expr);
        for (const o of n.orderBy) visit(o.expr);
        if (n.having !== undefined) visit(n.having);
        break;
      case 'Aggregate':
        for (const c of n.columns) visit(c.expr);
        for (const g of n.groupBy) visit(g);
        for (const o of n.orderBy) visit(o.expr);
        if (n.having !== undefined) visit(n.having);
        for (const a of n.aggregates) {
          if (a.kind !== 'computed') continue;
          if (a.arg !== undefined) visit(a.arg);
          else if (a.fn === 'window') whole = true;
        }
        break;
      case 'Filter':
        visit(n.predicate);
        break;
      case 'Window':
        collectParamProps(
          n.stages.map((s) => s.params),
          read,
        );
        break;
      case 'MatchRecognize':
      case 'PatternSource':
      // Join rows read `alias.property`; the streams' windows keep whole events.
      case 'Join':
        whole = true;
        break;
      default:
        break;
    }
  });
  return whole ? undefined : read;
}

/** Window parameters are opaque per kind; their bound expressions are found structurally. */
function collectParamProps(value: unknown, read: Set<string>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  const v = value as { kind?: unknown; path?: unknown };
  if (v.kind === 'Prop' && Array.isArray(v.path) && typeof v.path[0] === 'string') read.add(v.path[0]);
  for (const child of Object.values(value)) collectParamProps(child, read, depth + 1);
}

export const pruneProjections: OptimizerRule = {
  name: 'prune-projections',
  law: 'an expression reads only the properties it names, so windows need keep no others',
  rewrite(plan) {
    const reads = new Map(plan.statements.map((s) => [s.name, propertiesRead(s)]));
    return mapNodes(plan, (n: LogicalPlan, stmt) => {
      // (A prior buffer sits above the window and records the rows the window posts, so it
      // sees the pruned copies consistently.)
      if (n.kind !== 'Window' || n.shareKey !== undefined || n.input.kind === 'Prune') return n;
      const read = reads.get(stmt.name);
      if (read === undefined) return n;
      const keep = n.schema.map((c) => c.name).filter((name) => read.has(name));
      if (n.schema.length - keep.length < MIN_DROPPED_PROPERTIES) return n;
      const prune: LogicalPlan = {
        kind: 'Prune',
        input: n.input,
        properties: keep,
        schema: n.schema.filter((c) => keep.includes(c.name)),
      };
      return { ...n, input: prune };
    });
  },
};
