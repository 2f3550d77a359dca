/** `#name(args)` → a validated window stage, using the window registry (the grammar stays generic). */
import type { Expr, WindowArg, WindowSpec } from '../ast/ast.js';
import { renderExpressionName } from '../ast/render-name.js';
import { didYouMean } from '../common/closest-name.js';
import { WeirError } from '../common/errors.js';
import { simplifyExpr } from '../expr/simplify-expr.js';
import type { WindowStage } from '../plan/logical-plan.js';
import { lookupWindow, windowRegistry } from '../windows/registry.js';
import type { WindowArgument } from '../windows/window-def.js';
import { type BindContext, bindExpr, timePeriodMs } from './bind-expr.js';
import type { Scope } from './scope.js';

function isSorted(arg: WindowArg): arg is Extract<WindowArg, { kind: 'SortedArg' }> {
  return arg.kind === 'SortedArg';
}

function analyzeArgument(arg: WindowArg, scope: Scope): WindowArgument {
  const expr: Expr = isSorted(arg) ? arg.expr : arg;
  if (!isSorted(arg) && expr.kind === 'TimePeriod') {
    const ms = timePeriodMs(expr);
    if (ms === undefined) {
      throw new WeirError('analyze/invalid-window-parameter', 'Window time periods must be constants', {
        span: expr.span,
      });
    }
    return { kind: 'time-period', ms, span: expr.span };
  }
  const ctx: BindContext = {
    scope,
    aggregates: undefined,
    clause: 'window parameters',
    prevAllowed: false,
    priorAllowed: false,
  };
  const bound = simplifyExpr(bindExpr(expr, ctx));
  if (bound.kind === 'Const' && !isSorted(arg)) {
    return { kind: 'constant', value: bound.value, type: bound.type, span: expr.span };
  }
  return {
    kind: 'expression',
    expr: bound,
    type: bound.type,
    descending: isSorted(arg) ? arg.descending : undefined,
    text: renderExpressionName(expr),
    span: arg.span,
  };
}

function specText(spec: WindowSpec): string {
  const args = spec.args.map((a) =>
    isSorted(a)
      ? `${renderExpressionName(a.expr)}${a.descending ? ' desc' : ' asc'}`
      : renderExpressionName(a),
  );
  return `#${spec.name.name}(${args.join(', ')})`;
}

export function analyzeWindow(spec: WindowSpec, scope: Scope): WindowStage {
  const def = lookupWindow(spec.name.name);
  if (def === undefined) {
    const known = [...windowRegistry.keys()].sort().join(', ');
    throw new WeirError(
      'analyze/unknown-window',
      `Unknown data window '#${spec.name.name}'${didYouMean(spec.name.name, windowRegistry.keys())} (known: ${known})`,
      {
        span: spec.name.span,
      },
    );
  }
  const args = spec.args.map((a) => analyzeArgument(a, scope));
  const params = def.validate(args, spec.span);
  return { def, params, text: specText(spec) };
}
