/**
 * `on Trigger … select | delete | update | merge | set …`. Expressions of the action read a
 * combined row: the trigger event under its alias (`as t`, else its type name) and the
 * target window's or table's row under its alias (`as w`, else its name), as Esper's
 * two-stream type service does (a property both have must be qualified). Update assignments
 * also see `initial.col`, the row's value before the update; `when not matched` clauses see
 * only the trigger. The where clause becomes the lookup plan (plan-lookup.ts).
 */
import type { SelectItem, SelectStatement } from '../ast/ast.js';
import type { Assignment, InfraTarget, MergeAction, MergeClause, OnTrigger } from '../ast/infra-ast.js';
import { renderExpressionName } from '../ast/render-name.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { simplifyExpr } from '../expr/simplify-expr.js';
import type { AnalyzedStatement } from '../plan/analyzed-statement.js';
import type {
  ColumnAssignment,
  MergeActionPlan,
  MergeClausePlan,
  OnActionPlan,
  OnTarget,
  TriggerPlan,
} from '../plan/infra-defs.js';
import type { OutputColumn, PlanSchema } from '../plan/logical-plan.js';
import { assignable, sourceStatement } from './analyze-infra.js';
import { analyzeStatement } from './analyze-statement.js';
import { type SourceAnalysis, conjunction } from './analyze-stream-source.js';
import { type BindContext, bindExpr, streamFilterContext } from './bind-expr.js';
import type { InfraBindings } from './bind-infra.js';
import type { EventSchema } from './event-schema.js';
import type { InfraCatalog } from './infra-catalog.js';
import { joinScope } from './join-scope.js';
import { planLookup } from './plan-lookup.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { type Scope, streamScope } from './scope.js';
import { tableRowSchema } from './table-schema.js';

/** The window or table an action names, with its row type. */
interface ResolvedTarget {
  readonly kind: 'window' | 'table';
  readonly name: string;
  readonly alias: string;
  readonly schema: EventSchema;
}

/** The stream trigger: its type, alias and filter. */
interface ResolvedTrigger {
  readonly plan: TriggerPlan;
  readonly alias: string;
  readonly schema: EventSchema;
}

function resolveTrigger(item: OnTrigger, catalog: SchemaCatalog, infra: InfraBindings): ResolvedTrigger {
  const trigger = item.trigger;
  if (trigger.kind === 'pattern') {
    throw new WeirError(
      'analyze/unsupported',
      "'on pattern […]' triggers are not supported yet: use an event type",
      {
        span: trigger.span,
      },
    );
  }
  const f = trigger.filter;
  const schema = catalog.require(f.stream);
  const alias = f.alias?.name ?? schema.name;
  const ctx = streamFilterContext(streamScope(schema, f.alias?.name), infra);
  const filter = conjunction(f.filters.map((x) => simplifyExpr(bindExpr(x, ctx))));
  return { plan: { kind: 'stream', stream: schema.name, filter, alias }, alias, schema };
}

function resolveTarget(
  target: InfraTarget,
  infra: InfraCatalog,
  catalog: SchemaCatalog,
  trigger: ResolvedTrigger,
): ResolvedTarget {
  const name = target.name.name;
  const alias = target.alias?.name ?? name;
  if (alias === trigger.alias) {
    throw new WeirError(
      'analyze/duplicate-stream',
      `The trigger and '${name}' are both named '${alias}': give one of them an alias, as in on ${trigger.schema.name} as t …`,
      { span: target.alias?.span ?? target.name.span },
    );
  }
  if (infra.window(name) !== undefined)
    return { kind: 'window', name, alias, schema: catalog.require(target.name) };
  const table = infra.table(name);
  if (table !== undefined) {
    return { kind: 'table', name, alias, schema: tableRowSchema(table) };
  }
  throw new WeirError('analyze/unknown-stream', `'${name}' is not a named window or table`, {
    span: target.name.span,
  });
}

function scopeOf(trigger: ResolvedTrigger, target: ResolvedTarget | undefined): Scope {
  return joinScope([
    ...(target === undefined ? [] : [{ alias: target.alias, schema: target.schema }]),
    { alias: trigger.alias, schema: trigger.schema },
  ]);
}

function context(scope: Scope, clause: string, infra: InfraBindings): BindContext {
  return { scope, aggregates: undefined, clause, prevAllowed: false, priorAllowed: false, infra };
}

function lookupTarget(target: ResolvedTarget, where: BoundExpr | undefined, infra: InfraCatalog): OnTarget {
  const window = infra.window(target.name);
  const table = infra.table(target.name);
  const lookup = planLookup(where, {
    name: target.name,
    alias: target.alias,
    indexes: window === undefined ? primaryKeyIndex(table?.name, table?.keys) : infra.indexesOf(target.name),
    uniqueKeys: window?.uniqueKeys ?? table?.keys,
    declareIndex: window === undefined ? undefined : (def) => infra.declareIndex(def, undefined),
  });
  return { kind: target.kind, name: target.name, alias: target.alias, lookup };
}

/** A table's rows are found by its primary key when the where clause gives all of it. */
function primaryKeyIndex(name: string | undefined, keys: readonly string[] | undefined) {
  if (name === undefined || keys === undefined || keys.length === 0) return [];
  return [
    { name: `${name}(primary key)`, window: name, unique: true, hash: [...keys], btree: [], explicit: true },
  ];
}

/** `set col = expr, …` on the target's row: every column must exist, every value fit its type. */
function bindAssignments(
  assignments: readonly Assignment[],
  target: ResolvedTarget,
  scope: Scope,
  infra: InfraBindings,
): ColumnAssignment[] {
  return assignments.map((a) => {
    const [first, second, ...rest] = a.target;
    const column =
      second !== undefined && first?.name === target.alias && rest.length === 0
        ? second
        : rest.length === 0 && second === undefined
          ? first
          : undefined;
    const type = column === undefined ? undefined : target.schema.properties.get(column.name);
    if (column === undefined || type === undefined) {
      throw new WeirError(
        'analyze/unknown-property',
        `'${a.target.map((t) => t.name).join('.')}' is not a column of '${target.name}' (it has: ${[...target.schema.properties.keys()].join(', ')})`,
        { span: a.span },
      );
    }
    const value = simplifyExpr(bindExpr(a.value, context(scope, 'the set clause', infra)));
    if (!assignable(value.type, type)) {
      throw new WeirError(
        'analyze/type-mismatch',
        `Column '${column.name}' of '${target.name}' is ${type}: it cannot be set to ${value.type} '${renderExpressionName(a.value)}'`,
        { span: a.value.span },
      );
    }
    return { column: column.name, value };
  });
}

/** The scope assignments see: the target (preferred for unqualified names), the trigger, and `initial`. */
function assignmentScope(trigger: ResolvedTrigger, target: ResolvedTarget): Scope {
  const streams = [
    { alias: target.alias, schema: target.schema },
    { alias: trigger.alias, schema: trigger.schema },
    ...(target.alias === 'initial' || trigger.alias === 'initial'
      ? []
      : [{ alias: 'initial', schema: target.schema }]),
  ];
  const all = joinScope(streams);
  const preferTarget = streamScope(target.schema, target.alias);
  return {
    resolve(ref) {
      // Esper's stream-zero-unambiguous rule: an unqualified column of the target is the target's.
      const [head, second] = ref.path;
      if (head !== undefined && second === undefined && target.schema.properties.has(head.name)) {
        const bound = preferTarget.resolve(ref);
        return bound.kind === 'Prop' ? { ...bound, path: [target.alias, ...bound.path] } : bound;
      }
      return all.resolve(ref);
    },
    wildcard: () => all.wildcard(),
    hasStreamName: (n) => all.hasStreamName(n),
  };
}

/** `insert select …` of a merge: columns by alias (or the column list), each fitting the target's column. */
function bindMergeInsert(
  action: Extract<MergeAction, { kind: 'insert' }>,
  scope: Scope,
  target: ResolvedTarget,
  infra: InfraBindings,
  catalog: SchemaCatalog,
): OutputColumn[] {
  const columns: OutputColumn[] = [];
  action.selectList.forEach((item: SelectItem, i) => {
    if (item.kind !== 'SelectExpr') {
      for (const col of scope.wildcard()) {
        columns.push({
          name: col.name,
          expr: { kind: 'Prop', path: [col.name], type: col.type },
          type: col.type,
        });
      }
      return;
    }
    const expr = simplifyExpr(bindExpr(item.expr, context(scope, 'a merge insert', infra)));
    const name = item.alias?.name ?? action.columns[i]?.name ?? renderExpressionName(item.expr);
    columns.push({ name, expr, type: expr.type });
  });
  const into = action.into?.name;
  if (into === undefined || into === target.name) {
    for (const c of columns) {
      const type = target.schema.properties.get(c.name);
      if (type === undefined) {
        throw new WeirError(
          'analyze/unknown-property',
          `'${c.name}' is not a column of '${target.name}' (it has: ${[...target.schema.properties.keys()].join(', ')})`,
          { span: action.span },
        );
      }
      if (!assignable(c.type, type)) {
        throw new WeirError(
          'analyze/type-mismatch',
          `Column '${c.name}' of '${target.name}' is ${type}, the inserted value is ${c.type}`,
          {
            span: action.span,
          },
        );
      }
    }
  } else if (catalog.get(into) === undefined) {
    catalog.infer(into, new Map(columns.map((c) => [c.name, c.type])));
  }
  return columns;
}

function bindMergeClause(
  clause: MergeClause,
  trigger: ResolvedTrigger,
  target: ResolvedTarget,
  infra: InfraBindings,
  catalog: SchemaCatalog,
): MergeClausePlan {
  // `when not matched` has no row: only the trigger is in scope.
  const scope = clause.matched ? scopeOf(trigger, target) : scopeOf(trigger, undefined);
  const condition =
    clause.condition === undefined
      ? undefined
      : simplifyExpr(bindExpr(clause.condition, context(scope, 'a when clause', infra)));
  const actions = clause.actions.map((action): MergeActionPlan => {
    const where =
      action.where === undefined
        ? undefined
        : simplifyExpr(bindExpr(action.where, context(scope, 'a merge action', infra)));
    switch (action.kind) {
      case 'update':
      case 'delete':
        if (!clause.matched) {
          throw new WeirError(
            'analyze/invalid-argument',
            `'when not matched' can only insert (there is no row to ${action.kind})`,
            {
              span: action.span,
            },
          );
        }
        return action.kind === 'delete'
          ? { kind: 'delete', where }
          : {
              kind: 'update',
              assignments: bindAssignments(
                action.assignments,
                target,
                assignmentScope(trigger, target),
                infra,
              ),
              where,
            };
      case 'insert': {
        const into = action.into?.name;
        // Inserting into the merged target itself sees only the trigger (Esper's insert-only type service).
        const insertScope = into === undefined || into === target.name ? scopeOf(trigger, undefined) : scope;
        const columns = bindMergeInsert(action, insertScope, target, infra, catalog);
        return { kind: 'insert', into: into === target.name ? undefined : into, columns, where };
      }
    }
  });
  return { matched: clause.matched, condition, actions };
}

/** A statement whose rows are the changed rows (delete, update, merge) or the variables' values (set). */
function actionStatement(
  item: OnTrigger,
  index: number,
  trigger: ResolvedTrigger,
  action: OnActionPlan,
  outputSchema: PlanSchema,
  infra: InfraBindings,
): AnalyzedStatement {
  const source = { kind: 'on-trigger', trigger: trigger.plan, action, inputSchema: outputSchema } as const;
  // Deleted rows and variable values are new events; updates and merges post new and old rows.
  const selector = action.kind === 'update' || action.kind === 'merge' ? 'irstream' : 'istream';
  return sourceStatement(item, index, source, outputSchema, selector, infra.context?.name);
}

function schemaOf(target: ResolvedTarget): PlanSchema {
  return [...target.schema.properties].map(([name, type]) => ({ name, type }));
}

export function analyzeOnTrigger(
  item: OnTrigger,
  index: number,
  catalog: SchemaCatalog,
  infra: InfraBindings,
): AnalyzedStatement {
  const trigger = resolveTrigger(item, catalog, infra);
  const action = item.action;
  if (action.kind === 'set') {
    const scope = scopeOf(trigger, undefined);
    const assignments = action.assignments.map((a) => {
      const [name, ...rest] = a.target;
      const def = name === undefined || rest.length > 0 ? undefined : infra.catalog.variable(name.name);
      if (def === undefined || name === undefined) {
        throw new WeirError(
          'analyze/unknown-property',
          `'${a.target.map((t) => t.name).join('.')}' is not a variable`,
          {
            span: a.span,
          },
        );
      }
      if (def.constant) {
        throw new WeirError(
          'analyze/invalid-argument',
          `Variable '${def.name}' is a constant and cannot be set`,
          { span: a.span },
        );
      }
      const value = simplifyExpr(bindExpr(a.value, context(scope, 'the set clause', infra)));
      if (!assignable(value.type, def.type)) {
        throw new WeirError(
          'analyze/type-mismatch',
          `Variable '${def.name}' is ${def.type}: it cannot be set to ${value.type} '${renderExpressionName(a.value)}'`,
          { span: a.value.span },
        );
      }
      return { variable: def.name, value };
    });
    const seen = new Set<string>();
    const outputSchema: { name: string; type: EplType }[] = [];
    for (const a of assignments) {
      if (seen.has(a.variable)) continue;
      seen.add(a.variable);
      outputSchema.push({ name: a.variable, type: infra.catalog.variable(a.variable)?.type ?? 'any' });
    }
    return actionStatement(item, index, trigger, { kind: 'set', assignments }, outputSchema, infra);
  }
  const targetAst =
    action.kind === 'select' ? action.from : action.kind === 'delete' ? action.from : action.target;
  if (targetAst === undefined) {
    throw new WeirError(
      'analyze/unsupported',
      "'on … select' needs a from clause naming a named window or table",
      {
        span: action.span,
      },
    );
  }
  const target = resolveTarget(targetAst, infra.catalog, catalog, trigger);
  const scope = scopeOf(trigger, target);
  const where =
    action.where === undefined
      ? undefined
      : simplifyExpr(bindExpr(action.where, context(scope, 'the where clause', infra)));
  const onTarget = lookupTarget(target, where, infra.catalog);
  switch (action.kind) {
    case 'delete':
      // The deleted rows are the statement's new events.
      return actionStatement(
        item,
        index,
        trigger,
        { kind: 'delete', target: onTarget },
        schemaOf(target),
        infra,
      );
    case 'update': {
      const assignments = bindAssignments(
        action.assignments,
        target,
        assignmentScope(trigger, target),
        infra,
      );
      return actionStatement(
        item,
        index,
        trigger,
        { kind: 'update', target: onTarget, assignments },
        schemaOf(target),
        infra,
      );
    }
    case 'merge': {
      const clauses = action.clauses.map((c) => bindMergeClause(c, trigger, target, infra, catalog));
      return actionStatement(
        item,
        index,
        trigger,
        { kind: 'merge', target: onTarget, clauses },
        schemaOf(target),
        infra,
      );
    }
    case 'select':
      return analyzeOnSelect(item, index, action, trigger, onTarget, scope, catalog, infra);
  }
}

/** `on T select …`: the select processing of a statement whose rows are (trigger, matching row) pairs. */
function analyzeOnSelect(
  item: OnTrigger,
  index: number,
  action: Extract<OnTrigger['action'], { kind: 'select' }>,
  trigger: ResolvedTrigger,
  target: OnTarget,
  scope: Scope,
  catalog: SchemaCatalog,
  infra: InfraBindings,
): AnalyzedStatement {
  const select: SelectStatement = {
    kind: 'Select',
    annotations: item.annotations,
    context: item.context,
    intoTable: undefined,
    output: undefined,
    insertInto: action.insertInto,
    selector: action.selector,
    distinct: action.distinct,
    selectList: action.selectList,
    from: [],
    joins: [],
    // The where clause is the lookup (target.lookup.filter), applied before the select processing.
    where: undefined,
    groupBy: action.groupBy,
    having: action.having,
    orderBy: action.orderBy,
    limit: action.limit,
    text: item.text,
    span: item.span,
  };
  const source: SourceAnalysis = {
    source: {
      kind: 'on-trigger',
      trigger: trigger.plan,
      action: { kind: 'select', target, andDelete: action.andDelete },
      inputSchema: [],
    },
    scope,
    prevAllowed: false,
    priorAllowed: false,
    priorDepth: { value: 0 },
  };
  return analyzeStatement(select, index, catalog, { infra, source });
}
