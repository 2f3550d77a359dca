/**
 * How a join finds the partners of an event: for each stream an event can come from, the
 * order in which the other streams are visited, and for each visited stream the index that
 * answers it (Esper's join query plan). A stream linked by equalities to streams already
 * bound is looked up in a hash index keyed on its side of those equalities; only a stream
 * with no such equality is scanned whole (a cross product). Streams with more equalities to
 * the bound ones are visited first, so each lookup is as selective as the plan allows.
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { renderExpr } from '../expr/render-expr.js';
import { exprKey } from '../expr/simplify-expr.js';
import type { JoinKeyPart, JoinNode, SharedJoinSource } from './logical-plan.js';

/** A hash index over one stream's events, keyed by expressions of that stream (on the join row). */
export interface JoinIndexSpec {
  readonly stream: number;
  readonly keys: readonly BoundExpr[];
  /** Identifies the index: lookups with the same key expressions share it. */
  readonly id: string;
}

export interface LookupStep {
  readonly stream: number;
  /** undefined: no equality links this stream to the bound ones, every event is a candidate. */
  readonly index: JoinIndexSpec | undefined;
  /** The already-bound sides of the equalities, giving the key to look up (one per index key). */
  readonly probe: readonly JoinKeyPart[];
}

/** The steps for events arriving (or leaving) on stream `from`. */
export interface LookupPlan {
  readonly from: number;
  readonly steps: readonly LookupStep[];
}

/**
 * One plan per stream whose events trigger the join: every stream, or only the
 * unidirectional one (the others' windows are only looked up).
 */
export function planJoinLookups(node: JoinNode): LookupPlan[] {
  const n = node.streams.length;
  const plans: LookupPlan[] = [];
  const unidirectional = node.streams.some((s) => s.unidirectional);
  for (let from = 0; from < n; from++) {
    if (unidirectional && node.streams[from]?.unidirectional !== true) continue;
    const bound = new Set([from]);
    const steps: LookupStep[] = [];
    while (bound.size < n) {
      let best = -1;
      let bestLinks: { own: BoundExpr; other: JoinKeyPart }[] = [];
      for (let s = 0; s < n; s++) {
        if (bound.has(s)) continue;
        const links = linksTo(node, s, bound);
        if (best < 0 || links.length > bestLinks.length) {
          best = s;
          bestLinks = links;
        }
      }
      bound.add(best);
      if (bestLinks.length === 0) {
        steps.push({ stream: best, index: undefined, probe: [] });
        continue;
      }
      const keys = bestLinks.map((l) => l.own);
      steps.push({
        stream: best,
        index: { stream: best, keys, id: `${best}:${keys.map(exprKey).join('|')}` },
        probe: bestLinks.map((l) => l.other),
      });
    }
    plans.push({ from, steps });
  }
  return plans;
}

/** The equalities between stream `s` and the bound streams, as (s's side, the bound side). */
function linksTo(node: JoinNode, s: number, bound: ReadonlySet<number>) {
  const links: { own: BoundExpr; other: JoinKeyPart }[] = [];
  for (const eq of node.equalities) {
    if (eq.left.stream === s && bound.has(eq.right.stream)) {
      links.push({ own: eq.left.expr, other: eq.right });
    } else if (eq.right.stream === s && bound.has(eq.left.stream)) {
      links.push({ own: eq.right.expr, other: eq.left });
    }
  }
  return links;
}

/**
 * For a lookup into a table read as `alias`, keyed by `keys` (expressions on the row, as
 * `alias.col`): where each of the table's primary-key columns is found among the keys
 * (`t.k = …` for every key column, nothing else), so the lookup is one primary-key read;
 * undefined when the table must be scanned (or is no table).
 */
export function primaryKeyOrder(
  shared: SharedJoinSource | undefined,
  alias: string,
  keys: readonly BoundExpr[],
): number[] | undefined {
  if (shared?.kind !== 'table' || shared.keys.length === 0 || shared.keys.length !== keys.length)
    return undefined;
  const columns = keys.map((k) =>
    k.kind === 'Prop' && k.path.length === 2 && k.path[0] === alias ? k.path[1] : undefined,
  );
  const order = shared.keys.map((column) => columns.indexOf(column));
  return order.every((at) => at >= 0) && new Set(order).size === order.length ? order : undefined;
}

/** `a→b[index on b.auction = a.id]`, for explain. */
export function describeLookups(node: JoinNode): string {
  return planJoinLookups(node)
    .map((p) => {
      const from = node.streams[p.from]?.alias ?? '?';
      const steps = p.steps.map((st) => {
        const stream = node.streams[st.stream];
        const alias = stream?.alias ?? '?';
        const table = stream?.shared?.kind === 'table' ? `table ${stream.shared.name} ` : '';
        if (st.index === undefined) return `${alias}[${table}scan]`;
        const keys = st.index.keys.map(
          (k, i) => `${renderExpr(k)}=${renderExpr((st.probe[i] as JoinKeyPart).expr)}`,
        );
        if (table !== '') {
          const how = primaryKeyOrder(stream?.shared, alias, st.index.keys) ? 'primary key' : 'scan where';
          return `${alias}[${table}${how} ${keys.join(', ')}]`;
        }
        return `${alias}[index ${keys.join(', ')}]`;
      });
      return `${from}→${steps.join('→')}`;
    })
    .join('; ');
}
