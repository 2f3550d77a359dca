/**
 * Binding inside patterns: a filter `b=B(id = a.id)` reads its own event's properties as
 * `Prop` and earlier tags as `TagProp` (from ctx.tags); every-distinct keys and while guards
 * read only tags. Shared by the pattern binder and the match_recognize binder.
 */
import type { Expr } from '../ast/ast.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { type BindContext, bindExpr } from './bind-expr.js';
import type { EventSchema } from './event-schema.js';
import { type Scope, type TagBinding, streamScope, tagScope } from './scope.js';

function ctxFor(scope: Scope, clause: string): BindContext {
  return { scope, aggregates: undefined, clause, prevAllowed: false, priorAllowed: false };
}

/** `Type(f1, f2)` in a pattern: the conjunction, or undefined when there are no filters. */
export function bindPatternFilter(
  schema: EventSchema,
  filters: readonly Expr[],
  tags: ReadonlyMap<string, TagBinding>,
  outer?: (own: Scope) => Scope,
): BoundExpr | undefined {
  if (filters.length === 0) return undefined;
  // Tags shadow same-named properties only when written as `tag.prop`; a bare name is the event's own.
  const own = streamScope(schema, undefined);
  const scope = tagScopeOver(tags, outer === undefined ? own : outer(own));
  const bound = filters.map((f) => bindExpr(f, ctxFor(scope, 'pattern filters')));
  return bound.length === 1 ? bound[0] : { kind: 'Logic', op: 'and', operands: bound, type: 'boolean' };
}

/** An expression over tags only (every-distinct keys, while guards). */
export function bindTagExpr(expr: Expr, tags: ReadonlyMap<string, TagBinding>): BoundExpr {
  return bindExpr(expr, ctxFor(tagScope(tags, 'ctx'), 'pattern expressions'));
}

/** Tag references (`a.x`, `a[0].x`) go to ctx.tags; everything else to the event's own scope. */
function tagScopeOver(tags: ReadonlyMap<string, TagBinding>, own: Scope): Scope {
  const tagged = tagScope(tags, 'ctx', own);
  return {
    resolve(ref) {
      const head = ref.path[0];
      if (ref.path.length === 1 && head !== undefined && head.index === undefined) return own.resolve(ref);
      return tagged.resolve(ref);
    },
    wildcard: own.wildcard,
    hasStreamName: own.hasStreamName,
  };
}
