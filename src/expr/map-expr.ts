/** Rebuilds a bound expression bottom-up through `f` (identity kept when nothing changes). */
import type { BoundExpr } from './bound-expr.js';

export function mapExpr(e: BoundExpr, f: (e: BoundExpr) => BoundExpr): BoundExpr {
  const m = (x: BoundExpr) => mapExpr(x, f);
  let out: BoundExpr;
  switch (e.kind) {
    case 'Const':
    case 'Prop':
    case 'TagProp':
    case 'AggRef':
    case 'VarRef':
    case 'ContextProp':
      out = e;
      break;
    case 'TableRef': {
      const keys = e.keys.map(m);
      out = keys.every((k, i) => k === e.keys[i]) ? e : { ...e, keys };
      break;
    }
    case 'Subquery': {
      const operand = e.operand === undefined ? undefined : m(e.operand);
      const params = e.params.map(m);
      out =
        operand === e.operand && params.every((p, i) => p === e.params[i]) ? e : { ...e, operand, params };
      break;
    }
    case 'Neg':
    case 'Not':
    case 'NullTest':
    case 'Convert': {
      const operand = m(e.operand);
      out = operand === e.operand ? e : ({ ...e, operand } as BoundExpr);
      break;
    }
    case 'Arith':
    case 'Concat':
    case 'Compare': {
      const left = m(e.left);
      const right = m(e.right);
      out = left === e.left && right === e.right ? e : ({ ...e, left, right } as BoundExpr);
      break;
    }
    case 'Logic': {
      const operands = e.operands.map(m);
      out = operands.every((o, i) => o === e.operands[i]) ? e : { ...e, operands };
      break;
    }
    case 'InList': {
      const operand = m(e.operand);
      const list = e.list.map(m);
      out = operand === e.operand && list.every((o, i) => o === e.list[i]) ? e : { ...e, operand, list };
      break;
    }
    case 'Range': {
      const [operand, low, high] = [m(e.operand), m(e.low), m(e.high)];
      out = operand === e.operand && low === e.low && high === e.high ? e : { ...e, operand, low, high };
      break;
    }
    case 'LikeMatch': {
      const [operand, pattern] = [m(e.operand), m(e.pattern)];
      const escapeExpr = e.escape === undefined ? undefined : m(e.escape);
      out =
        operand === e.operand && pattern === e.pattern && escapeExpr === e.escape
          ? e
          : { ...e, operand, pattern, escape: escapeExpr };
      break;
    }
    case 'RegexMatch': {
      const [operand, pattern] = [m(e.operand), m(e.pattern)];
      out = operand === e.operand && pattern === e.pattern ? e : { ...e, operand, pattern };
      break;
    }
    case 'CaseWhen': {
      const operand = e.operand === undefined ? undefined : m(e.operand);
      const whens = e.whens.map((w) => {
        const [when, then] = [m(w.when), m(w.then)];
        return when === w.when && then === w.then ? w : { when, then };
      });
      const otherwise = e.otherwise === undefined ? undefined : m(e.otherwise);
      out =
        operand === e.operand && otherwise === e.otherwise && whens.every((w, i) => w === e.whens[i])
          ? e
          : { ...e, operand, whens, otherwise };
      break;
    }
    case 'Func': {
      const args = e.args.map(m);
      out = args.every((a, i) => a === e.args[i]) ? e : { ...e, args };
      break;
    }
    case 'PrevRef': {
      const [index, of] = [m(e.index), m(e.of)];
      out = index === e.index && of === e.of ? e : { ...e, index, of };
      break;
    }
    case 'PriorRef': {
      const of = m(e.of);
      out = of === e.of ? e : { ...e, of };
      break;
    }
  }
  return f(out);
}

/** Every sub-expression, parents first. */
export function forEachExpr(e: BoundExpr, visit: (e: BoundExpr) => void): void {
  mapExpr(e, (x) => {
    visit(x);
    return x;
  });
}

/** The direct sub-expressions of a bound expression. */
export function childExprs(expr: BoundExpr): BoundExpr[] {
  switch (expr.kind) {
    case 'Const':
    case 'Prop':
    case 'TagProp':
    case 'AggRef':
    case 'VarRef':
    case 'ContextProp':
      return [];
    case 'TableRef':
      return [...expr.keys];
    case 'Subquery':
      return [...(expr.operand === undefined ? [] : [expr.operand]), ...expr.params];
    case 'Neg':
    case 'Not':
    case 'NullTest':
    case 'Convert':
      return [expr.operand];
    case 'Arith':
    case 'Concat':
    case 'Compare':
      return [expr.left, expr.right];
    case 'Logic':
      return [...expr.operands];
    case 'InList':
      return [expr.operand, ...expr.list];
    case 'Range':
      return [expr.operand, expr.low, expr.high];
    case 'LikeMatch':
      return [expr.operand, expr.pattern, ...(expr.escape === undefined ? [] : [expr.escape])];
    case 'RegexMatch':
      return [expr.operand, expr.pattern];
    case 'CaseWhen':
      return [
        ...(expr.operand === undefined ? [] : [expr.operand]),
        ...expr.whens.flatMap((w) => [w.when, w.then]),
        ...(expr.otherwise === undefined ? [] : [expr.otherwise]),
      ];
    case 'Func':
      return [...expr.args];
    case 'PrevRef':
      return [expr.index, expr.of];
    case 'PriorRef':
      return [expr.of];
  }
}
