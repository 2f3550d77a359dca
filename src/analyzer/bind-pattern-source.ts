/**
 * `from pattern [ … ]`: binds the pattern AST against the event types. Every tag's stream
 * and arity (tags inside a repeat or until collect arrays) are collected first, so filters,
 * guards and the select list can refer to them with types.
 */
import type { Expr, PatternExpr, PatternSource } from '../ast/ast.js';
import { renderExpressionName } from '../ast/render-name.js';
import { assertNever } from '../common/assert-never.js';
import { WeirError } from '../common/errors.js';
import { isNumericType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { splitConjuncts } from '../expr/simplify-expr.js';
import { describePattern } from '../patterns/describe-pattern.js';
import type { PatternNode, PatternPeriod, PatternPlan, PatternTag } from '../patterns/pattern-plan.js';
import type { AnalyzedSource } from '../plan/analyzed-statement.js';
import type { PlanSchema } from '../plan/logical-plan.js';
import { CRONTAB_FIELDS } from './analyze-output-clause.js';
import { MS_PER_UNIT, timePeriodMs } from './bind-expr.js';
import { bindPatternFilter, bindTagExpr } from './pattern-scope.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { type Scope, type TagBinding, tagScope } from './scope.js';

function periodMs(expr: Expr | undefined, what: string, span: PatternExpr['span']): number {
  if (expr?.kind === 'TimePeriod') {
    const ms = timePeriodMs(expr);
    if (ms !== undefined && ms > 0) return ms;
  }
  if (expr?.kind === 'Literal' && typeof expr.value === 'number' && expr.value > 0)
    return Math.round(expr.value * 1000);
  throw new WeirError('analyze/invalid-argument', `${what} requires a positive time period such as 10 sec`, {
    span: expr?.span ?? span,
  });
}

/** A constant period in ms (a time period or a number of seconds, signed), else undefined. */
function constantPeriodMs(expr: Expr): number | undefined {
  if (expr.kind === 'TimePeriod') return timePeriodMs(expr);
  if (expr.kind === 'Literal' && typeof expr.value === 'number') return Math.round(expr.value * 1000);
  if (expr.kind === 'Unary' && expr.op === '-') {
    const ms = constantPeriodMs(expr.operand);
    return ms === undefined ? undefined : -ms;
  }
  return undefined;
}

/**
 * The period of `timer:interval(p)` and `timer:within[max](p, …)`: as in Esper, a time period
 * or a number of seconds, constant or read from the tags matched before the timer starts
 * (`timer:interval(a.delay)`). Unlike Esper, a constant must be at least 1 ms: Esper fires a
 * zero or negative period at once, which lets `[1:] timer:interval(0) until B` or a restarting
 * `every (x where timer:within(0))` repeat forever within one instant (Esper overflows its
 * stack there); a period read from the tags that is below 1 ms waits 1 ms (pattern-period.ts).
 */
function patternPeriod(
  expr: Expr | undefined,
  what: string,
  span: PatternExpr['span'],
  tags: ReadonlyMap<string, TagBinding>,
): PatternPeriod {
  const constant = expr === undefined ? undefined : constantPeriodMs(expr);
  if (expr === undefined || (constant !== undefined && !(constant >= 1))) {
    throw new WeirError(
      'analyze/invalid-argument',
      `${what} requires a positive time period such as 10 sec (at least 1 msec)`,
      { span: expr?.span ?? span },
    );
  }
  if (constant !== undefined) return { kind: 'FixedPeriod', ms: constant };
  if (expr.kind === 'TimePeriod') {
    return {
      kind: 'TagPeriod',
      parts: expr.parts.map((p) => ({
        value: numericPart(p.value, what, tags),
        msPerUnit: MS_PER_UNIT[p.unit],
      })),
    };
  }
  return { kind: 'TagPeriod', parts: [{ value: numericPart(expr, what, tags), msPerUnit: 1000 }] };
}

/** Whether a time period appears anywhere inside an AST node (walked as plain data). */
function containsTimePeriod(node: unknown): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if ((node as { kind?: unknown }).kind === 'TimePeriod') return true;
  return Object.values(node).some(containsTimePeriod);
}

function numericPart(expr: Expr, what: string, tags: ReadonlyMap<string, TagBinding>): BoundExpr {
  // As in Esper's grammar, a time period is a whole parameter, never an operand.
  if (containsTimePeriod(expr)) {
    throw new WeirError(
      'analyze/invalid-argument',
      `${what} takes a time period alone (5 sec, 1 min 30 sec) or an expression giving seconds, not a time period inside an expression`,
      { span: expr.span },
    );
  }
  const bound = bindTagExpr(expr, tags);
  if (isNumericType(bound.type) || bound.type === 'any' || bound.type === 'null') return bound;
  throw new WeirError(
    'analyze/type-mismatch',
    `${what} requires a numeric or time period parameter, but '${renderExpressionName(expr)}' is ${bound.type}`,
    { span: expr.span },
  );
}

function constantInt(expr: Expr | undefined, what: string, span: PatternExpr['span']): number {
  if (
    expr?.kind === 'Literal' &&
    typeof expr.value === 'number' &&
    Number.isInteger(expr.value) &&
    expr.value >= 0
  ) {
    return expr.value;
  }
  throw new WeirError('analyze/invalid-argument', `${what} requires a non-negative integer constant`, {
    span: expr?.span ?? span,
  });
}

/** Largest repeat bound (Esper's bounds are Java ints). */
const MAX_REPEAT_BOUND = 2_147_483_647;

function repeatBound(expr: Expr | undefined, span: PatternExpr['span'], allowZero: boolean): number {
  const n = constantInt(expr, 'repeat bound', span);
  if (n > MAX_REPEAT_BOUND) {
    throw new WeirError(
      'analyze/invalid-argument',
      `A repeat bound may be at most ${MAX_REPEAT_BOUND}, got ${n}`,
      {
        span: expr?.span ?? span,
      },
    );
  }
  if (n === 0 && !allowZero) {
    throw new WeirError(
      'analyze/invalid-argument',
      'Incorrect range specification, a bounds value of zero or negative value is not allowed',
      { span: expr?.span ?? span },
    );
  }
  return n;
}

/**
 * Esper's match-until bounds: `[n]` exactly n (n > 0); `[n:m]` with 0 <= n <= m, m > 0;
 * `[n:]` and `[:m]` positive. Only equal bounds may go without `until`.
 */
function repeatBounds(node: Extract<PatternExpr, { kind: 'PatternRepeat' }>): {
  lower: number | undefined;
  upper: number | undefined;
} {
  if (node.exact) {
    const n = repeatBound(node.min, node.span, false);
    return { lower: n, upper: n };
  }
  const both = node.min !== undefined && node.max !== undefined;
  const lower = node.min === undefined ? undefined : repeatBound(node.min, node.span, both);
  const upper = node.max === undefined ? undefined : repeatBound(node.max, node.span, false);
  if (lower !== undefined && upper !== undefined && lower > upper) {
    throw new WeirError(
      'analyze/invalid-argument',
      `Incorrect range specification, lower bounds value '${lower}' is higher than higher bounds '${upper}'`,
      { span: node.span },
    );
  }
  const tightlyBound = lower !== undefined && lower === upper;
  if (!tightlyBound && node.until === undefined) {
    throw new WeirError(
      'analyze/invalid-argument',
      'Variable bounds repeat operator requires an until-expression',
      {
        span: node.span,
      },
    );
  }
  return { lower, upper };
}

function collectTags(
  node: PatternExpr,
  inRepeat: boolean,
  catalog: SchemaCatalog,
  out: Map<string, TagBinding & { stream: string }>,
): void {
  switch (node.kind) {
    case 'PatternFilter': {
      const schema = catalog.require(node.stream);
      if (node.tag === undefined) return;
      const existing = out.get(node.tag.name);
      if (existing !== undefined && existing.stream !== schema.name) {
        throw new WeirError(
          'analyze/invalid-argument',
          `Tag '${node.tag.name}' is bound to two different event types`,
          {
            span: node.tag.span,
          },
        );
      }
      out.set(node.tag.name, {
        schema,
        isArray: inRepeat || existing?.isArray === true,
        stream: schema.name,
      });
      return;
    }
    case 'PatternRepeat':
      collectTags(node.child, true, catalog, out);
      if (node.until !== undefined) collectTags(node.until, inRepeat, catalog, out);
      return;
    case 'PatternEvery':
    case 'PatternEveryDistinct':
    case 'PatternNot':
    case 'PatternGuard':
      collectTags(node.child, inRepeat, catalog, out);
      return;
    case 'PatternFollowedBy':
    case 'PatternAnd':
    case 'PatternOr':
      for (const c of node.children) collectTags(c, inRepeat, catalog, out);
      return;
    case 'PatternObserver':
      return;
    default:
      assertNever(node, 'pattern');
  }
}

function tagsWithin(node: PatternExpr): string[] {
  switch (node.kind) {
    case 'PatternFilter':
      return node.tag === undefined ? [] : [node.tag.name];
    case 'PatternRepeat':
      return [...tagsWithin(node.child), ...(node.until === undefined ? [] : tagsWithin(node.until))];
    case 'PatternEvery':
    case 'PatternEveryDistinct':
    case 'PatternNot':
    case 'PatternGuard':
      return tagsWithin(node.child);
    case 'PatternFollowedBy':
    case 'PatternAnd':
    case 'PatternOr':
      return node.children.flatMap(tagsWithin);
    case 'PatternObserver':
      return [];
  }
}

/** Only reads tags (ctx.tags), never the event's own properties. */
function readsOnlyTags(e: BoundExpr): boolean {
  return JSON.stringify(e).includes('"TagProp"') && !JSON.stringify(e).includes('"kind":"Prop"');
}

class PatternBinder {
  private nextId = 0;
  readonly streams = new Set<string>();

  constructor(
    private readonly catalog: SchemaCatalog,
    private readonly tags: ReadonlyMap<string, TagBinding>,
    /** Names a filter reads besides its event and the tags (a context's started events), or undefined. */
    private readonly outer: ((own: Scope) => Scope) | undefined,
  ) {}

  bind(node: PatternExpr): PatternNode {
    switch (node.kind) {
      case 'PatternFilter': {
        const schema = this.catalog.require(node.stream);
        this.streams.add(schema.name);
        const visible = new Map([...this.tags].filter(([name]) => name !== node.tag?.name));
        const predicate = bindPatternFilter(schema, node.filters, visible, this.outer);
        const conjuncts = predicate === undefined ? [] : splitConjuncts(predicate);
        let correlation: { property: string; tagSide: BoundExpr } | undefined;
        const residual: BoundExpr[] = [];
        for (const c of conjuncts) {
          if (correlation === undefined && c.kind === 'Compare' && c.op === '=') {
            const [own, other] =
              c.left.kind === 'Prop' && readsOnlyTags(c.right)
                ? [c.left, c.right]
                : c.right.kind === 'Prop' && readsOnlyTags(c.left)
                  ? [c.right, c.left]
                  : [undefined, undefined];
            if (own?.kind === 'Prop' && own.path.length === 1 && other !== undefined) {
              correlation = { property: String(own.path[0]), tagSide: other };
              continue;
            }
          }
          residual.push(c);
        }
        return {
          kind: 'MatchFilter',
          id: this.nextId++,
          tag: node.tag?.name,
          stream: schema.name,
          predicate:
            residual.length === 0
              ? undefined
              : residual.length === 1
                ? residual[0]
                : { kind: 'Logic', op: 'and', operands: residual, type: 'boolean' },
          correlation,
          text: `${node.tag === undefined ? '' : `${node.tag.name}=`}${schema.name}`,
        };
      }
      case 'PatternEvery':
        return { kind: 'MatchEvery', child: this.bind(node.child) };
      case 'PatternEveryDistinct':
        return {
          kind: 'MatchEveryDistinct',
          keys: node.keys.map((k) => bindTagExpr(k, this.tags)),
          periodMs:
            node.period === undefined ? undefined : periodMs(node.period, 'every-distinct', node.span),
          child: this.bind(node.child),
        };
      case 'PatternFollowedBy':
        return { kind: 'MatchFollowedBy', children: node.children.map((c) => this.bind(c)) };
      case 'PatternAnd':
        return { kind: 'MatchAnd', children: node.children.map((c) => this.bind(c)) };
      case 'PatternOr':
        return { kind: 'MatchOr', children: node.children.map((c) => this.bind(c)) };
      case 'PatternNot':
        return { kind: 'MatchNot', child: this.bind(node.child) };
      case 'PatternRepeat':
        return {
          kind: 'MatchRepeat',
          ...repeatBounds(node),
          child: this.bind(node.child),
          until: node.until === undefined ? undefined : this.bind(node.until),
          arrayTags: tagsWithin(node.child),
        };
      case 'PatternGuard': {
        const child = this.bind(node.child);
        if (node.guard === 'while') {
          return { kind: 'MatchWhile', child, condition: bindTagExpr(node.args[0] as Expr, this.tags) };
        }
        const period = patternPeriod(node.args[0], `timer:${node.guard}`, node.span, this.tags);
        const maxMatches =
          node.guard === 'withinmax'
            ? constantInt(node.args[1], 'timer:withinmax count', node.span)
            : undefined;
        return { kind: 'MatchWithin', child, period, maxMatches };
      }
      case 'PatternObserver': {
        if (node.observer === 'interval')
          return {
            kind: 'MatchInterval',
            period: patternPeriod(node.args[0], 'timer:interval', node.span, this.tags),
          };
        if (node.args.length < 5 || node.args.length > 6) {
          throw new WeirError(
            'analyze/invalid-argument',
            'timer:at takes (minutes, hours, days of month, months, days of week [, seconds])',
            {
              span: node.span,
            },
          );
        }
        const fields = node.args.map((a, i) => {
          if (a.kind === 'Literal' && a.value === null) return null;
          const value = constantInt(a, 'timer:at field', node.span);
          // Esper's ScheduleSpec refuses a value outside its unit (a minute of 99 never comes).
          const field = CRONTAB_FIELDS[i] as (typeof CRONTAB_FIELDS)[number];
          if (value < field.min || value > field.max) {
            throw new WeirError(
              'analyze/invalid-argument',
              `timer:at ${field.name} must be a whole number from ${field.min} to ${field.max}, got ${value}`,
              { span: a.span },
            );
          }
          return [value];
        });
        return { kind: 'MatchAt', fields };
      }
      default:
        return assertNever(node, 'pattern');
    }
  }
}

/** A bound pattern and its tags (name → event type and arity), in the order the pattern names them. */
export interface BoundPattern {
  readonly pattern: PatternPlan;
  readonly tags: ReadonlyMap<string, TagBinding & { readonly stream: string }>;
  /** Readable text of the pattern (explain). */
  readonly text: string;
}

/**
 * Binds a pattern. `prior`: tags set before the pattern starts (a context's end pattern
 * reads the events that started the partition, `terminated by pattern [B(id = a.id)]`):
 * visible to its filters and part of its matches; the pattern may not tag them again.
 */
export function bindPattern(
  expr: PatternExpr,
  catalog: SchemaCatalog,
  prior: ReadonlyMap<string, TagBinding & { readonly stream: string }> = new Map(),
  outer?: (own: Scope) => Scope,
): BoundPattern {
  const collected = new Map<string, TagBinding & { stream: string }>();
  collectTags(expr, false, catalog, collected);
  for (const [name, tag] of collected) {
    if (prior.has(name)) {
      throw new WeirError(
        'analyze/invalid-argument',
        `Tag '${name}' for event '${tag.stream}' is already assigned (the start condition names it)`,
        { span: tagSpan(expr, name) ?? expr.span },
      );
    }
  }
  const all = new Map([...prior, ...collected]);
  const binder = new PatternBinder(catalog, all, outer);
  const root = binder.bind(expr);
  const tags: PatternTag[] = [...all].map(([name, t]) => ({ name, stream: t.stream, isArray: t.isArray }));
  const pattern: PatternPlan = { kind: 'PatternPlan', root, tags, streams: [...binder.streams] };
  return { pattern, tags: collected, text: describePattern(root) };
}

/** Where `name` is first tagged in the pattern (for an error's caret). */
function tagSpan(node: PatternExpr, name: string): PatternExpr['span'] | undefined {
  if (node.kind === 'PatternFilter') return node.tag?.name === name ? node.tag.span : undefined;
  const children =
    node.kind === 'PatternRepeat'
      ? [node.child, ...(node.until === undefined ? [] : [node.until])]
      : node.kind === 'PatternFollowedBy' || node.kind === 'PatternAnd' || node.kind === 'PatternOr'
        ? node.children
        : node.kind === 'PatternObserver'
          ? []
          : [node.child];
  for (const c of children) {
    const span = tagSpan(c, name);
    if (span !== undefined) return span;
  }
  return undefined;
}

export function bindPatternSource(
  from: PatternSource,
  catalog: SchemaCatalog,
): {
  source: AnalyzedSource;
  scope: Scope;
  prevAllowed: boolean;
  priorAllowed: boolean;
  priorDepth: { value: number };
} {
  const { pattern, tags: collected, text } = bindPattern(from.pattern, catalog);
  const inputSchema: PlanSchema = pattern.tags.map((t) => ({ name: t.name, type: 'any' }));
  return {
    source: { kind: 'pattern', pattern, streams: pattern.streams, text, inputSchema },
    scope: tagScope(collected, 'row'),
    prevAllowed: false,
    priorAllowed: false,
    priorDepth: { value: 0 },
  };
}
