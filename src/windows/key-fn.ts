import { WeirError } from '../common/errors.js';
/** Key of an event from one or more property expressions (unique, firstunique, groupwin). */
import type { Row } from '../common/row.js';
import type { Span } from '../common/span.js';
import { valueKey } from '../common/value-key.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { WindowArgument, WindowContext } from './window-def.js';
import { propertyExpr } from './window-params.js';

export function keyExprs(name: string, args: readonly WindowArgument[], span: Span): BoundExpr[] {
  if (args.length === 0) {
    throw new WeirError('analyze/invalid-window-parameter', `#${name} requires at least one property`, {
      span,
    });
  }
  return args.map((a) => propertyExpr(name, a, span));
}

export function makeKeyFn(exprs: readonly BoundExpr[], ctx: WindowContext): (row: Row) => unknown {
  const fns = exprs.map((e) => ctx.compile(e));
  const [only] = fns;
  if (fns.length === 1 && only !== undefined) return only;
  return (row) => valueKey(fns.map((f) => f(row)));
}
