import type { BoundExpr } from './bound-expr.js';
/**
 * Expression simplification used by the optimizer: constant folding (a subtree reading
 * nothing from the row becomes its value, computed by the same compiled code that would
 * run per event, so the two can never disagree) and three-valued-logic-safe boolean rules.
 */
import { evaluateConstant } from './compile-expr.js';
import { mapExpr } from './map-expr.js';

/** A canonical string for structural equality (plans are plain data). */
export function exprKey(e: BoundExpr): string {
  return JSON.stringify(e);
}

export function exprEquals(a: BoundExpr, b: BoundExpr): boolean {
  return a === b || exprKey(a) === exprKey(b);
}

/** `a and b and c` → [a, b, c]; anything else → [e]. */
export function splitConjuncts(e: BoundExpr): BoundExpr[] {
  return e.kind === 'Logic' && e.op === 'and' ? e.operands.flatMap(splitConjuncts) : [e];
}

function readsRow(e: BoundExpr): boolean {
  let reads = false;
  mapExpr(e, (x) => {
    if (
      x.kind === 'Prop' ||
      x.kind === 'TagProp' ||
      x.kind === 'AggRef' ||
      x.kind === 'PrevRef' ||
      x.kind === 'PriorRef' ||
      // Not constants either: they change while the statement runs (or per partition).
      x.kind === 'VarRef' ||
      x.kind === 'TableRef' ||
      x.kind === 'ContextProp' ||
      x.kind === 'Subquery'
    ) {
      reads = true;
    }
    return x;
  });
  return reads;
}

function fold(e: BoundExpr): BoundExpr {
  if (e.kind === 'Const' || readsRow(e)) return e;
  const value = evaluateConstant(e);
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    typeof value === 'number'
  ) {
    return { kind: 'Const', value, type: value === null ? (e.type === 'null' ? 'null' : e.type) : e.type };
  }
  return e;
}

function simplifyLogic(e: Extract<BoundExpr, { kind: 'Logic' }>): BoundExpr {
  const neutral = e.op === 'and';
  const flat = e.operands.flatMap((o) => (o.kind === 'Logic' && o.op === e.op ? o.operands : [o]));
  const kept: BoundExpr[] = [];
  const seen = new Set<string>();
  for (const o of flat) {
    if (o.kind === 'Const' && o.value === !neutral) return o; // false in `and`, true in `or` decides
    if (o.kind === 'Const' && o.value === neutral) continue; // true in `and`, false in `or` is neutral
    const key = exprKey(o);
    if (seen.has(key)) continue; // x and x ≡ x, also with nulls
    seen.add(key);
    kept.push(o);
  }
  if (kept.length === 0) return { kind: 'Const', value: neutral, type: 'boolean' };
  if (kept.length === 1 && (kept[0] as BoundExpr).type === 'boolean') return kept[0] as BoundExpr;
  return kept.length === flat.length && flat.length === e.operands.length ? e : { ...e, operands: kept };
}

function simplifyNode(e: BoundExpr): BoundExpr {
  switch (e.kind) {
    case 'Logic':
      return fold(simplifyLogic(e));
    case 'Not':
      // not not x ≡ x for a boolean x (null stays null).
      if (e.operand.kind === 'Not' && e.operand.operand.type === 'boolean') return e.operand.operand;
      return fold(e);
    default:
      return fold(e);
  }
}

export function simplifyExpr(e: BoundExpr): BoundExpr {
  return mapExpr(e, simplifyNode);
}
