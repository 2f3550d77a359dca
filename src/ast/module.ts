/**
 * A parsed file or API string: schemas, select statements and the infra statements of
 * infra-ast.ts, in source order.
 */
import type { Span } from '../common/span.js';
import type { CreateSchema, SelectStatement } from './ast.js';
import type { InfraItem } from './infra-ast.js';

export interface Module {
  readonly items: readonly ModuleItem[];
  readonly span: Span;
}

/** Schemas, select statements, and the named window / table / context / variable / `on` statements. */
export type ModuleItem = CreateSchema | SelectStatement | InfraItem;
