/**
 * Create statements for shared state: `create window`, `create index`, `create variable`
 * (tables and contexts: analyze-table.ts, analyze-context.ts). Each declares its definition
 * in the catalogs, so later statements of the module (and later deployments) can name it,
 * and becomes a statement whose plan sets the state up at deployment: a named window posts
 * its changes to the create statement's listeners, a variable its value changes.
 */
import type { Identifier, SelectItem } from '../ast/ast.js';
import type { CreateIndex, CreateVariable, CreateWindow, StatementHeader } from '../ast/infra-ast.js';
import { renderExpressionName } from '../ast/render-name.js';
import { WeirError } from '../common/errors.js';
import { type EplType, isNumericType, widenNumeric } from '../common/types.js';
import { simplifyExpr } from '../expr/simplify-expr.js';
import type { AnalyzedStatement } from '../plan/analyzed-statement.js';
import type { IndexDef, InfraDefinition, NamedWindowDef, VariableDef } from '../plan/infra-defs.js';
import type { PlanSchema, WindowStage } from '../plan/logical-plan.js';
import { validateWindowChain } from '../windows/window-chain.js';
import { statementName } from './analyze-statement.js';
import { analyzeWindow } from './analyze-window.js';
import { bindExpr } from './bind-expr.js';
import type { InfraCatalog } from './infra-catalog.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { columnScope, streamScope } from './scope.js';

/** Whether a value of type `value` may be stored where `target` is declared (Esper's assignment compatibility). */
export function assignable(value: EplType, target: EplType): boolean {
  if (value === 'null' || value === 'any' || target === 'any' || value === target) return true;
  return isNumericType(value) && isNumericType(target) && widenNumeric(value, target) === target;
}

/**
 * A statement without select processing: it posts the rows its source produces (a window's
 * changes, a variable's values, an `on` action's changed rows).
 */
export function sourceStatement(
  item: StatementHeader,
  index: number,
  source: AnalyzedStatement['source'],
  outputSchema: PlanSchema,
  selector: 'istream' | 'irstream',
  context: string | undefined,
): AnalyzedStatement {
  return {
    name: statementName(item, index),
    text: item.text,
    span: item.span,
    source,
    where: undefined,
    columns: undefined,
    outputSchema,
    mode: 'simple',
    groupBy: [],
    aggregates: [],
    having: undefined,
    orderBy: [],
    distinct: false,
    limit: undefined,
    selector,
    insertInto: undefined,
    output: undefined,
    context,
    intoTable: undefined,
    subqueries: [],
  };
}

/** A create statement: a named window posts its insert and remove streams, a variable its new and old value. */
export function defineStatement(
  item: StatementHeader,
  index: number,
  definition: InfraDefinition,
  outputSchema: PlanSchema,
): AnalyzedStatement {
  if (item.context !== undefined) {
    throw new WeirError('analyze/unsupported', 'A create statement cannot run in a context', {
      span: item.context.span,
    });
  }
  const source = { kind: 'define', definition, inputSchema: outputSchema } as const;
  return sourceStatement(item, index, source, outputSchema, 'irstream', undefined);
}

export function analyzeCreateVariable(
  item: CreateVariable,
  index: number,
  infra: InfraCatalog,
): AnalyzedStatement {
  let initial: string | number | boolean | null = null;
  if (item.initial !== undefined) {
    const bound = simplifyExpr(
      bindExpr(item.initial, {
        scope: columnScope(new Map(), 'a variable initializer'),
        aggregates: undefined,
        clause: 'a variable initializer',
        prevAllowed: false,
        priorAllowed: false,
      }),
    );
    if (bound.kind !== 'Const') {
      throw new WeirError(
        'analyze/invalid-argument',
        `The initial value of variable '${item.name.name}' must be a constant`,
        {
          span: item.initial.span,
        },
      );
    }
    if (!assignable(bound.type, item.type)) {
      throw new WeirError(
        'analyze/type-mismatch',
        `Variable '${item.name.name}' of type ${item.type} cannot be initialized with ${bound.type} '${renderExpressionName(item.initial)}'`,
        { span: item.initial.span },
      );
    }
    initial = bound.value;
  }
  const def: VariableDef = { name: item.name.name, type: item.type, constant: item.constant, initial };
  infra.declareVariable(def, item.name);
  return defineStatement(item, index, { kind: 'variable', def }, [{ name: def.name, type: def.type }]);
}

/** The window's columns from `as Type`, `as (col type, …)` or `as select a, b as c from Type`. */
function windowColumns(item: CreateWindow, catalog: SchemaCatalog): Map<string, EplType> {
  const model = item.model;
  const columns = new Map<string, EplType>();
  const add = (name: string, type: EplType, at: { readonly span: Identifier['span'] }) => {
    if (columns.has(name)) {
      throw new WeirError(
        'analyze/duplicate-schema',
        `Column '${name}' appears twice in named window '${item.name.name}'`,
        {
          span: at.span,
        },
      );
    }
    columns.set(name, type);
  };
  switch (model.kind) {
    case 'type':
      for (const [name, type] of catalog.require(model.type).properties) columns.set(name, type);
      return columns;
    case 'columns':
      for (const c of model.columns) add(c.name.name, c.type, c.name);
      return columns;
    case 'select': {
      const schema = catalog.require(model.from);
      const scope = streamScope(schema, undefined);
      for (const selected of model.items) addSelected(selected, scope, schema.properties, add, item);
      return columns;
    }
  }
}

function addSelected(
  selected: SelectItem,
  scope: ReturnType<typeof streamScope>,
  all: ReadonlyMap<string, EplType>,
  add: (name: string, type: EplType, at: { readonly span: Identifier['span'] }) => void,
  item: CreateWindow,
): void {
  if (selected.kind !== 'SelectExpr') {
    for (const [name, type] of all) add(name, type, selected);
    return;
  }
  if (selected.expr.kind !== 'PropertyRef') {
    throw new WeirError(
      'analyze/unsupported',
      `The select list of 'create window ${item.name.name}' names properties of the type ('${renderExpressionName(selected.expr)}' is an expression)`,
      { span: selected.span },
    );
  }
  const bound = scope.resolve(selected.expr);
  add(selected.alias?.name ?? renderExpressionName(selected.expr), bound.type, selected);
}

/** Properties no two rows share: the keys of a `#unique(k, …)` or `#firstunique(k, …)` window of plain properties. */
function uniqueKeys(stages: readonly WindowStage[]): string[] | undefined {
  const [only, ...rest] = stages;
  if (only === undefined || rest.length > 0) return undefined;
  if (only.def.name !== 'unique' && only.def.name !== 'firstunique') return undefined;
  const keys = (only.params as { keys?: readonly { kind: string; path?: readonly unknown[] }[] }).keys;
  if (keys === undefined) return undefined;
  const names: string[] = [];
  for (const k of keys) {
    if (k.kind !== 'Prop' || k.path?.length !== 1 || typeof k.path[0] !== 'string') return undefined;
    names.push(k.path[0]);
  }
  return names;
}

export function analyzeCreateWindow(
  item: CreateWindow,
  index: number,
  catalog: SchemaCatalog,
  infra: InfraCatalog,
): AnalyzedStatement {
  if (item.insertFrom !== undefined) {
    throw new WeirError(
      'analyze/unsupported',
      `'create window … insert' (filling a window from another one) is not supported: use insert into ${item.name.name} select …`,
      { span: item.span },
    );
  }
  const columns = windowColumns(item, catalog);
  const schema = catalog.declareWindowType(item.name, columns);
  const scope = streamScope(schema, undefined);
  // Esper's named windows without a data window keep every row.
  const windows: WindowStage[] = item.windows.map((w) => analyzeWindow(w, scope));
  validateWindowChain(
    windows,
    item.windows.map((w) => w.span),
  );
  const outputSchema: PlanSchema = [...columns].map(([name, type]) => ({ name, type }));
  const def: NamedWindowDef = {
    name: item.name.name,
    schema: outputSchema,
    windows,
    uniqueKeys: uniqueKeys(windows),
    batching: windows.some((w) => w.def.traits.batching),
  };
  infra.declareWindow(def, item.name);
  return defineStatement(item, index, { kind: 'window', def }, outputSchema);
}

export function analyzeCreateIndex(item: CreateIndex, index: number, infra: InfraCatalog): AnalyzedStatement {
  const window = infra.window(item.window.name);
  if (window === undefined) {
    const table = infra.table(item.window.name);
    throw new WeirError(
      table === undefined ? 'analyze/unknown-stream' : 'analyze/unsupported',
      table === undefined
        ? `'${item.window.name}' is not a named window (create window ${item.window.name} … first)`
        : `Indexes on tables are not supported: table '${table.name}' is indexed by its primary key`,
      { span: item.window.span },
    );
  }
  const hash: string[] = [];
  const btree: string[] = [];
  for (const column of item.columns) {
    const name = column.property.name;
    if (!window.schema.some((c) => c.name === name)) {
      throw new WeirError(
        'analyze/unknown-property',
        `Named window '${window.name}' has no column '${name}' (it has: ${window.schema.map((c) => c.name).join(', ')})`,
        { span: column.property.span },
      );
    }
    if (hash.includes(name) || btree.includes(name)) {
      throw new WeirError('analyze/invalid-argument', `Column '${name}' is indexed twice`, {
        span: column.span,
      });
    }
    (column.indexKind === 'hash' ? hash : btree).push(name);
  }
  const def: IndexDef = {
    name: item.name.name,
    window: window.name,
    unique: item.unique,
    hash,
    btree,
    explicit: true,
  };
  infra.declareIndex(def, item.name);
  return defineStatement(item, index, { kind: 'index', def }, []);
}
