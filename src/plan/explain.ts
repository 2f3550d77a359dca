import { renderExpr } from '../expr/render-expr.js';
import { describeDefinition, describeOnTrigger } from './describe-infra.js';
import { describeLookups } from './join-lookup-plan.js';
/** Logical plans as indented text, one node per line, input below its consumer. */
import type { AggregateCall, LogicalPlan, StatementPlan } from './logical-plan.js';
import { planInputs } from './logical-plan.js';
import { describeJoinClauses, describeOuterLookups } from './outer-join-plan.js';
import { describeOutputLimit } from './output-limit.js';
import { describeSubquery } from './subquery-plan.js';

function aggregateText(call: AggregateCall, slot: number): string {
  if (call.kind === 'derived')
    return `$agg${slot}=${call.text} [derived: ${call.formula} of ${call.sources.map((s) => `$agg${s}`).join(', ')}]`;
  return `$agg${slot}=${call.text}`;
}

/** One line describing a node (without its inputs). */
export function describeNode(node: LogicalPlan): string {
  switch (node.kind) {
    case 'EventSource':
      return `EventSource ${node.stream}`;
    case 'PatternSource':
      return `PatternSource [${node.text}] streams=${node.streams.join(',')}`;
    case 'MatchRecognize':
      return `MatchRecognize measures=${node.schema.map((c) => c.name).join(',')}`;
    case 'StreamFilter': {
      const parts = [
        ...node.indexed.map((i) => `${i.property} = ${JSON.stringify(i.value)} [index]`),
        ...(node.predicate === undefined ? [] : [renderExpr(node.predicate)]),
      ];
      return `StreamFilter ${parts.join(' and ')}`;
    }
    case 'Prior':
      return `Prior depth=${node.depth}`;
    case 'Prune':
      return `Prune keep=${node.properties.join(',')}`;
    case 'Window':
      return `Window ${node.stages.map((s) => s.text).join('')}${node.union === true ? ' retain-union' : ''}${node.shareKey === undefined ? '' : ` shared=${node.shareKey}`}`;
    case 'Join': {
      const streams = node.streams.map(
        (s) =>
          `${s.alias}=${s.stream}${s.unidirectional ? ' unidirectional' : ''}${s.predicate === undefined ? '' : ` if ${renderExpr(s.predicate)}`}`,
      );
      const on = node.equalities.map((e) => `${renderExpr(e.left.expr)} = ${renderExpr(e.right.expr)}`);
      const parts = [
        `Join ${streams.join(', ')}`,
        node.outer !== undefined
          ? describeJoinClauses(node)
          : on.length === 0
            ? 'cross product'
            : `on ${on.join(' and ')}`,
        `lookups ${node.outer !== undefined ? describeOuterLookups(node) : describeLookups(node)}`,
        ...(node.residual === undefined ? [] : [`residual ${renderExpr(node.residual)}`]),
      ];
      return parts.join('; ');
    }
    case 'Filter':
      return `Filter ${renderExpr(node.predicate)}`;
    case 'Project': {
      const cols =
        node.columns === undefined
          ? '*'
          : node.columns.map((c) => `${c.name}=${renderExpr(c.expr)}`).join(', ');
      const order =
        node.orderBy.length === 0
          ? ''
          : ` order by ${node.orderBy.map((o) => `${renderExpr(o.expr)}${o.descending ? ' desc' : ''}`).join(', ')}`;
      const having = node.having === undefined ? '' : ` having ${renderExpr(node.having)}`;
      return `Project ${cols}${having}${order}`;
    }
    case 'Aggregate': {
      const parts = [
        `mode=${node.mode}`,
        ...(node.groupBy.length === 0 ? [] : [`group by ${node.groupBy.map(renderExpr).join(', ')}`]),
        `aggregates: ${node.aggregates.map(aggregateText).join(', ')}`,
        `columns: ${node.columns.map((c) => `${c.name}=${renderExpr(c.expr)}`).join(', ')}`,
        ...(node.having === undefined ? [] : [`having ${renderExpr(node.having)}`]),
        ...(node.resetEachUpdate ? ['reset each update (unidirectional join)'] : []),
        ...(node.intoTable === undefined
          ? []
          : [
              `into table ${node.intoTable.table} (${node.intoTable.columns.map((c) => `${c.column}=$agg${c.slot}`).join(', ')})`,
            ]),
        ...(node.orderBy.length === 0
          ? []
          : [
              `order by ${node.orderBy.map((o) => `${renderExpr(o.expr)}${o.descending ? ' desc' : ''}`).join(', ')}`,
            ]),
      ];
      return `Aggregate ${parts.join('; ')}`;
    }
    case 'OutputLimit':
      return `OutputLimit ${describeOutputLimit(node.spec)}`;
    case 'Distinct':
      return 'Distinct';
    case 'Limit':
      return `Limit ${node.count}${node.offset > 0 ? ` offset ${node.offset}` : ''}`;
    case 'Output': {
      const insert =
        node.insertInto === undefined
          ? ''
          : ` insert ${node.insertInto.selector} into ${node.insertInto.stream}`;
      return `Output '${node.statement}' ${node.selector}${insert}`;
    }
    case 'NamedWindowSource':
      return `NamedWindowSource ${node.window}`;
    case 'TableSource':
      return `TableSource ${node.table}`;
    case 'Define':
      return describeDefinition(node.definition);
    case 'OnTrigger':
      return describeOnTrigger(node.trigger, node.action);
  }
}

export function explainPlan(plan: LogicalPlan, indent = 0): string {
  const lines = [`${'  '.repeat(indent)}${describeNode(plan)}`];
  for (const input of planInputs(plan)) lines.push(explainPlan(input, indent + 1));
  return lines.join('\n');
}

export function explainStatement(stmt: StatementPlan): string {
  const subqueries = stmt.subqueries.map((q) => `  ${describeSubquery(q)}`);
  return [explainPlan(stmt.root), ...(subqueries.length === 0 ? [] : ['Subqueries', ...subqueries])].join(
    '\n',
  );
}
