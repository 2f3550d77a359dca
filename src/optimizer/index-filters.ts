/**
 * Marks one `property = constant` conjunct of each stream filter for the engine's filter
 * index (Esper's filter service): statements on one stream are then found by a hash lookup
 * on the event's property value instead of evaluating every statement's predicate.
 * Law: p ∧ r ≡ r evaluated only on events where p holds; the index answers p exactly
 * (a null property never equals a constant, and a hash lookup of null finds nothing).
 *   Before: StreamFilter (symbol = 'S7')
 *   After:  StreamFilter symbol = "S7" [index]
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { splitConjuncts } from '../expr/simplify-expr.js';
import type { IndexedEquality, LogicalPlan } from '../plan/logical-plan.js';
import { mapNodes } from './map-statements.js';
import type { OptimizerRule } from './rule.js';

function asEquality(e: BoundExpr): IndexedEquality | undefined {
  if (e.kind !== 'Compare' || e.op !== '=') return undefined;
  const pairs: [BoundExpr, BoundExpr][] = [
    [e.left, e.right],
    [e.right, e.left],
  ];
  for (const [prop, constant] of pairs) {
    if (prop.kind !== 'Prop' || prop.path.length !== 1 || constant.kind !== 'Const') continue;
    const value = constant.value;
    const name = prop.path[0];
    if (typeof name !== 'string' || value === null) continue;
    // Index only when JavaScript equality on the raw values equals EPL equality.
    const numeric =
      typeof value === 'number' && (prop.type === 'int' || prop.type === 'long' || prop.type === 'double');
    const text = typeof value === 'string' && prop.type === 'string';
    const bool = typeof value === 'boolean' && prop.type === 'boolean';
    if (numeric || text || bool) return { property: name, value };
  }
  return undefined;
}

function indexNode(node: LogicalPlan): LogicalPlan {
  if (node.kind !== 'StreamFilter' || node.indexed.length > 0 || node.predicate === undefined) return node;
  const conjuncts = splitConjuncts(node.predicate);
  const at = conjuncts.findIndex((c) => asEquality(c) !== undefined);
  if (at < 0) return node;
  const eq = asEquality(conjuncts[at] as BoundExpr) as IndexedEquality;
  const rest = conjuncts.filter((_, i) => i !== at);
  const predicate: BoundExpr | undefined =
    rest.length === 0
      ? undefined
      : rest.length === 1
        ? rest[0]
        : { kind: 'Logic', op: 'and', operands: rest, type: 'boolean' };
  return { ...node, indexed: [eq], predicate };
}

export const indexFilters: OptimizerRule = {
  name: 'index-filters',
  law: 'a `property = constant` conjunct is answered exactly by a hash lookup on the property value',
  rewrite: (plan) => mapNodes(plan, indexNode),
};
