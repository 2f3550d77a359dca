/**
 * How an outer join finds the rows of an event (Esper's NStreamOuterQueryPlanBuilder and
 * TwoStreamQueryPlanBuilder): from the stream the event came from, a tree of lookups over the
 * on clauses' stream pairs. A child stream is *required* when its events must be found for
 * the parent's event to make a row (the parent is on the null-supplying side of the child: it
 * is inner to it, or they are inner-joined), and *optional* when the parent's event makes a
 * row even without them (they are null then: the child is inner to the parent, a full join
 * being inner both ways). Children are visited required first, each set in stream order, as
 * Esper lists them.
 *
 * Esper's assembly of the rows (outer-join-rows.ts) also stops early when a stream met on the
 * leading run of required lookups finds partners for none of its events: the `strict` streams.
 */
import { renderExpr } from '../expr/render-expr.js';
import { exprKey } from '../expr/simplify-expr.js';
import type { JoinIndexSpec } from './join-lookup-plan.js';
import type { JoinClausePlan, JoinKeyPart, JoinNode } from './logical-plan.js';

export interface OuterLookupNode {
  readonly stream: number;
  /** Whether the parent's event needs a partner here to make any row (the root: true). */
  readonly required: boolean;
  /** The index on this stream answering the lookup; undefined: scan (the root, or no equality). */
  readonly index: JoinIndexSpec | undefined;
  /** The parent's side of the equalities, one per index key. */
  readonly probe: readonly JoinKeyPart[];
  readonly children: readonly OuterLookupNode[];
}

export interface OuterLookupPlan {
  readonly from: number;
  readonly root: OuterLookupNode;
  /**
   * Streams of Esper's leading required lookups that have required children: when none of a
   * strict stream's events found all its required partners, the root event makes no row.
   */
  readonly strict: readonly number[];
}

/** Esper's outer-join graph: which stream is outer to which, and the inner-joined pairs. */
interface OuterGraph {
  /** `outerToInner[s]`: the streams inner to s (s's events make rows without them). */
  readonly outerToInner: readonly Set<number>[];
  /** Inner-joined pairs, with the index of their clause. */
  readonly innerPairs: readonly (readonly [number, number, number])[];
  /** The clause relating two streams, by unordered pair `lo,hi`. */
  readonly clauseOf: ReadonlyMap<string, number>;
  /** The on clauses' equalities between two streams, by unordered pair `lo,hi`. */
  readonly links: ReadonlyMap<string, readonly { readonly own: JoinKeyPart; readonly other: JoinKeyPart }[]>;
  readonly neighbours: readonly Set<number>[];
}

function graphOf(n: number, clauses: readonly JoinClausePlan[]): OuterGraph {
  const outerToInner = Array.from({ length: n }, () => new Set<number>());
  const neighbours = Array.from({ length: n }, () => new Set<number>());
  const innerPairs: [number, number, number][] = [];
  const clauseOf = new Map<string, number>();
  const links = new Map<string, { own: JoinKeyPart; other: JoinKeyPart }[]>();
  clauses.forEach((clause, index) => {
    const first = clause.equalities[0];
    if (first === undefined) return;
    const lower = Math.min(first.left.stream, first.right.stream);
    const higher = Math.max(first.left.stream, first.right.stream);
    clauseOf.set(`${lower},${higher}`, index);
    switch (clause.kind) {
      case 'full':
        outerToInner[lower]?.add(higher);
        outerToInner[higher]?.add(lower);
        break;
      case 'left':
        outerToInner[lower]?.add(higher);
        break;
      case 'right':
        outerToInner[higher]?.add(lower);
        break;
      case 'inner':
        innerPairs.push([lower, higher, index]);
        break;
    }
    for (const eq of clause.equalities) {
      neighbours[eq.left.stream]?.add(eq.right.stream);
      neighbours[eq.right.stream]?.add(eq.left.stream);
      for (const [own, other] of [
        [eq.left, eq.right],
        [eq.right, eq.left],
      ] as const) {
        // Keyed by (looked-up stream, bound stream).
        const key = `${own.stream},${other.stream}`;
        const list = links.get(key) ?? [];
        list.push({ own, other });
        links.set(key, list);
      }
    }
  });
  return { outerToInner, innerPairs, clauseOf, links, neighbours };
}

const ascending = (a: number, b: number) => a - b;

/**
 * The latest clause of an inner join that `stream`, or a stream reached from it over outer
 * edges, takes part in (Esper's recursiveHasInnerJoin); -1: none.
 */
function innerJoinReached(g: OuterGraph, stream: number, excluded: ReadonlySet<number>): number {
  let latest = -1;
  for (const [a, b, clause] of g.innerPairs)
    if (a === stream || b === stream) latest = Math.max(latest, clause);
  const next = new Set<number>(g.outerToInner[stream]);
  g.outerToInner.forEach((inner, s) => {
    if (inner.has(stream)) next.add(s);
  });
  const without = new Set(excluded).add(stream);
  for (const s of next) if (!excluded.has(s)) latest = Math.max(latest, innerJoinReached(g, s, without));
  return latest;
}

function lookupNode(
  g: OuterGraph,
  stream: number,
  parent: number,
  required: boolean,
  children: OuterLookupNode[],
) {
  const links = g.links.get(`${stream},${parent}`) ?? [];
  const keys = links.map((l) => l.own.expr);
  const index: JoinIndexSpec | undefined =
    links.length === 0 ? undefined : { stream, keys, id: `${stream}:${keys.map(exprKey).join('|')}` };
  return { stream, required, index, probe: links.map((l) => l.other), children };
}

/** The children of `stream` in the lookup tree (Esper's recursiveBuild), in visiting order. */
function buildChildren(g: OuterGraph, stream: number, completed: Set<number>): OuterLookupNode[] {
  completed.add(stream);
  const navigable = [...(g.neighbours[stream] ?? [])].filter((s) => !completed.has(s)).sort(ascending);
  if (navigable.length === 0) return [];
  // Required: a stream this one is inner to (a full join's partner too when it leads to an
  // inner join), and an inner-joined partner; optional: a stream inner to this one. An inner
  // stream that leads to an inner join Esper's planner leaves out of the tree (the statement
  // fails at run time); here it follows SQL: required when that inner join comes in a later
  // clause (`a left join b … inner join c on b.k = c.k` drops the a rows without b), optional
  // when earlier (`a inner join b … right join c on a.k = c.k` keeps every c).
  const isInner = (t: number) => g.outerToInner[stream]?.has(t) === true;
  const isOuter = (t: number) => g.outerToInner[t]?.has(stream) === true;
  const innerJoined = (t: number) =>
    g.innerPairs.some(([a, b]) => (a === stream && b === t) || (b === stream && a === t));
  const pairClause = (t: number) => g.clauseOf.get(`${Math.min(stream, t)},${Math.max(stream, t)}`) ?? -1;
  const required = navigable.filter((t) => {
    if (!isInner(t)) return isOuter(t) || innerJoined(t);
    const reached = innerJoinReached(g, t, completed);
    if (reached < 0) return false;
    return isOuter(t) || reached > pairClause(t);
  });
  const optional = navigable.filter((t) => !required.includes(t));
  for (const t of required) completed.add(t);
  const children: OuterLookupNode[] = [];
  for (const t of required) children.push(lookupNode(g, t, stream, true, buildChildren(g, t, completed)));
  for (const t of optional) children.push(lookupNode(g, t, stream, false, buildChildren(g, t, completed)));
  return children;
}

/**
 * Esper's leading required lookups: its lookup instructions in order (pre-order over the streams
 * that have children), from the root while each comes from a required stream; those with a
 * required child stop the root event's rows when none of their events found their partners.
 */
function strictStreams(root: OuterLookupNode): number[] {
  const order: OuterLookupNode[] = [];
  const visit = (node: OuterLookupNode) => {
    if (node.children.length > 0) order.push(node);
    for (const c of node.children) visit(c);
  };
  visit(root);
  const strict: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const node = order[i] as OuterLookupNode;
    if (i > 0 && !node.required) break;
    if (node.children.some((c) => c.required)) strict.push(node.stream);
  }
  return strict;
}

/** One plan per stream whose events trigger the join (every stream, or the unidirectional ones). */
export function planOuterJoin(node: JoinNode): OuterLookupPlan[] {
  const clauses = node.outer ?? [];
  const n = node.streams.length;
  const g = graphOf(n, clauses);
  const unidirectional = node.streams.filter((s) => s.unidirectional).length;
  const plans: OuterLookupPlan[] = [];
  for (let from = 0; from < n; from++) {
    const stream = node.streams[from];
    if (unidirectional > 0 && stream?.unidirectional !== true) continue;
    // Every stream unidirectional (a full outer join): an arrival is a row of its own.
    const children = unidirectional === n ? [] : buildChildren(g, from, new Set());
    const root: OuterLookupNode = { stream: from, required: true, index: undefined, probe: [], children };
    plans.push({ from, root, strict: strictStreams(root) });
  }
  return plans;
}

/** `a→(b? [index b.id=a.id]→c! [index …])`, for explain: `!` required, `?` optional. */
export function describeOuterLookups(node: JoinNode): string {
  const alias = (i: number) => node.streams[i]?.alias ?? '?';
  const describe = (n: OuterLookupNode): string => {
    const how =
      n.index === undefined
        ? 'scan'
        : `index ${n.index.keys.map((k, i) => `${renderExpr(k)}=${renderExpr((n.probe[i] as JoinKeyPart).expr)}`).join(', ')}`;
    const below = n.children.length === 0 ? '' : `→(${n.children.map(describe).join(', ')})`;
    return `${alias(n.stream)}${n.required ? '!' : '?'}[${how}]${below}`;
  };
  return planOuterJoin(node)
    .map((p) => {
      const below = p.root.children.length === 0 ? '' : `→(${p.root.children.map(describe).join(', ')})`;
      return `${alias(p.from)}${below}`;
    })
    .join('; ');
}

/** `b left outer on a.id = b.id, c full outer on b.id = c.id`, for explain. */
export function describeJoinClauses(node: JoinNode): string {
  return (node.outer ?? [])
    .map((clause, i) => {
      const on = clause.equalities.map((e) => `${renderExpr(e.left.expr)} = ${renderExpr(e.right.expr)}`);
      const kind = clause.kind === 'inner' ? 'inner' : `${clause.kind} outer`;
      return `${node.streams[i + 1]?.alias ?? '?'} ${kind} on ${on.join(' and ')}`;
    })
    .join(', ');
}
