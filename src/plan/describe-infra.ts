/**
 * Explain text for the nodes of named windows, tables, contexts and variables: what a create
 * statement defines, and how an `on` statement finds its rows (which index, which keys).
 */
import { assertNever } from '../common/assert-never.js';
import { renderExpr } from '../expr/render-expr.js';
import type {
  ContextConditionDef,
  ContextKind,
  IndexDef,
  InfraDefinition,
  OnActionPlan,
  OnTarget,
  TriggerPlan,
} from './infra-defs.js';
import type { LookupPlan, RangeKey } from './lookup-plan.js';

/** `index W_sym(sym hash, px btree) implicit`. */
export function describeIndex(index: IndexDef): string {
  const columns = [...index.hash.map((c) => `${c} hash`), ...index.btree.map((c) => `${c} btree`)];
  // A planned index is named after its window and columns already.
  const name = index.explicit ? `index ${index.name}(${columns.join(', ')})` : `implicit index ${index.name}`;
  return `${name}${index.unique ? ' unique' : ''}`;
}

function describeRange(column: string, range: RangeKey): string {
  if (range.kind === 'relop') return `${column} ${range.op} ${renderExpr(range.value)}`;
  return `${column} in ${range.lowInclusive ? '[' : '('}${renderExpr(range.low)}, ${renderExpr(range.high)}${range.highInclusive ? ']' : ')'}`;
}

/** `lookup via implicit index W_1(sym hash) keys sym = t.sym; filter (…)` or `scan; filter (…)`. */
export function describeLookup(target: OnTarget): string {
  const lookup: LookupPlan = target.lookup;
  const parts: string[] = [];
  const index = lookup.index;
  if (index === undefined) parts.push('scan');
  else {
    const keys = [
      ...index.hash.map(
        (c, i) => `${c} = ${renderExpr(lookup.hashKeys[i] as NonNullable<(typeof lookup.hashKeys)[number]>)}`,
      ),
      ...index.btree.map((c, i) => describeRange(c, lookup.ranges[i] as RangeKey)),
    ];
    parts.push(`via ${describeIndex(index)} keys ${keys.join(', ')}`);
  }
  if (lookup.filter !== undefined) parts.push(`filter ${renderExpr(lookup.filter)}`);
  return `${target.kind} ${target.name} as ${target.alias}: ${parts.join('; ')}`;
}

function describeCondition(c: ContextConditionDef | 'now' | undefined): string {
  if (c === undefined) return 'never';
  if (c === 'now') return '@now';
  switch (c.kind) {
    case 'filter':
      return `${c.filter.stream}${c.filter.filter === undefined ? '' : `(${renderExpr(c.filter.filter)})`}${c.filter.alias === undefined ? '' : ` as ${c.filter.alias}`}`;
    case 'pattern':
      return `pattern [${c.text}]${c.inclusive ? ' @inclusive' : ''}${c.alias === undefined ? '' : ` as ${c.alias}`}`;
    case 'crontab':
      return c.text;
    case 'after':
      return `after ${c.ms} ms`;
    default:
      return assertNever(c, 'context condition');
  }
}

/** How a context partitions: `keyed by sym from News, sym from Ord`. */
export function describeContextKind(detail: ContextKind): string {
  switch (detail.kind) {
    case 'keyed': {
      const keys = detail.items.map((i) => `${i.keys.map(renderExpr).join(' and ')} from ${i.filter.stream}`);
      const initiated = detail.initiatedBy.map((f) => describeCondition({ kind: 'filter', filter: f }));
      return `keyed by ${keys.join(', ')}${initiated.length === 0 ? '' : `; initiated by ${initiated.join(', ')}`}${detail.terminatedBy === undefined ? '' : `; terminated by ${describeCondition(detail.terminatedBy)}`}`;
    }
    case 'category':
      return `categories ${detail.categories.map((c) => `${c.label}: ${renderExpr(c.condition)}`).join(', ')} from ${detail.stream}`;
    case 'initiated':
      return `overlapping: initiated by ${detail.distinct === undefined ? '' : `distinct(${detail.distinct.map(renderExpr).join(', ')}) `}${detail.now ? '@now and ' : ''}${describeCondition(detail.start)}; terminated by ${describeCondition(detail.end)}`;
    case 'start-end':
      return `non-overlapping: start ${describeCondition(detail.start)}; end ${describeCondition(detail.end)}`;
    default:
      return assertNever(detail, 'context kind');
  }
}

export function describeDefinition(definition: InfraDefinition): string {
  switch (definition.kind) {
    case 'window': {
      const def = definition.def;
      return `Define window ${def.name}${def.windows.map((w) => w.text).join('')} (${def.schema.map((c) => `${c.name} ${c.type}`).join(', ')})`;
    }
    case 'index':
      return `Define ${describeIndex(definition.def)} on ${definition.def.window}`;
    case 'table': {
      const def = definition.def;
      const cols = def.columns.map(
        (c) =>
          `${c.name} ${c.aggregate === undefined ? c.type : c.aggregate.text}${c.primaryKey ? ' primary key' : ''}`,
      );
      return `Define table ${def.name} (${cols.join(', ')})`;
    }
    case 'context':
      return `Define context ${definition.def.name}: ${definition.def.levels.map((l) => describeContextKind(l.detail)).join(' / ')}`;
    case 'variable': {
      const def = definition.def;
      return `Define ${def.constant ? 'constant ' : ''}variable ${def.type} ${def.name} = ${JSON.stringify(def.initial)}`;
    }
    default:
      return assertNever(definition, 'definition');
  }
}

function describeTrigger(trigger: TriggerPlan): string {
  return trigger.kind === 'stream'
    ? `${trigger.stream} as ${trigger.alias}`
    : `pattern [${trigger.text}]${trigger.alias === undefined ? '' : ` as ${trigger.alias}`}`;
}

export function describeOnTrigger(trigger: TriggerPlan, action: OnActionPlan): string {
  const on = `On ${describeTrigger(trigger)}`;
  switch (action.kind) {
    case 'select':
      return `${on} select${action.andDelete ? ' and delete' : ''} from ${describeLookup(action.target)}`;
    case 'delete':
      return `${on} delete from ${describeLookup(action.target)}`;
    case 'update':
      return `${on} update ${describeLookup(action.target)}; set ${action.assignments.map((a) => `${a.column} = ${renderExpr(a.value)}`).join(', ')}`;
    case 'merge': {
      const clauses = action.clauses.map(
        (c) =>
          `when ${c.matched ? '' : 'not '}matched${c.condition === undefined ? '' : ` and ${renderExpr(c.condition)}`} then ${c.actions.map((a) => a.kind).join(', ')}`,
      );
      return `${on} merge ${describeLookup(action.target)}; ${clauses.join('; ')}`;
    }
    case 'set':
      return `${on} set ${action.assignments.map((a) => `${a.variable} = ${renderExpr(a.value)}`).join(', ')}`;
    default:
      return assertNever(action, 'on action');
  }
}
