/**
 * How deep Esper's filter service files a pattern filter: one level per filter parameter it
 * plans (an equality, a comparison or range on one property against constants or earlier
 * tags, an `in` list, a null test), plus one for everything else combined into a boolean
 * expression. Among the filters one event matches, Esper triggers the deeper ones first
 * (its filter tree visits a node's indexes before the filters resting at the node), so a
 * more constrained filter is processed before a less constrained one of the same type: in
 * `a=A and not A(id = b.id)` an A with that id ends the `not` before `a` can complete.
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { forEachExpr } from '../expr/map-expr.js';
import { splitConjuncts } from '../expr/simplify-expr.js';
import type { MatchFilterNode } from './pattern-plan.js';

export function filterDepth(node: MatchFilterNode): number {
  const conjuncts = node.predicate === undefined ? [] : splitConjuncts(node.predicate);
  let depth = node.correlation === undefined ? 0 : 1;
  let residual = false;
  const ranged = new Set<string>();
  for (const c of conjuncts) {
    const prop = indexedProperty(c);
    if (prop === undefined) residual = true;
    else if (prop.relational) {
      // Two bounds on one property form one range parameter.
      if (!ranged.has(prop.name)) depth++;
      ranged.add(prop.name);
    } else depth++;
  }
  return residual ? depth + 1 : depth;
}

/** The event property a conjunct constrains in a way Esper indexes, if any. */
function indexedProperty(c: BoundExpr): { name: string; relational: boolean } | undefined {
  switch (c.kind) {
    case 'Compare': {
      const [own, other] =
        ownProp(c.left) !== undefined
          ? [c.left, c.right]
          : ownProp(c.right) !== undefined
            ? [c.right, c.left]
            : [];
      const name = own === undefined ? undefined : ownProp(own);
      if (name === undefined || other === undefined || readsOwnEvent(other)) return undefined;
      return { name, relational: c.op !== '=' && c.op !== '!=' };
    }
    case 'InList':
    case 'NullTest': {
      const name = ownProp(c.operand);
      if (name === undefined) return undefined;
      if (c.kind === 'InList' && c.list.some(readsOwnEvent)) return undefined;
      return { name, relational: false };
    }
    case 'Range': {
      const name = ownProp(c.operand);
      if (name === undefined || readsOwnEvent(c.low) || readsOwnEvent(c.high)) return undefined;
      return { name, relational: false };
    }
    default:
      return undefined;
  }
}

function ownProp(e: BoundExpr): string | undefined {
  return e.kind === 'Prop' && e.path.length === 1 ? String(e.path[0]) : undefined;
}

function readsOwnEvent(e: BoundExpr): boolean {
  let reads = false;
  forEachExpr(e, (x) => {
    if (x.kind === 'Prop') reads = true;
  });
  return reads;
}
