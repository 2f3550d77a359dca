/**
 * Running operators for the nodes of named windows, tables and variables: a consumer of a
 * named window, a create statement's definition, and an `on` statement's trigger operator.
 * Called by plan-operators.ts; what the statement must undo when it stops is returned as
 * `stop` callbacks.
 */
import { createAggregator } from '../aggregates/create-aggregator.js';
import { lookupAggregate } from '../aggregates/registry.js';
import type { Row } from '../common/row.js';
import type { Stateful } from '../common/state.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { compileExpr, compilePredicate } from '../expr/compile-expr.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import { ContextRuntime } from '../infra/context-runtime.js';
import type { InfraRuntime } from '../infra/infra-runtime.js';
import { NamedWindowRuntime } from '../infra/named-window.js';
import {
  type CompiledAction,
  type CompiledLookup,
  type CompiledMergeAction,
  type InfraTarget,
  OnTriggerOperator,
} from '../infra/on-trigger-operator.js';
import { TableCount, TableRuntime, tableKey } from '../infra/table.js';
import type { AggregateLayout, GroupStore } from '../operators/aggregation-state.js';
import { type GroupKeyFn, makeGroupKey } from '../operators/group-key.js';
import type { Operator } from '../operators/operator.js';
import type { TableRows } from '../operators/table-join-lookup.js';
import type { IntoTablePlan, MergeActionPlan, OnActionPlan, OnTarget } from '../plan/infra-defs.js';
import type { LogicalPlan } from '../plan/logical-plan.js';
import type { PhysicalEnv, Startable, StatePart, StatementEntry } from './physical-env.js';

/** What building an infra node adds to its statement. */
export interface InfraParts {
  readonly entries: StatementEntry[];
  readonly stops: (() => void)[];
  /** Started when the statement starts (after every statement of the deployment is built). */
  readonly starters: Startable[];
  /** Stateful parts a snapshot writes (a part without snapshot/restore fails it, by label). */
  readonly parts: StatePart[];
}

function infraOf(env: PhysicalEnv): InfraRuntime {
  const infra = env.infra;
  if (infra === undefined) throw new Error('this engine has no shared state (named windows, variables)');
  return infra;
}

/** Named window `name` of the engine (its create statement is deployed: the catalog checked). */
export function namedWindow(env: PhysicalEnv, name: string): NamedWindowRuntime {
  return infraOf(env).window(name);
}

/** What a join reads of table `name`: its rows, and the row of a primary key. */
export function tableRows(env: PhysicalEnv, name: string): TableRows {
  const table = infraOf(env).table(name);
  return {
    rows: () => table.contents(),
    byKey: (values) => table.read(tableKey(values), undefined) as Row | null,
  };
}

/**
 * `from W`: the consumer receives the window's merged (new, old) posts. `preload` (a
 * consumer that is not a join's stream): when the statement starts, the rows the window
 * holds reach it as one insert-stream update, as Esper's NamedWindowConsumerPreload feeds
 * them to a new consumer (not a batch window's: it posts them again when the batch is
 * released). They go through the whole statement (filter, where, aggregation, having, the
 * output condition); a statement deployed after the window filled has no listener yet, so
 * its aggregation starts from the rows and nothing is posted for them.
 */
export function buildNamedWindowSource(
  node: Extract<LogicalPlan, { kind: 'NamedWindowSource' }>,
  next: Operator,
  env: PhysicalEnv,
  parts: InfraParts,
  preload: boolean,
): void {
  const window = infraOf(env).window(node.window);
  parts.stops.push(window.subscribe(next));
  if (!preload || window.def.batching) return;
  parts.starters.push({
    start: () => {
      const rows = window.contents();
      if (rows.length > 0) next.onUpdate(rows, null);
    },
  });
}

/** A create statement: sets up its definition; a window and a variable post their changes to `next`. */
export function buildDefine(
  node: Extract<LogicalPlan, { kind: 'Define' }>,
  next: Operator,
  env: PhysicalEnv,
  frame: EvalFrame,
  parts: InfraParts,
): void {
  const infra = infraOf(env);
  const definition = node.definition;
  switch (definition.kind) {
    case 'variable': {
      const def = definition.def;
      infra.variables.define(def);
      const name = def.name;
      parts.stops.push(
        infra.variables.onChange(name, (value, old) => next.onUpdate([{ [name]: value }], [{ [name]: old }])),
      );
      parts.stops.push(() => infra.variables.remove(name));
      return;
    }
    case 'window': {
      const window = new NamedWindowRuntime(definition.def, {
        now: () => env.now(),
        timers: env.timers,
        compile: (expr) => {
          const fn = compileExpr(expr);
          return (row) => fn(row, frame);
        },
        startTime: env.startTime,
        atStepEnd: (callback) => env.atStepEnd(callback),
      });
      infra.addWindow(window);
      parts.parts.push({ label: `named window ${definition.def.name}`, part: window as Partial<Stateful> });
      parts.stops.push(window.subscribe(next));
      parts.stops.push(() => infra.removeWindow(definition.def.name));
      // `insert into W` rows are routed to the window's name.
      parts.entries.push({ stream: definition.def.name, indexed: [], accept: (row) => window.insert(row) });
      return;
    }
    case 'index':
      // Built now, from the rows the window already holds (Esper fills an index at creation).
      infra.window(definition.def.window).index(definition.def);
      return;
    case 'table': {
      const table = new TableRuntime(definition.def, (column) => {
        const aggregate = column.aggregate;
        const def = aggregate === undefined ? undefined : lookupAggregate(aggregate.fn);
        if (aggregate === undefined || def === undefined)
          throw new Error(`${column.name} is no aggregation column`);
        if (aggregate.fn === 'count' && !aggregate.distinct) return new TableCount();
        return createAggregator(def, { distinct: aggregate.distinct });
      });
      infra.addTable(table);
      parts.parts.push({ label: `table ${definition.def.name}`, part: table as Partial<Stateful> });
      parts.stops.push(() => infra.removeTable(definition.def.name));
      return;
    }
    case 'context': {
      const context = new ContextRuntime(definition.def, {
        now: () => env.now(),
        timers: env.timers,
        compile: (expr) => compileExpr(expr),
        atStepEnd: (callback) => env.atStepEnd(callback),
        frame,
        maxPartialMatches: env.maxPartialMatches,
        onPatternCapReached: () => env.onPatternCapReached(`context ${definition.def.name}`),
      });
      infra.addContext(context);
      parts.parts.push({ label: `context ${definition.def.name}`, part: context });
      parts.entries.push(...context.conditionEntries());
      parts.starters.push({ start: () => context.begin() });
      parts.stops.push(() => {
        context.stop();
        infra.removeContext(definition.def.name);
      });
      return;
    }
  }
}

function compileLookup(target: OnTarget): CompiledLookup {
  const lookup = target.lookup;
  return {
    index: lookup.index,
    hashKeys: lookup.hashKeys.map((k) => compileExpr(k)),
    ranges: lookup.ranges.map((r) =>
      r.kind === 'relop'
        ? { kind: 'relop' as const, op: r.op, value: compileExpr(r.value) }
        : {
            kind: 'range' as const,
            low: compileExpr(r.low),
            lowInclusive: r.lowInclusive,
            high: compileExpr(r.high),
            highInclusive: r.highInclusive,
            allowReverse: r.allowReverse,
          },
    ),
    filter: lookup.filter === undefined ? undefined : compilePredicate(lookup.filter),
  };
}

const optional = (e: BoundExpr | undefined) => (e === undefined ? undefined : compileExpr(e));

function compileMergeAction(a: MergeActionPlan): CompiledMergeAction {
  switch (a.kind) {
    case 'update':
      return {
        kind: 'update',
        assignments: a.assignments.map((x) => ({ column: x.column, value: compileExpr(x.value) })),
        where: optional(a.where),
      };
    case 'delete':
      return { kind: 'delete', where: optional(a.where) };
    case 'insert':
      return {
        kind: 'insert',
        into: a.into,
        columns: a.columns.map((c) => ({ name: c.name, value: compileExpr(c.expr) })),
        where: optional(a.where),
      };
  }
}

function compileAction(action: OnActionPlan): CompiledAction {
  switch (action.kind) {
    case 'select':
      return { kind: 'select', andDelete: action.andDelete };
    case 'delete':
      return { kind: 'delete' };
    case 'update':
      return {
        kind: 'update',
        assignments: action.assignments.map((a) => ({ column: a.column, value: compileExpr(a.value) })),
      };
    case 'merge':
      return {
        kind: 'merge',
        clauses: action.clauses.map((c) => ({
          matched: c.matched,
          condition: optional(c.condition),
          actions: c.actions.map(compileMergeAction),
        })),
      };
    case 'set':
      return {
        kind: 'set',
        assignments: action.assignments.map((a) => ({ variable: a.variable, value: compileExpr(a.value) })),
      };
  }
}

function targetRuntime(infra: InfraRuntime, target: OnTarget): InfraTarget {
  return target.kind === 'window' ? infra.window(target.name) : infra.table(target.name);
}

/** The operator an `on` statement's trigger events go to. */
export function buildOnTrigger(
  node: Extract<LogicalPlan, { kind: 'OnTrigger' }>,
  next: Operator,
  env: PhysicalEnv,
  frame: EvalFrame,
): Operator {
  const infra = infraOf(env);
  const action = node.action;
  const target =
    action.kind === 'set'
      ? undefined
      : {
          runtime: targetRuntime(infra, action.target),
          alias: action.target.alias,
          lookup: compileLookup(action.target),
        };
  const triggerAlias = node.trigger.kind === 'stream' ? node.trigger.alias : node.trigger.alias;
  return new OnTriggerOperator(
    node.trigger.kind === 'stream' ? triggerAlias : undefined,
    target,
    compileAction(action),
    {
      frame,
      insert: (stream: string, rows: Row[]) => env.insert(stream, rows),
      writeVariable: (name, value) => infra.variables.write(name, value),
    },
    next,
  );
}

/**
 * `into table T`: the statement's groups are T's rows (a key-less table: its one row, under
 * one constant key), its aggregators those of T's columns.
 */
export function intoTableGroups(
  into: IntoTablePlan,
  groupBy: readonly BoundExpr[],
  layout: AggregateLayout,
  frame: EvalFrame,
  env: PhysicalEnv,
): { readonly groupKey: GroupKeyFn; readonly store: GroupStore } {
  const table = infraOf(env).table(into.table);
  const keys = groupBy.map((g) => compileExpr(g));
  const groupKey: GroupKeyFn = keys.length === 0 ? () => tableKey([]) : makeGroupKey(keys);
  const store = table.groupStore(layout, into.columns, (row, f) => keys.map((k) => k(row, f)), frame);
  return { groupKey, store };
}
