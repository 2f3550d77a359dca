/**
 * Moves a join's where clause into the join, split by what each conjunct reads:
 * - `a.x = b.y` (each side reading one stream, different streams) becomes an equality the
 *   join answers with hash indexes, instead of testing every combination;
 * - a conjunct reading one stream only (`a.x > 5`) becomes that stream's join predicate,
 *   checked once per event before it enters the join's index;
 * - everything else stays a residual, tested on candidate rows.
 * Law: Esper applies the where clause to the join's new and old rows alike, so a row is
 * posted iff every conjunct holds on it; a hash lookup finds exactly the events whose key is
 * `===` to the probe, which is EPL `=` when neither side is null or NaN (the index skips
 * those: `null = x` is null, not true), and a one-stream conjunct fails on every row holding
 * an event that fails it. The stream's data window is untouched (a where clause never moves
 * below a window: `S#length(5) where p` ≠ `S(p)#length(5)`). Pinned by test/golden/join-*
 * (one-stream conditions in join-length-irstream, residuals in join-non-equality, null keys
 * in join-unmatched) and by the property tests in test/properties/join.test.ts.
 *   Before: Filter ((a.id = b.auction) and (b.price > 10)) ← Join a=Auction, b=Bid; cross product
 *   After:  Join a=Auction, b=Bid if (b.price > 10); on a.id = b.auction
 * An outer join takes the where clause whole as its residual (Esper's post-join filter).
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { forEachExpr } from '../expr/map-expr.js';
import { splitConjuncts } from '../expr/simplify-expr.js';
import type { JoinEquality, JoinNode, JoinStream, LogicalPlan } from '../plan/logical-plan.js';
import { mapNodes } from './map-statements.js';
import type { OptimizerRule } from './rule.js';

/** The join streams (by index) an expression reads. */
function streamsRead(e: BoundExpr, aliases: readonly string[]): Set<number> {
  const read = new Set<number>();
  forEachExpr(e, (x) => {
    if (x.kind !== 'Prop') return;
    const at = aliases.indexOf(x.path[0] as string);
    if (at >= 0) read.add(at);
  });
  return read;
}

function only(set: ReadonlySet<number>): number | undefined {
  return set.size === 1 ? (set.values().next().value as number) : undefined;
}

function and(a: BoundExpr | undefined, b: BoundExpr): BoundExpr {
  if (a === undefined) return b;
  const left = a.kind === 'Logic' && a.op === 'and' ? a.operands : [a];
  return { kind: 'Logic', op: 'and', operands: [...left, b], type: 'boolean' };
}

function asEquality(e: BoundExpr, aliases: readonly string[]): JoinEquality | undefined {
  if (e.kind !== 'Compare' || e.op !== '=') return undefined;
  const left = only(streamsRead(e.left, aliases));
  const right = only(streamsRead(e.right, aliases));
  if (left === undefined || right === undefined || left === right) return undefined;
  return { left: { stream: left, expr: e.left }, right: { stream: right, expr: e.right } };
}

function pushIntoJoin(node: LogicalPlan): LogicalPlan {
  if (node.kind !== 'Filter' || node.input.kind !== 'Join') return node;
  const join: JoinNode = node.input;
  // An outer join tests the where clause on its result rows, null-padded ones included
  // (`b.id is null` keeps the rows of a's without partner): nothing moves below it.
  if (join.outer !== undefined) return { ...join, residual: and(join.residual, node.predicate) };
  const aliases = join.streams.map((s) => s.alias);
  const equalities: JoinEquality[] = [...join.equalities];
  const predicates: (BoundExpr | undefined)[] = join.streams.map((s) => s.predicate);
  let residual = join.residual;
  for (const conjunct of splitConjuncts(node.predicate)) {
    const equality = asEquality(conjunct, aliases);
    if (equality !== undefined) {
      equalities.push(equality);
      continue;
    }
    const single = only(streamsRead(conjunct, aliases));
    if (single !== undefined) predicates[single] = and(predicates[single], conjunct);
    else residual = and(residual, conjunct);
  }
  const streams: JoinStream[] = join.streams.map((s, i) => ({ ...s, predicate: predicates[i] }));
  return { ...join, streams, equalities, residual };
}

export const whereIntoJoin: OptimizerRule = {
  name: 'where-into-join',
  law: 'a join posts a row iff the where clause holds on it; `a.x = b.y` is a hash lookup, a one-stream conjunct a per-event test',
  rewrite: (plan) => mapNodes(plan, pushIntoJoin),
};
