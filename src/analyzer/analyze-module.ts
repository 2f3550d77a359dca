/**
 * A whole module: schemas first-come, then statements in order (an `insert into` target
 * becomes a stream later statements can read). Collects every error instead of stopping
 * at the first, so `weir check` reports them all.
 */
import type { CreateSchema } from '../ast/ast.js';
import type { Module, ModuleItem } from '../ast/module.js';
import { assertNever } from '../common/assert-never.js';
import { WeirError, WeirErrors } from '../common/errors.js';
import type { Span } from '../common/span.js';
import type { AnalyzedStatement } from '../plan/analyzed-statement.js';
import type { NamedWindowDef } from '../plan/infra-defs.js';
import { analyzeCreateContext, checkContextStreams } from './analyze-context.js';
import {
  analyzeCreateIndex,
  analyzeCreateVariable,
  analyzeCreateWindow,
  assignable,
} from './analyze-infra.js';
import { analyzeOnTrigger } from './analyze-on-trigger.js';
import { analyzeStatement, inferredProperties } from './analyze-statement.js';
import { analyzeCreateTable, intoTablePlan } from './analyze-table.js';
import { collectUnknownProperties } from './bind-expr.js';
import type { InfraBindings } from './bind-infra.js';
import type { EventSchema } from './event-schema.js';
import { InfraCatalog, type InfraDefs, NO_INFRA } from './infra-catalog.js';
import { SchemaCatalog } from './schema-catalog.js';

export interface AnalyzedModule {
  readonly schemas: readonly EventSchema[];
  readonly statements: readonly AnalyzedStatement[];
  /** The variables, named windows, indexes, tables and contexts this module declares. */
  readonly infra: InfraDefs;
}

/**
 * @param known event types already deployed on the engine
 * @param takenNames statement names already in use on the engine
 * @param firstIndex numbering for unnamed statements (`stmt-N`)
 * @param knownInfra variables, named windows, tables, contexts already deployed on the engine
 */
export function analyzeModule(
  module: Module,
  known: readonly EventSchema[] = [],
  takenNames: ReadonlySet<string> = new Set(),
  firstIndex = 0,
  knownInfra: InfraDefs = NO_INFRA,
): AnalyzedModule {
  const catalog = new SchemaCatalog(known);
  const infra = new InfraCatalog(knownInfra);
  const statements: AnalyzedStatement[] = [];
  const errors: WeirError[] = [];
  const names = new Set(takenNames);
  let index = firstIndex;
  for (const item of module.items) {
    try {
      if (item.kind === 'CreateSchema') {
        catalog.declare(item);
        continue;
      }
      const stmt = collectUnknownProperties(() => analyzeItem(item, index++, catalog, infra));
      if (names.has(stmt.name)) {
        throw new WeirError(
          'analyze/duplicate-statement',
          `A statement named '${stmt.name}' already exists`,
          {
            span: item.span,
          },
        );
      }
      names.add(stmt.name);
      const target = stmt.insertInto?.stream;
      if (target !== undefined) {
        const window = infra.window(target);
        if (window !== undefined) checkWindowInsert(stmt, window, item.span);
        else if (catalog.get(target) === undefined) catalog.infer(target, inferredProperties(stmt));
      }
      statements.push(stmt);
    } catch (e) {
      if (e instanceof WeirError) errors.push(e);
      else if (e instanceof WeirErrors) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length > 0) throw new WeirErrors(errors);
  // New types in declaration order: declared schemas, named windows' row types, inferred streams.
  const knownNames = new Set(known.map((s) => s.name));
  const schemas = catalog.all().filter((s) => !knownNames.has(s.name));
  return { schemas, statements, infra: infra.declared() };
}

function analyzeItem(
  item: Exclude<ModuleItem, CreateSchema>,
  index: number,
  catalog: SchemaCatalog,
  infra: InfraCatalog,
): AnalyzedStatement {
  const context = item.context === undefined ? undefined : infra.requireContext(item.context);
  const bindings: InfraBindings = { catalog: infra, context };
  switch (item.kind) {
    case 'Select':
      if (context !== undefined) checkContextStreams(item, context);
      if (item.intoTable !== undefined) {
        const stmt = analyzeStatement(item, index, catalog, { infra: bindings });
        return { ...stmt, intoTable: intoTablePlan(stmt, item, infra) };
      }
      return analyzeStatement(item, index, catalog, { infra: bindings });
    case 'CreateVariable':
      return analyzeCreateVariable(item, index, infra);
    case 'CreateWindow':
      return analyzeCreateWindow(item, index, catalog, infra);
    case 'CreateIndex':
      return analyzeCreateIndex(item, index, infra);
    case 'OnTrigger':
      return analyzeOnTrigger(item, index, catalog, bindings);
    case 'CreateTable':
      return analyzeCreateTable(item, index, infra);
    case 'CreateContext':
      return analyzeCreateContext(item, index, catalog, infra);
    default:
      return assertNever(item, 'module item');
  }
}

/** `insert into W`: every selected column must be a column of the named window, of a type it can hold. */
function checkWindowInsert(stmt: AnalyzedStatement, window: NamedWindowDef, span: Span): void {
  for (const column of stmt.outputSchema) {
    const target = window.schema.find((c) => c.name === column.name);
    if (target === undefined) {
      throw new WeirError(
        'analyze/unknown-property',
        `Column '${column.name}' is not a column of named window '${window.name}' (it has: ${window.schema.map((c) => c.name).join(', ')})`,
        { span },
      );
    }
    if (!assignable(column.type, target.type)) {
      throw new WeirError(
        'analyze/type-mismatch',
        `Column '${column.name}' of named window '${window.name}' is ${target.type}, the inserted value is ${column.type}`,
        { span },
      );
    }
  }
}
