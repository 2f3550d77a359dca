import type { BoundExpr } from '../expr/bound-expr.js';
import { mapExpr } from '../expr/map-expr.js';
/**
 * Analyzed statement → logical plan. The shape mirrors Esper's processing order:
 * source → stream filter → data window → prior buffer → (match_recognize) → where →
 * result-set processing (project or aggregate, with having and order by) → distinct →
 * limit → output (stream selection, listeners, insert into).
 */
import type { AnalyzedStatement } from './analyzed-statement.js';
import type {
  LogicalPlan,
  OutputNode,
  PlanSchema,
  SharedJoinSource,
  StatementPlan,
  WindowStage,
} from './logical-plan.js';

/**
 * Source → stream filter → data window → prior buffer, for one stream. The prior buffer
 * sits above the window (Esper appends its PriorEventView to the end of the view chain):
 * prior(n) counts the events the window posted as new, each from its own posting.
 */
function streamPlan(
  stream: string,
  filter: BoundExpr | undefined,
  priorDepth: number,
  windows: readonly WindowStage[],
  schema: PlanSchema,
  union = false,
): LogicalPlan {
  let plan: LogicalPlan = { kind: 'EventSource', stream, schema };
  if (filter !== undefined) {
    plan = { kind: 'StreamFilter', input: plan, predicate: filter, indexed: [], schema };
  }
  if (windows.length > 0) {
    plan = {
      kind: 'Window',
      input: plan,
      stages: windows,
      ...(union ? { union } : {}),
      shareKey: undefined,
      schema,
    };
  }
  if (priorDepth > 0) plan = { kind: 'Prior', input: plan, depth: priorDepth, schema };
  return plan;
}

/**
 * A named window's posts (its consumer filter on new and old rows alike), or a table (read
 * by the join; its filter becomes the stream's join predicate).
 */
function sharedPlan(
  shared: SharedJoinSource,
  filter: BoundExpr | undefined,
  schema: PlanSchema,
): LogicalPlan {
  if (shared.kind === 'table') return { kind: 'TableSource', table: shared.name, schema };
  const consumed: LogicalPlan = { kind: 'NamedWindowSource', window: shared.name, schema };
  return filter === undefined ? consumed : { kind: 'Filter', input: consumed, predicate: filter, schema };
}

/** `x > 1` on the stream's row → `t.x > 1` on the join row. */
function onAlias(expr: BoundExpr | undefined, alias: string): BoundExpr | undefined {
  return expr === undefined
    ? undefined
    : mapExpr(expr, (x) => (x.kind === 'Prop' ? { ...x, path: [alias, ...x.path] } : x));
}

function sourcePlan(stmt: AnalyzedStatement): LogicalPlan {
  const source = stmt.source;
  if (source.kind === 'join') {
    // The where clause stays a Filter above the join; the where-into-join rule splits it
    // into index keys, per-stream conditions and a residual.
    return {
      kind: 'Join',
      inputs: source.streams.map((s) =>
        s.shared === undefined
          ? streamPlan(s.stream, s.filter, 0, s.windows, s.inputSchema, s.union === true)
          : sharedPlan(s.shared, s.filter, s.inputSchema),
      ),
      streams: source.streams.map((s) => ({
        alias: s.alias,
        stream: s.stream,
        unidirectional: s.unidirectional,
        // A table's filter is tested on the rows read (it posts nothing to filter).
        predicate: s.shared?.kind === 'table' ? onAlias(s.filter, s.alias) : undefined,
        ...(s.shared === undefined ? {} : { shared: s.shared }),
      })),
      equalities: [],
      residual: undefined,
      outer: source.outer,
      schema: source.inputSchema,
    };
  }
  if (source.kind === 'pattern') {
    return {
      kind: 'PatternSource',
      pattern: source.pattern,
      streams: source.streams,
      text: source.text,
      schema: source.inputSchema,
    };
  }
  if (source.kind === 'named-window') {
    // A consumer's filter applies to what the window posts, new and old alike: a Filter.
    const consumed: LogicalPlan = {
      kind: 'NamedWindowSource',
      window: source.window,
      schema: source.inputSchema,
    };
    return source.filter === undefined
      ? consumed
      : { kind: 'Filter', input: consumed, predicate: source.filter, schema: source.inputSchema };
  }
  if (source.kind === 'define') {
    return { kind: 'Define', definition: source.definition, schema: source.inputSchema };
  }
  if (source.kind === 'on-trigger') {
    const trigger = source.trigger;
    const input: LogicalPlan =
      trigger.kind === 'stream'
        ? streamPlan(trigger.stream, trigger.filter, 0, [], [])
        : {
            kind: 'PatternSource',
            pattern: trigger.pattern,
            streams: trigger.streams,
            text: trigger.text,
            schema: [],
          };
    return { kind: 'OnTrigger', input, trigger, action: source.action, schema: source.inputSchema };
  }
  let plan = streamPlan(
    source.stream,
    source.filter,
    source.priorDepth,
    source.windows,
    source.inputSchema,
    source.union === true,
  );
  if (source.matchRecognize !== undefined) {
    plan = {
      kind: 'MatchRecognize',
      input: plan,
      recognizer: source.matchRecognize,
      schema: stmt.outputSchema,
    };
  }
  return plan;
}

export function buildPlan(stmt: AnalyzedStatement): StatementPlan {
  let plan = sourcePlan(stmt);
  const outSchema: PlanSchema = stmt.outputSchema;
  if (stmt.where !== undefined)
    plan = { kind: 'Filter', input: plan, predicate: stmt.where, schema: plan.schema };
  if (stmt.mode === 'simple') {
    plan = {
      kind: 'Project',
      input: plan,
      columns: stmt.columns,
      having: stmt.having,
      orderBy: stmt.orderBy,
      schema: outSchema,
    };
  } else {
    plan = {
      kind: 'Aggregate',
      input: plan,
      mode: stmt.mode,
      groupBy: stmt.groupBy,
      aggregates: stmt.aggregates,
      columns: stmt.columns ?? [],
      having: stmt.having,
      orderBy: stmt.orderBy,
      // Esper clears the aggregation at each trigger of a unidirectional join or an on-select.
      resetEachUpdate:
        (stmt.source.kind === 'join' && stmt.source.streams.some((s) => s.unidirectional)) ||
        stmt.source.kind === 'on-trigger',
      ...(stmt.intoTable === undefined ? {} : { intoTable: stmt.intoTable }),
      schema: outSchema,
    };
  }
  if (stmt.output !== undefined)
    plan = { kind: 'OutputLimit', input: plan, spec: stmt.output, schema: outSchema };
  if (stmt.distinct) plan = { kind: 'Distinct', input: plan, schema: outSchema };
  if (stmt.limit !== undefined) {
    plan = {
      kind: 'Limit',
      input: plan,
      count: stmt.limit.count,
      offset: stmt.limit.offset,
      schema: outSchema,
    };
  }
  const root: OutputNode = {
    kind: 'Output',
    input: plan,
    statement: stmt.name,
    selector: stmt.selector,
    insertInto: stmt.insertInto,
    schema: outSchema,
  };
  return {
    name: stmt.name,
    text: stmt.text,
    root,
    streams: [...new Set([...sourceStreams(stmt), ...stmt.subqueries.map((q) => q.stream)])],
    // Pattern and match_recognize statements report detections: their listeners are alerts.
    isPattern:
      stmt.source.kind === 'pattern' ||
      (stmt.source.kind === 'stream' && stmt.source.matchRecognize !== undefined),
    context: stmt.context,
    subqueries: stmt.subqueries,
  };
}

function sourceStreams(stmt: AnalyzedStatement): readonly string[] {
  const source = stmt.source;
  switch (source.kind) {
    case 'pattern':
      return source.streams;
    case 'join':
      return [...new Set(source.streams.map((s) => s.stream))];
    case 'stream':
      return [source.stream];
    case 'named-window':
      return [source.window];
    case 'define':
      return [];
    case 'on-trigger':
      return source.trigger.kind === 'stream' ? [source.trigger.stream] : source.trigger.streams;
  }
}
