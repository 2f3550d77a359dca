/**
 * A statement's subquery (Esper's subselect): its own stream, stream filter and data window
 * (an instance of its own, fed by the stream like any statement's), a where clause, and a
 * select list, evaluated against the window's current contents whenever an outer expression
 * reads it. Its expressions read a candidate row `{ [alias]: event, $p: params }`: `params`
 * are the outer values the subquery is correlated with (SubqueryRefExpr.params).
 *
 * A correlated equality of the where clause (`b.id = a.id`: one side reads the subquery's
 * event only, the other the outer row only) is answered by a hash index on the window's
 * contents: one lookup per evaluation, the rest of the where clause tested on what it finds
 * (the whole where clause, as Esper evaluates its filter on the matching events).
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { forEachExpr } from '../expr/map-expr.js';
import { renderExpr } from '../expr/render-expr.js';
import { splitConjuncts } from '../expr/simplify-expr.js';
import { primaryKeyOrder } from './join-lookup-plan.js';
import type { SubqueryPlan } from './logical-plan.js';

export type { SubqueryPlan };

export const PARAMS = '$p';

/** One key of the subquery's index: a subquery-side expression and the outer side it equals. */
export interface SubqueryIndexKey {
  /** Reads the subquery's event only (on the candidate row). */
  readonly own: BoundExpr;
  /** Reads the params only (on the candidate row). */
  readonly outer: BoundExpr;
}

function reads(e: BoundExpr, alias: string): { own: boolean; outer: boolean } {
  let own = false;
  let outer = false;
  forEachExpr(e, (x) => {
    if (x.kind === 'Prop' && x.path[0] === alias) own = true;
    else if (x.kind === 'Prop' && x.path[0] === PARAMS) outer = true;
    else if (x.kind === 'AggRef' || x.kind === 'Subquery' || x.kind === 'PrevRef' || x.kind === 'PriorRef') {
      own = true;
      outer = true;
    }
  });
  return { own, outer };
}

/** The correlated equalities of the where clause, as index keys (none: scan the window). */
export function subqueryIndexKeys(sub: SubqueryPlan): SubqueryIndexKey[] {
  if (sub.where === undefined) return [];
  const keys: SubqueryIndexKey[] = [];
  for (const c of splitConjuncts(sub.where)) {
    if (c.kind !== 'Compare' || c.op !== '=') continue;
    const left = reads(c.left, sub.alias);
    const right = reads(c.right, sub.alias);
    if (left.own && !left.outer && right.outer && !right.own) keys.push({ own: c.left, outer: c.right });
    else if (right.own && !right.outer && left.outer && !left.own) keys.push({ own: c.right, outer: c.left });
  }
  return keys;
}

/** `subquery#1 B#length(5) as b: index b.id = $p0; aggregates max(b.v)`, for explain. */
export function describeSubquery(sub: SubqueryPlan): string {
  const keys = subqueryIndexKeys(sub);
  const window =
    sub.shared !== undefined
      ? ` (${sub.shared.kind === 'table' ? 'table' : 'named window'})`
      : sub.windows.length === 0
        ? ' (no window: every event so far)'
        : sub.windows.map((w) => w.text).join('');
  const pk = primaryKeyOrder(
    sub.shared,
    sub.alias,
    keys.map((k) => k.own),
  );
  const lookup =
    keys.length > 0
      ? `${pk !== undefined ? 'primary key' : sub.shared?.kind === 'table' ? 'scan where' : 'hash index on'} ${keys.map((k) => `${renderExpr(k.own)} = ${renderExpr(k.outer)}`).join(' and ')}`
      : sub.correlated
        ? 'scan (no correlated equality)'
        : 'uncorrelated';
  const filter = sub.where === undefined ? '' : `; where ${renderExpr(sub.where)}`;
  const aggs =
    sub.aggregates.length === 0
      ? ''
      : `; aggregates ${sub.aggregates.map((a) => (a.kind === 'computed' ? a.text : a.kind)).join(', ')}`;
  return `subquery#${sub.id} ${sub.stream}${window} as ${sub.alias}: ${lookup}${filter}${aggs}`;
}
