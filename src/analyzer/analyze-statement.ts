/**
 * One select statement: resolve its source, bind every clause, and classify the select
 * list into Esper's result-set processor kind (simple, all, mixed, grouped, grouped-mixed).
 */
import type { Annotation, Expr, SelectStatement, StreamSelector } from '../ast/ast.js';
import { renderExpressionName } from '../ast/render-name.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { mapExpr } from '../expr/map-expr.js';
import { exprKey, simplifyExpr } from '../expr/simplify-expr.js';
import type { AnalyzedSource, AnalyzedStatement, SelectMode } from '../plan/analyzed-statement.js';
import type { OrderKey, OutputColumn } from '../plan/logical-plan.js';
import { readsUngrouped } from '../plan/reads-ungrouped.js';
import { analyzeJoinClauses } from './analyze-join-clauses.js';
import { analyzeJoinSource } from './analyze-join-source.js';
import { analyzeNamedWindowSource } from './analyze-named-window-source.js';
import { analyzeOutputClause } from './analyze-output-clause.js';
import { type SourceAnalysis, analyzeStreamSource, conjunction } from './analyze-stream-source.js';
import { SubqueryRegistry } from './analyze-subquery.js';
import { AggregateCollector, type BindContext, bindExpr } from './bind-expr.js';
import type { InfraBindings } from './bind-infra.js';
import { bindPatternSource } from './bind-pattern-source.js';
import type { joinScope } from './join-scope.js';
import type { SchemaCatalog } from './schema-catalog.js';

function constantLimit(expr: Expr, what: string): number {
  if (
    expr.kind === 'Literal' &&
    typeof expr.value === 'number' &&
    Number.isInteger(expr.value) &&
    expr.value >= 0
  ) {
    return expr.value;
  }
  throw new WeirError('analyze/invalid-argument', `${what} requires a non-negative integer constant`, {
    span: expr.span,
  });
}

/** `@name('x')`, else `stmt-N`. */
export function statementName(stmt: { readonly annotations: readonly Annotation[] }, index: number): string {
  const annotation = stmt.annotations.find((a) => a.name.name.toLowerCase() === 'name');
  if (annotation === undefined) return `stmt-${index + 1}`;
  if (annotation.value === undefined || typeof annotation.value.value !== 'string') {
    throw new WeirError('analyze/invalid-argument', "@name requires a string, as in @name('alerts')", {
      span: annotation.span,
    });
  }
  return annotation.value.value;
}

/** What a statement may read besides its streams, and a source analysed by the caller (`on` statements). */
export interface StatementOptions {
  readonly infra?: InfraBindings;
  readonly source?: SourceAnalysis;
}

export function analyzeStatement(
  stmt: SelectStatement,
  index: number,
  catalog: SchemaCatalog,
  options: StatementOptions = {},
): AnalyzedStatement {
  const name = statementName(stmt, index);
  const infra = options.infra;
  const subqueries = new SubqueryRegistry(catalog);
  const analysis: SourceAnalysis = options.source ?? analyzeFrom(stmt, catalog, infra, subqueries);
  const from = stmt.from[0];
  const { scope } = analysis;
  const onPrior = (depth: number) => {
    analysis.priorDepth.value = Math.max(analysis.priorDepth.value, depth);
  };
  const plainCtx = (clause: string): BindContext => ({
    scope,
    aggregates: undefined,
    clause,
    prevAllowed: analysis.prevAllowed,
    priorAllowed: analysis.priorAllowed,
    onPrior,
    ...(infra === undefined ? {} : { infra }),
    subqueries,
  });
  const collector = new AggregateCollector();
  const aggCtx = (clause: string): BindContext => ({ ...plainCtx(clause), aggregates: collector });

  const outerJoins =
    analysis.source.kind !== 'join'
      ? undefined
      : analyzeJoinClauses(
          stmt,
          analysis.source.streams.map((s) => s.alias),
          (e) => bindExpr(e, plainCtx('the on clause')),
        );
  // An inner join's `on` conditions mean what the same conditions in the where clause mean.
  const conditions = [
    ...(outerJoins !== undefined ? [] : stmt.joins.map((j) => bindExpr(j.on, plainCtx('the on clause')))),
    ...(stmt.where === undefined ? [] : [bindExpr(stmt.where, plainCtx('the where clause'))]),
  ];
  const where = conjunction(conditions);
  const groupBy = stmt.groupBy.map((g) => bindExpr(g, plainCtx('group by')));

  let selectAll = false;
  const columns: OutputColumn[] = [];
  const partitionKey = partitionKeyReads(infra, stmt);
  for (const item of stmt.selectList) {
    if (item.kind === 'SelectExpr') {
      const expr = partitionKey(bindExpr(item.expr, aggCtx('the select clause')));
      const colName = item.alias?.name ?? renderExpressionName(item.expr);
      columns.push({ name: colName, expr, type: expr.type });
      continue;
    }
    if (item.kind === 'SelectStreamWildcard' && !scope.hasStreamName(item.stream.name)) {
      throw new WeirError(
        'analyze/unknown-stream',
        `'${item.stream.name}.*' does not name the statement's stream`,
        {
          span: item.stream.span,
        },
      );
    }
    selectAll = true;
    const joined =
      item.kind === 'SelectStreamWildcard' && 'streamNamed' in scope
        ? (scope as ReturnType<typeof joinScope>).streamNamed(item.stream.name)
        : undefined;
    if (joined !== undefined) {
      // `a.*` in a join: that stream's properties, as columns of their own.
      for (const [name, type] of joined.schema.properties) {
        columns.push({ name, expr: { kind: 'Prop', path: [joined.alias, name], type }, type });
      }
      continue;
    }
    for (const col of scope.wildcard()) {
      columns.push({
        name: col.name,
        expr: { kind: 'Prop', path: [col.name], type: col.type },
        type: col.type,
      });
    }
  }
  const duplicate = columns.find((c, i) => columns.findIndex((d) => d.name === c.name) !== i);
  if (duplicate !== undefined) {
    throw new WeirError(
      'analyze/invalid-argument',
      `Column '${duplicate.name}' appears twice in the select list`,
      {
        span: stmt.span,
      },
    );
  }

  const having = stmt.having === undefined ? undefined : bindExpr(stmt.having, aggCtx('the having clause'));
  const orderBy: OrderKey[] = stmt.orderBy.map((o) => {
    const alias =
      o.expr.kind === 'PropertyRef' && o.expr.path.length === 1 ? o.expr.path[0]?.name : undefined;
    const column = alias === undefined ? undefined : columns.find((c) => c.name === alias);
    const expr = column !== undefined ? column.expr : bindExpr(o.expr, aggCtx('order by'));
    return { expr, descending: o.descending };
  });

  const aggregates = collector.calls;
  const groupKeys = new Set<string>(groupBy.map((g) => exprKey(g)));
  const ungrouped = columns.some((c) => readsUngrouped(c.expr, groupKeys));
  let mode: SelectMode;
  if (aggregates.length === 0 && groupBy.length === 0) mode = 'simple';
  else if (groupBy.length === 0) mode = ungrouped ? 'mixed' : 'all';
  else mode = ungrouped ? 'grouped-mixed' : 'grouped';

  const isStreamSelectAll =
    selectAll &&
    mode === 'simple' &&
    (analysis.source.kind === 'stream' || analysis.source.kind === 'named-window') &&
    from?.kind === 'StreamSource' &&
    !from.matchRecognize;
  const selector: StreamSelector = stmt.selector ?? 'istream';
  const source: AnalyzedSource =
    analysis.source.kind === 'stream'
      ? { ...analysis.source, priorDepth: analysis.priorDepth.value }
      : analysis.source.kind === 'join'
        ? { ...analysis.source, outer: outerJoins }
        : analysis.source;
  return {
    name,
    text: stmt.text,
    span: stmt.span,
    source,
    where: where === undefined ? undefined : simplifyExpr(where),
    columns: isStreamSelectAll && stmt.selectList.length === 1 ? undefined : columns,
    outputSchema: columns.map((c) => ({ name: c.name, type: c.type })),
    mode,
    groupBy,
    aggregates,
    having,
    orderBy,
    output:
      stmt.output === undefined
        ? undefined
        : analyzeOutputClause(stmt.output, infra?.context !== undefined, groupBy.length > 0),
    distinct: stmt.distinct,
    limit:
      stmt.limit === undefined
        ? undefined
        : {
            count: constantLimit(stmt.limit.count, 'limit'),
            offset: stmt.limit.offset === undefined ? 0 : constantLimit(stmt.limit.offset, 'offset'),
          },
    selector,
    insertInto:
      stmt.insertInto === undefined
        ? undefined
        : { stream: stmt.insertInto.target.name, selector: stmt.insertInto.selector },
    context: infra?.context?.name,
    // Checked against the table by the caller (analyze-table.ts).
    intoTable: undefined,
    subqueries: subqueries.plans,
  };
}

/** The from clause: one stream, a join, a pattern, or a named window's posts. */
function analyzeFrom(
  stmt: SelectStatement,
  catalog: SchemaCatalog,
  infra: InfraBindings | undefined,
  subqueries: SubqueryRegistry,
): SourceAnalysis {
  const [from] = stmt.from;
  if (from === undefined)
    throw new WeirError('analyze/unsupported', 'A statement needs a from clause', { span: stmt.span });
  const fullOuter = stmt.joins.length > 0 && stmt.joins.every((j) => j.kind === 'full');
  const join = stmt.from.length > 1 ? analyzeJoinSource(stmt.from, catalog, fullOuter, infra) : undefined;
  if (join === undefined && from.kind === 'StreamSource' && from.unidirectional) {
    throw new WeirError('analyze/invalid-join', "'unidirectional' marks one stream of a join", {
      span: from.span,
    });
  }
  if (join !== undefined) {
    // prev/prior read one window's order or one stream's arrivals; a join row has neither.
    return { ...join, prevAllowed: false, priorAllowed: false, priorDepth: { value: 0 } };
  }
  if (from.kind !== 'StreamSource') return bindPatternSource(from, catalog);
  const window = infra?.catalog.window(from.stream.name);
  if (window !== undefined) return analyzeNamedWindowSource(from, window, catalog, infra);
  return analyzeStreamSource(from, catalog, infra, subqueries);
}

/** The schema an `insert into` target gets when nothing declared it. */
export function inferredProperties(stmt: AnalyzedStatement): Map<string, EplType> {
  return new Map(stmt.outputSchema.map((c) => [c.name, c.type]));
}

/**
 * In a keyed context, a select expression reading a partition's key property reads the
 * partition's key (Esper's ExprIdentNodeEvaluatorContext): the same value for every event of
 * the partition, available even in a row built from no event (row for all).
 */
function partitionKeyReads(
  infra: InfraBindings | undefined,
  stmt: SelectStatement,
): (expr: BoundExpr) => BoundExpr {
  const level = infra?.context?.levels[0];
  const from = stmt.from[0];
  const stream = from?.kind === 'StreamSource' && stmt.from.length === 1 ? from.stream.name : undefined;
  if (level === undefined || level.detail.kind !== 'keyed' || stream === undefined) return (e) => e;
  const keys = new Map<string, number>();
  for (const item of level.detail.items) {
    if (item.filter.stream !== stream) continue;
    item.keys.forEach((k, i) => {
      if (k.kind === 'Prop') keys.set(exprKey(k), i + 1);
    });
  }
  if (keys.size === 0) return (e) => e;
  return (expr) =>
    mapExpr(expr, (x) => {
      const n = x.kind === 'Prop' ? keys.get(exprKey(x)) : undefined;
      return n === undefined ? x : { kind: 'ContextProp', path: [`key${n}`], type: x.type };
    });
}
