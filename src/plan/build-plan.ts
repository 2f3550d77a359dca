/**
 * Analyzed statement → logical plan. The shape mirrors Esper's processing order:
 * source → stream filter → prior buffer → data window → (match_recognize) → where →
 * result-set processing (project or aggregate, with having and order by) → distinct →
 * limit → output (stream selection, listeners, insert into).
 */
import type { AnalyzedStatement } from '../analyzer/analyzed-statement.js';
import type { LogicalPlan, OutputNode, PlanSchema, StatementPlan } from './logical-plan.js';

function sourcePlan(stmt: AnalyzedStatement): LogicalPlan {
  const source = stmt.source;
  if (source.kind === 'pattern') {
    return {
      kind: 'PatternSource',
      pattern: source.pattern,
      streams: source.streams,
      text: source.text,
      schema: source.inputSchema,
    };
  }
  const schema = source.inputSchema;
  let plan: LogicalPlan = { kind: 'EventSource', stream: source.stream, schema };
  if (source.filter !== undefined) {
    plan = { kind: 'StreamFilter', input: plan, predicate: source.filter, indexed: [], schema };
  }
  if (source.priorDepth > 0) plan = { kind: 'Prior', input: plan, depth: source.priorDepth, schema };
  if (source.windows.length > 0) {
    plan = { kind: 'Window', input: plan, stages: source.windows, shareKey: undefined, schema };
  }
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
    plan = { kind: 'Project', input: plan, columns: stmt.columns, orderBy: stmt.orderBy, schema: outSchema };
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
      schema: outSchema,
    };
  }
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
    streams: stmt.source.kind === 'pattern' ? stmt.source.streams : [stmt.source.stream],
    // Pattern and match_recognize statements report detections: their listeners are alerts.
    isPattern: stmt.source.kind === 'pattern' || stmt.source.matchRecognize !== undefined,
  };
}
