/**
 * One select statement: resolve its source, bind every clause, and classify the select
 * list into Esper's result-set processor kind (simple, all, mixed, grouped, grouped-mixed).
 */
import type { Expr, SelectStatement, StreamSelector, StreamSource } from '../ast/ast.js';
import { renderExpressionName } from '../ast/render-name.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../plan/expr.js';
import type { OrderKey, OutputColumn, PlanSchema, WindowStage } from '../plan/logical-plan.js';
import { exprKey, simplifyExpr } from '../plan/simplify-expr.js';
import { validateWindowChain } from '../windows/window-chain.js';
import { analyzeWindow } from './analyze-window.js';
import type { AnalyzedSource, AnalyzedStatement, SelectMode } from './analyzed-statement.js';
import { AggregateCollector, type BindContext, bindExpr } from './bind-expr.js';
import { bindMatchRecognizeSource } from './bind-match-recognize-source.js';
import { bindPatternSource } from './bind-pattern-source.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { type Scope, columnScope, streamScope } from './scope.js';

interface SourceAnalysis {
  readonly source: AnalyzedSource;
  readonly scope: Scope;
  readonly prevAllowed: boolean;
  readonly priorAllowed: boolean;
  readonly priorDepth: { value: number };
}

function analyzeStreamSource(from: StreamSource, catalog: SchemaCatalog): SourceAnalysis {
  const schema = catalog.require(from.stream);
  const rawScope = streamScope(schema, from.alias?.name);
  const priorDepth = { value: 0 };
  const filterCtx: BindContext = {
    scope: rawScope,
    aggregates: undefined,
    clause: 'stream filters',
    prevAllowed: false,
    priorAllowed: false,
  };
  const filters = from.filters.map((f) => bindExpr(f, filterCtx));
  const filter = conjunction(filters);
  const windows: WindowStage[] = from.windows.map((w) => analyzeWindow(w, rawScope));
  validateWindowChain(
    windows,
    from.windows.map((w) => w.span),
  );
  const inputSchema: PlanSchema = [...schema.properties].map(([name, type]) => ({ name, type }));
  if (from.matchRecognize !== undefined) {
    const recognizer = bindMatchRecognizeSource(from.matchRecognize, schema, rawScope);
    return {
      source: {
        kind: 'stream',
        stream: schema.name,
        filter,
        windows,
        priorDepth: 0,
        matchRecognize: recognizer.plan,
        inputSchema,
      },
      scope: columnScope(recognizer.columns, 'the match_recognize measures'),
      prevAllowed: false,
      priorAllowed: false,
      priorDepth,
    };
  }
  const dataWindows = windows.filter((w) => w.def.name !== 'groupwin');
  const prevAllowed = dataWindows.length === 1 && dataWindows[0]?.def.traits.ordered === true;
  return {
    source: {
      kind: 'stream',
      stream: schema.name,
      filter,
      windows,
      priorDepth: 0,
      matchRecognize: undefined,
      inputSchema,
    },
    scope: rawScope,
    prevAllowed,
    priorAllowed: true,
    priorDepth,
  };
}

export function conjunction(parts: readonly BoundExpr[]): BoundExpr | undefined {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { kind: 'Logic', op: 'and', operands: parts, type: 'boolean' };
}

/** Whether `expr` reads event properties other than through the group-by expressions. */
function readsUngrouped(expr: BoundExpr, groupKeys: ReadonlySet<string>): boolean {
  if (groupKeys.has(exprKey(expr))) return false;
  switch (expr.kind) {
    case 'Prop':
    case 'TagProp':
    case 'PrevRef':
    case 'PriorRef':
      return true;
    case 'Const':
    case 'AggRef':
      return false;
    default:
      return childExprs(expr).some((c) => readsUngrouped(c, groupKeys));
  }
}

/** The direct sub-expressions of a bound expression. */
export function childExprs(expr: BoundExpr): BoundExpr[] {
  switch (expr.kind) {
    case 'Const':
    case 'Prop':
    case 'TagProp':
    case 'AggRef':
      return [];
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

function statementName(stmt: SelectStatement, index: number): string {
  const annotation = stmt.annotations.find((a) => a.name.name.toLowerCase() === 'name');
  if (annotation === undefined) return `stmt-${index + 1}`;
  if (annotation.value === undefined || typeof annotation.value.value !== 'string') {
    throw new WeirError('analyze/invalid-argument', "@name requires a string, as in @name('alerts')", {
      span: annotation.span,
    });
  }
  return annotation.value.value;
}

export function analyzeStatement(
  stmt: SelectStatement,
  index: number,
  catalog: SchemaCatalog,
): AnalyzedStatement {
  const name = statementName(stmt, index);
  const [from, ...joins] = stmt.from;
  if (from === undefined)
    throw new WeirError('analyze/unsupported', 'A statement needs a from clause', { span: stmt.span });
  if (joins.length > 0 && joins[0] !== undefined) {
    throw new WeirError(
      'analyze/unsupported',
      'Joins are not supported yet: select from one stream or pattern',
      {
        span: joins[0].span,
      },
    );
  }
  const analysis: SourceAnalysis =
    from.kind === 'StreamSource' ? analyzeStreamSource(from, catalog) : bindPatternSource(from, catalog);
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
  });
  const collector = new AggregateCollector();
  const aggCtx = (clause: string): BindContext => ({ ...plainCtx(clause), aggregates: collector });

  const where = stmt.where === undefined ? undefined : bindExpr(stmt.where, plainCtx('the where clause'));
  const groupBy = stmt.groupBy.map((g) => bindExpr(g, plainCtx('group by')));

  let selectAll = false;
  const columns: OutputColumn[] = [];
  for (const item of stmt.selectList) {
    if (item.kind === 'SelectExpr') {
      const expr = bindExpr(item.expr, aggCtx('the select clause'));
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
    selectAll && mode === 'simple' && from.kind === 'StreamSource' && !from.matchRecognize;
  const selector: StreamSelector = stmt.selector ?? 'istream';
  const source: AnalyzedSource =
    analysis.source.kind === 'stream'
      ? { ...analysis.source, priorDepth: analysis.priorDepth.value }
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
  };
}

/** The schema an `insert into` target gets when nothing declared it. */
export function inferredProperties(stmt: AnalyzedStatement): Map<string, EplType> {
  return new Map(stmt.outputSchema.map((c) => [c.name, c.type]));
}
