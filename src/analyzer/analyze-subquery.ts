/**
 * Subqueries (Esper's subselects): `(select max(v) from B#length(5))` as a value, a row
 * (several columns), `exists (…)`, `x [not] in (…)`, `x > any|some|all (…)`.
 *
 * A subquery reads its own stream through its own stream filter and data window. Names
 * resolve first in the subquery's stream (`v`, `b.v`, `B.v`), then in the enclosing scope:
 * each outer reference becomes a parameter, evaluated on the outer row and read inside as
 * `$p[i]` (so the outer plan sees what the subquery reads). As in Esper, a subquery without
 * a data window must be uncorrelated and fully aggregated (it aggregates every event so far).
 * A subquery may read a named window (the rows it holds: the window is its data window,
 * with the named window's consumer filter) or a table (its current rows).
 */
import type { SelectItem, Subquery } from '../ast/ast.js';
import { renderExpressionName } from '../ast/render-name.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr, SubqueryTest } from '../expr/bound-expr.js';
import { forEachExpr } from '../expr/map-expr.js';
import { exprKey } from '../expr/simplify-expr.js';
import type { OutputColumn, PlanSchema, SharedJoinSource, WindowStage } from '../plan/logical-plan.js';
import { PARAMS, type SubqueryPlan } from '../plan/subquery-plan.js';
import { analyzeNamedWindowSource } from './analyze-named-window-source.js';
import { type SourceAnalysis, analyzeStreamSource } from './analyze-stream-source.js';
import {
  AggregateCollector,
  type BindContext,
  type SubqueryBinder,
  type SubqueryUse,
  bindExpr,
} from './bind-expr.js';
import type { InfraBindings } from './bind-infra.js';
import { type EventSchema, propertyType } from './event-schema.js';
import type { SchemaCatalog } from './schema-catalog.js';
import type { Scope } from './scope.js';
import { tableRowSchema } from './table-schema.js';

const REQUIRES_WINDOW =
  'Subqueries require one or more views to limit the stream, consider declaring a length or time window (applies to correlated or non-fully-aggregated subqueries)';

/** The subqueries of one statement, numbered in the order they are bound. */
export class SubqueryRegistry implements SubqueryBinder {
  readonly plans: SubqueryPlan[] = [];

  constructor(private readonly catalog: SchemaCatalog) {}

  bind(use: SubqueryUse, outer: BindContext): BoundExpr {
    const { query } = use;
    if (query.groupBy.length > 0 || query.having !== undefined) {
      throw new WeirError('analyze/unsupported', 'group by and having in a subquery are not supported yet', {
        span: query.span,
      });
    }
    if (query.from.matchRecognize !== undefined || query.from.unidirectional) {
      throw new WeirError('analyze/invalid-subquery', 'A subquery reads one stream with its data window', {
        span: query.from.span,
      });
    }
    const shared = sharedSubquerySource(query, this.catalog, outer.infra);
    const source = shared ?? streamSource(analyzeStreamSource(query.from, this.catalog, outer.infra, this));
    const schema = source.schema ?? this.catalog.require(query.from.stream);
    const alias = query.from.alias?.name ?? schema.name;
    const params: BoundExpr[] = [];
    const paramKeys: string[] = [];
    const scope: Scope = {
      resolve: (ref) => {
        const [head, second, ...rest] = ref.path;
        const qualified =
          head !== undefined &&
          second !== undefined &&
          rest.length === 0 &&
          head.index === undefined &&
          (head.name === alias || head.name === schema.name);
        const own = qualified ? second : rest.length === 0 && second === undefined ? head : undefined;
        if (own !== undefined && own.index === undefined && (qualified || schema.properties.has(own.name))) {
          const type = propertyType(schema, own.name);
          if (type !== undefined) return { kind: 'Prop', path: [alias, own.name], type };
        }
        const bound = outer.scope.resolve(ref);
        const key = exprKey(bound);
        let at = paramKeys.indexOf(key);
        if (at < 0) {
          at = params.length;
          params.push(bound);
          paramKeys.push(key);
        }
        return { kind: 'Prop', path: [PARAMS, at], type: bound.type };
      },
      wildcard: () => [...schema.properties].map(([name, type]) => ({ name, type })),
      hasStreamName: (name) => name === alias || name === schema.name,
    };
    const inner: BindContext = {
      scope,
      aggregates: undefined,
      clause: 'the where clause of a subquery',
      prevAllowed: false,
      priorAllowed: false,
      ...(outer.infra === undefined ? {} : { infra: outer.infra }),
      subqueries: this,
    };
    const where = query.where === undefined ? undefined : bindExpr(query.where, inner);
    const collector = new AggregateCollector();
    const selectCtx: BindContext = {
      ...inner,
      clause: 'the select clause of a subquery',
      aggregates: collector,
    };
    const columns = query.selectList.flatMap((item) => selectColumns(item, alias, scope, selectCtx));
    const aggregates = collector.calls;
    const id = this.plans.length;
    const plan: SubqueryPlan = {
      id,
      test: use.test,
      op: use.op,
      alias,
      stream: schema.name,
      filter: source.filter,
      windows: source.windows,
      union: source.union,
      inputSchema: source.inputSchema,
      where,
      columns,
      aggregates,
      multiColumn: columns.length > 1,
      correlated: params.length > 0,
      ...(source.shared === undefined ? {} : { shared: source.shared }),
    };
    validate(plan, use, query);
    this.plans.push(plan);
    return {
      kind: 'Subquery',
      id,
      test: use.test,
      op: use.op,
      operand: use.operand,
      params,
      type: resultType(plan, use.test),
    };
  }
}

function selectColumns(item: SelectItem, alias: string, scope: Scope, ctx: BindContext): OutputColumn[] {
  if (item.kind === 'SelectExpr') {
    const expr = bindExpr(item.expr, ctx);
    return [{ name: item.alias?.name ?? renderExpressionName(item.expr), expr, type: expr.type }];
  }
  if (item.kind === 'SelectStreamWildcard' && !scope.hasStreamName(item.stream.name)) {
    throw new WeirError(
      'analyze/unknown-stream',
      `'${item.stream.name}.*' does not name the subquery's stream`,
      {
        span: item.stream.span,
      },
    );
  }
  // `select *`: the event itself (what `exists` tests and a value subquery returns).
  return [{ name: '*', expr: { kind: 'Prop', path: [alias], type: 'any' }, type: 'any' }];
}

/** Whether the expression reads the subquery's events outside any aggregate. */
function readsEventsPlainly(e: BoundExpr, alias: string): boolean {
  let plain = false;
  forEachExpr(e, (x) => {
    if (x.kind === 'Prop' && x.path[0] === alias) plain = true;
  });
  return plain;
}

function validate(plan: SubqueryPlan, use: SubqueryUse, query: Subquery): void {
  const aggregated = plan.aggregates.length > 0;
  const fullyAggregated = aggregated && plan.columns.every((c) => !readsEventsPlainly(c.expr, plan.alias));
  if (plan.shared === undefined && plan.windows.length === 0 && (plan.correlated || !fullyAggregated)) {
    throw new WeirError(
      'analyze/subquery-needs-window',
      `${REQUIRES_WINDOW}: as in from ${plan.stream}#length(100)`,
      {
        span: query.from.span,
      },
    );
  }
  if (plan.multiColumn && use.test !== 'value' && use.test !== 'exists') {
    throw new WeirError(
      'analyze/invalid-subquery',
      `A subquery compared with ${use.test === 'in' || use.test === 'not in' ? "'in'" : `'${use.test}'`} selects one column`,
      { span: query.span },
    );
  }
  if (plan.multiColumn && aggregated && !fullyAggregated) {
    throw new WeirError(
      'analyze/invalid-subquery',
      'A subquery selecting several columns aggregates all of them or none of them',
      { span: query.span },
    );
  }
  if (plan.multiColumn && plan.columns.some((c) => c.name === '*')) {
    throw new WeirError('analyze/invalid-subquery', 'A subquery selecting several columns cannot select *', {
      span: query.span,
    });
  }
}

function resultType(plan: SubqueryPlan, test: SubqueryTest): EplType {
  if (test !== 'value') return 'boolean';
  if (plan.multiColumn) return 'any';
  return plan.columns[0]?.type ?? 'any';
}

/** What a subquery reads: its stream's filter and windows, or a named window or table. */
interface SubquerySource {
  readonly filter: BoundExpr | undefined;
  readonly windows: readonly WindowStage[];
  readonly union: boolean;
  readonly inputSchema: PlanSchema;
  readonly shared: SharedJoinSource | undefined;
  /** The rows' schema when it is no event type (a table's columns). */
  readonly schema: EventSchema | undefined;
}

function streamSource(analysis: SourceAnalysis): SubquerySource {
  const source = analysis.source;
  if (source.kind !== 'stream') throw new Error('a stream source analyses to a stream');
  return {
    filter: source.filter,
    windows: source.windows,
    union: source.union === true,
    inputSchema: source.inputSchema,
    shared: undefined,
    schema: undefined,
  };
}

/** `from W` (a named window) or `from T` (a table) in a subquery; undefined for a stream. */
function sharedSubquerySource(
  query: Subquery,
  catalog: SchemaCatalog,
  infra: InfraBindings | undefined,
): SubquerySource | undefined {
  if (infra === undefined) return undefined;
  const from = query.from;
  const window = infra.catalog.window(from.stream.name);
  if (window !== undefined) {
    const analysis = analyzeNamedWindowSource(from, window, catalog, infra);
    if (analysis.source.kind !== 'named-window') throw new Error('a named window analyses to its posts');
    return {
      filter: analysis.source.filter,
      windows: [],
      union: false,
      inputSchema: window.schema,
      shared: { kind: 'named-window', name: window.name, batching: window.batching },
      schema: undefined,
    };
  }
  const table = infra.catalog.table(from.stream.name);
  if (table === undefined) return undefined;
  const first = from.windows[0];
  if (first !== undefined) {
    throw new WeirError(
      'analyze/invalid-subquery',
      `'${table.name}' is a table: a subquery reads its current rows and cannot declare a data window (#${first.name.name})`,
      { span: first.span },
    );
  }
  if (from.filters.length > 0) {
    throw new WeirError(
      'analyze/invalid-subquery',
      `'${table.name}' is a table: put conditions on its rows in the subquery's where clause`,
      { span: from.span },
    );
  }
  const schema = tableRowSchema(table);
  return {
    filter: undefined,
    windows: [],
    union: false,
    inputSchema: table.columns.map((c) => ({ name: c.name, type: c.type })),
    shared: { kind: 'table', name: table.name, keys: table.keys },
    schema,
  };
}
