/** The operator pipeline planOperators builds for a statement, in event-flow order, for explain. */
import { assertNever } from '../common/assert-never.js';
import { renderExpr } from '../expr/render-expr.js';
import { describeNfa } from '../patterns/match-recognize/nfa.js';
import { describeDefinition, describeOnTrigger } from '../plan/describe-infra.js';
import { describeLookups, primaryKeyOrder } from '../plan/join-lookup-plan.js';
import type { LogicalPlan, StatementPlan } from '../plan/logical-plan.js';
import { planInputs, postsOldRows } from '../plan/logical-plan.js';
import { describeOuterLookups } from '../plan/outer-join-plan.js';
import { describeOutputLimit } from '../plan/output-limit.js';
import { type SubqueryPlan, subqueryIndexKeys } from '../plan/subquery-plan.js';
import { FUSED_COLUMNAR_AGGREGATION, type PhysicalRuleOptions, fusedAggregation } from './physical-rules.js';

function operatorName(node: LogicalPlan): string {
  switch (node.kind) {
    case 'EventSource':
      return `route ${node.stream} events (stream router)`;
    case 'PatternSource':
      return `PatternMatcher on ${node.streams.join(', ')}: ${node.text}`;
    case 'MatchRecognize':
      return `MatchRecognizer (NFA threads per partition):\n${describeNfa(node.recognizer.nfa)
        .split('\n')
        .map((l) => `     ${l}`)
        .join('\n')}`;
    case 'StreamFilter':
      return node.indexed.length > 0
        ? `filter index lookup ${node.indexed.map((i) => `${i.property}=${JSON.stringify(i.value)}`).join(', ')}${node.predicate === undefined ? '' : ' + compiled residual predicate'}`
        : 'compiled stream filter predicate';
    case 'Prior':
      return `PriorBuffer(depth ${node.depth})`;
    case 'Prune':
      return `copy [${node.properties.join(', ')}]`;
    case 'Window':
      return `DataWindow ${node.stages.map((s) => `${s.def.name}:${s.def.describe(s.params)}`).join(' ∩ ')}${node.shareKey === undefined ? '' : ` (shared ${node.shareKey})`}`;
    case 'Join': {
      const inputs = node.inputs.map(
        (input, i) =>
          `     ${node.streams[i]?.alias}: ${chain(input).reverse().map(operatorName).join(' → ')}`,
      );
      return [
        node.outer !== undefined
          ? `JoinOperator (outer: lookup tree per stream, ! required, ? null when unmatched; results once per step): ${describeOuterLookups(node)}`
          : `JoinOperator (hash index per stream window, results once per step): ${describeLookups(node)}`,
        ...inputs,
      ].join('\n');
    }
    case 'Filter':
      return 'FilterOperator (where, new and old rows)';
    case 'Project':
      return node.columns === undefined
        ? 'ProjectOperator (events as rows)'
        : 'ProjectOperator (generated row builder)';
    case 'Aggregate': {
      const kind = {
        all: 'AggregateAllOperator (one row per update)',
        mixed: 'AggregateMixedOperator (one row per event)',
        grouped: 'AggregateGroupedOperator (one row per changed group)',
        'grouped-mixed': 'AggregateMixedOperator per group (one row per event)',
      }[node.mode];
      if (node.intoTable !== undefined)
        return `AggregateGroupedOperator (one row per changed group) [${aggregateList(node)}], groups are the rows of table ${node.intoTable.table}`;
      return `${kind} [${aggregateList(node)}]${node.resetEachUpdate ? ', fresh per update (unidirectional join)' : ''}`;
    }
    case 'OutputLimit':
      return `OutputLimiter ${describeOutputLimit(node.spec)} (${limiterKind(node)})`;
    case 'Distinct':
      return 'DistinctOperator';
    case 'Limit':
      return `LimitOperator(${node.count}, offset ${node.offset})`;
    case 'Output':
      return `OutputOperator ${node.selector} → listeners${node.insertInto === undefined ? '' : `, insert ${node.insertInto.selector} into ${node.insertInto.stream}`}`;
    case 'NamedWindowSource':
      return `NamedWindowConsumer ${node.window} (the window's posts, merged per step)`;
    case 'TableSource':
      return `TableReader ${node.table} (current rows, read when the other streams join)`;
    case 'Define':
      return describeDefinition(node.definition);
    case 'OnTrigger':
      return `OnTriggerOperator: ${describeOnTrigger(node.trigger, node.action)}`;
    default:
      return assertNever(node, 'plan node');
  }
}

/** Which of Esper's output views the statement gets (see output-limiter-factory.ts). */
function limiterKind(node: Extract<LogicalPlan, { kind: 'OutputLimit' }>): string {
  const input = node.input;
  const aggregated = input.kind === 'Aggregate';
  const grouped = aggregated && input.groupBy.length > 0;
  const sorted = (input.kind === 'Aggregate' || input.kind === 'Project') && input.orderBy.length > 0;
  const spec = node.spec;
  if (spec.rate === undefined) return 'rows posted once the after clause is satisfied';
  switch (spec.type) {
    case 'snapshot':
      return 'steps update the aggregation; output iterates the current contents';
    case 'first':
      return grouped
        ? 'each group posts its first row, then waits for its own condition'
        : 'the first step with rows is posted at once';
    case 'all':
    case 'last':
      return sorted && (aggregated || spec.type === 'all')
        ? 'steps are buffered and processed at output, rows sorted as one batch'
        : `${spec.type} rows kept as steps happen`;
    case 'default':
      return 'steps are buffered and processed at output';
  }
}

function aggregateList(node: Extract<LogicalPlan, { kind: 'Aggregate' }>): string {
  return node.aggregates.map((a) => (a.kind === 'derived' ? `${a.text}=derived` : a.text)).join(', ');
}

/** A node and its single-input descendants, down to a source or a join (which lists its own). */
function chain(root: LogicalPlan): LogicalPlan[] {
  const nodes: LogicalPlan[] = [];
  let node: LogicalPlan | undefined = root;
  while (node !== undefined) {
    nodes.push(node);
    node = node.kind === 'Join' ? undefined : planInputs(node)[0];
  }
  return nodes;
}

/**
 * A window and aggregation fused by the rule fused-columnar-aggregation (physical-rules.ts)
 * are one operator: the window node and any Prune under it disappear into it. `rules` gets
 * the rule's line for the statement (applied, or switched off).
 */
function fusedNames(
  nodes: readonly LogicalPlan[],
  oldRows: boolean,
  options: PhysicalRuleOptions,
  rules: string[],
): Map<LogicalPlan, string | undefined> {
  const names = new Map<LogicalPlan, string | undefined>();
  // An output-limited statement runs on the general operators (columnar-plan.ts).
  if (nodes.some((n) => n.kind === 'OutputLimit')) return names;
  for (const node of nodes) {
    if (node.kind !== 'Aggregate' || node.input.kind !== 'Window') continue;
    const choice = fusedAggregation(node, options);
    const rule = FUSED_COLUMNAR_AGGREGATION;
    if (!choice.applied) {
      if (choice.reason === 'off') rules.push(`${rule.name}: off (${rule.option}: false)`);
      continue;
    }
    const plan = choice.plan;
    const window = node.input;
    const stage = window.stages[0];
    names.set(window, undefined);
    if (window.input.kind === 'Prune') names.set(window.input, undefined);
    const rows = node.mode === 'all' ? 'one row per update' : 'one row per changed group';
    const batch = plan.window.def.traits.batching;
    const keeps =
      batch && !oldRows && plan.orderFree
        ? 'keeps no events: each arrival enters its group at once, and each flush starts the batch afresh'
        : "the window keeps each event's group and aggregate arguments, not the event";
    names.set(
      node,
      `ColumnarAggregation ${stage?.def.describe(stage.params)} (${rows}) [${aggregateList(node)}]: window and aggregation in one step; ${keeps}`,
    );
    rules.push(
      `${rule.name}: ${stage?.def.describe(stage.params)} and the aggregation fused (${rule.summary})`,
    );
  }
  return names;
}

/** planOperators builds no operator for `select *` in arrival order straight into the output. */
function isPassThrough(node: LogicalPlan, parent: LogicalPlan | undefined): boolean {
  return (
    node.kind === 'Project' &&
    node.columns === undefined &&
    node.having === undefined &&
    node.orderBy.length === 0 &&
    parent?.kind === 'Output'
  );
}

/** The statement's physical operators, one numbered line each. */
export function describePhysical(stmt: StatementPlan, options: PhysicalRuleOptions = {}): string {
  return physicalDescription(stmt, options).operators;
}

/** The physical operators, and which physical rules chose them (or were switched off). */
export function physicalDescription(
  stmt: StatementPlan,
  options: PhysicalRuleOptions = {},
): { readonly operators: string; readonly rules: readonly string[] } {
  const nodes = chain(stmt.root)
    .reverse()
    .filter((n, i, all) => !isPassThrough(n, all[i + 1]));
  const rules: string[] = [];
  // Context partitions run without the columnar fusion (runtime/context-statement.ts).
  const effective = stmt.context === undefined ? options : { ...options, columnarAggregation: false };
  const fused = fusedNames(nodes, postsOldRows(stmt.root), effective, rules);
  const lines = nodes
    .filter((n) => !fused.has(n) || fused.get(n) !== undefined)
    .map((n, i) => `${i + 1}. ${fused.get(n) ?? operatorName(n)}`);
  for (const q of stmt.subqueries) lines.push(`   ${describeSubqueryRuntime(q)}`);
  const operators = lines.join('\n');
  // In a context the operators run once per live partition.
  if (stmt.context === undefined) return { operators, rules };
  return {
    operators: `context ${stmt.context}: one instance of these operators per live partition; what the partitions post in one step reaches the listeners as one call\n${operators}`,
    rules,
  };
}

function describeSubqueryRuntime(q: SubqueryPlan): string {
  const keys = subqueryIndexKeys(q);
  if (q.shared?.kind === 'table') {
    const lookup =
      keys.length === 0
        ? 'every row'
        : `${
            primaryKeyOrder(
              q.shared,
              q.alias,
              keys.map((k) => k.own),
            )
              ? 'primary-key read'
              : 'scan'
          } (${keys.map((k) => renderExpr(k.own)).join(', ')})`;
    return `SubqueryRuntime #${q.id} (${q.test}): table ${q.shared.name} read per evaluation → ${lookup}${q.aggregates.length === 0 ? '' : ', aggregates over the matching rows'}`;
  }
  const lookup =
    keys.length > 0
      ? `hash index lookup (${keys.map((k) => renderExpr(k.own)).join(', ')}) per evaluation`
      : q.windows.length === 0
        ? 'aggregation over every event so far'
        : 'scan of the window per evaluation';
  const aggregation =
    q.aggregates.length === 0
      ? ''
      : q.correlated
        ? ', aggregates over the matching rows'
        : ', aggregation kept from the window posts';
  const source =
    q.shared?.kind === 'named-window'
      ? `named window ${q.shared.name} posts (from its rows at start)`
      : `route ${q.stream} events → own window`;
  return `SubqueryRuntime #${q.id} (${q.test}): ${source} → ${lookup}${aggregation}`;
}
