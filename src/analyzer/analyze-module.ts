import type { InfraItem } from '../ast/infra-ast.js';
/**
 * A whole module: schemas first-come, then statements in order (an `insert into` target
 * becomes a stream later statements can read). Collects every error instead of stopping
 * at the first, so `weir check` reports them all.
 */
import type { Module } from '../ast/module.js';
import { WeirError, WeirErrors } from '../common/errors.js';
import type { AnalyzedStatement } from '../plan/analyzed-statement.js';
import { analyzeStatement, inferredProperties } from './analyze-statement.js';
import type { EventSchema } from './event-schema.js';
import { SchemaCatalog } from './schema-catalog.js';

const INFRA_WORDS: Record<InfraItem['kind'], string> = {
  CreateWindow: "'create window'",
  CreateIndex: "'create index'",
  CreateTable: "'create table'",
  CreateContext: "'create context'",
  CreateVariable: "'create variable'",
  OnTrigger: "'on'",
};

export interface AnalyzedModule {
  readonly schemas: readonly EventSchema[];
  readonly statements: readonly AnalyzedStatement[];
}

/**
 * @param known event types already deployed on the engine
 * @param takenNames statement names already in use on the engine
 * @param firstIndex numbering for unnamed statements (`stmt-N`)
 */
export function analyzeModule(
  module: Module,
  known: readonly EventSchema[] = [],
  takenNames: ReadonlySet<string> = new Set(),
  firstIndex = 0,
): AnalyzedModule {
  const catalog = new SchemaCatalog(known);
  const schemas: EventSchema[] = [];
  const statements: AnalyzedStatement[] = [];
  const errors: WeirError[] = [];
  const names = new Set(takenNames);
  let index = firstIndex;
  for (const item of module.items) {
    try {
      if (item.kind === 'CreateSchema') {
        schemas.push(catalog.declare(item));
        continue;
      }
      if (item.kind !== 'Select') {
        throw new WeirError(
          'analyze/unsupported',
          `${INFRA_WORDS[item.kind]} statements are not supported yet`,
          {
            span: item.span,
          },
        );
      }
      if (item.context !== undefined || item.intoTable !== undefined) {
        throw new WeirError('analyze/unsupported', 'Contexts and tables are not supported yet', {
          span: item.span,
        });
      }
      const stmt = analyzeStatement(item, index++, catalog);
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
      if (stmt.insertInto !== undefined && catalog.get(stmt.insertInto.stream) === undefined) {
        schemas.push(catalog.infer(stmt.insertInto.stream, inferredProperties(stmt)));
      }
      statements.push(stmt);
    } catch (e) {
      if (e instanceof WeirError) errors.push(e);
      else if (e instanceof WeirErrors) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length > 0) throw new WeirErrors(errors);
  return { schemas, statements };
}
