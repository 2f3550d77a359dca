/**
 * Names a statement reads besides its streams' properties: variables (`limit`), context
 * properties (`context.key1`, `context.s.price`), and key-less table columns (`Totals.cnt`).
 * Stream properties win: these are tried only when the statement's scope does not know the
 * name (Esper resolves a stream property before a variable of the same name).
 */
import type { PropertyRef } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { ContextDef, ContextPropertyType, TableDef } from '../plan/infra-defs.js';
import type { InfraCatalog } from './infra-catalog.js';

export interface InfraBindings {
  readonly catalog: InfraCatalog;
  /** The statement's context (`context C select …`), whose properties `context.x` reads. */
  readonly context: ContextDef | undefined;
}

/** The bound form of `ref` as a variable, context property or table column; undefined when it is none. */
export function resolveInfraRef(ref: PropertyRef, infra: InfraBindings): BoundExpr | undefined {
  const [head, ...rest] = ref.path;
  if (head === undefined) return undefined;
  if (head.index === undefined && rest.length === 0) {
    const variable = infra.catalog.variable(head.name);
    if (variable !== undefined) return { kind: 'VarRef', name: variable.name, type: variable.type };
  }
  if (head.name === 'context' && head.index === undefined && rest.length > 0) {
    return contextProperty(ref, infra.context);
  }
  const table = infra.catalog.table(head.name);
  if (table !== undefined) return tableColumnRef(ref, table);
  return undefined;
}

function contextProperty(ref: PropertyRef, context: ContextDef | undefined): BoundExpr {
  const names = ref.path.slice(1).map((s) => s.name);
  const text = `context.${names.join('.')}`;
  if (context === undefined) {
    throw new WeirError(
      'analyze/unknown-property',
      `'${text}' is only valid in a statement that runs in a context (context C select …)`,
      { span: ref.span },
    );
  }
  const [first] = names;
  const property = first === undefined ? undefined : context.properties.get(first);
  const known = [...context.properties.keys()].join(', ');
  if (property === undefined || ref.path.slice(1).some((s) => s.index !== undefined)) {
    throw new WeirError(
      'analyze/unknown-property',
      `Context '${context.name}' has no property '${first}' (it has: ${known})`,
      { span: ref.span },
    );
  }
  // Follows the path through events (`context.s.price`) and named matches (`context.m.a.price`).
  let type: ContextPropertyType = property;
  for (let i = 1; i < names.length; i++) {
    const name = names[i] as string;
    if (typeof type === 'string') {
      throw new WeirError(
        'analyze/unknown-property',
        `'context.${names.slice(0, i).join('.')}' is a ${type}, not an event: '${text}'`,
        { span: ref.span },
      );
    }
    const inner: ContextPropertyType | undefined = type.get(name);
    if (inner === undefined) {
      throw new WeirError(
        'analyze/unknown-property',
        `'${text}': the event '${names.slice(0, i).join('.')}' of context '${context.name}' has no property '${name}' (it has: ${[...type.keys()].join(', ')})`,
        { span: ref.span },
      );
    }
    type = inner;
  }
  return { kind: 'ContextProp', path: names, type: typeof type === 'string' ? type : 'any' };
}

/** `Totals.cnt` on a table without primary key (one row), or `Counts[1].cnt` (a number key). */
function tableColumnRef(ref: PropertyRef, table: TableDef): BoundExpr {
  const [head, column, ...rest] = ref.path;
  if (head === undefined) throw new Error('empty property path');
  const keyCount = table.keys.length;
  const keys: BoundExpr[] =
    head.index === undefined ? [] : [{ kind: 'Const', value: head.index, type: 'int' }];
  if (keys.length !== keyCount) {
    throw new WeirError(
      'analyze/invalid-argument',
      keyCount === 0
        ? `Table '${table.name}' has no primary key: read it as ${table.name}.column`
        : `Table '${table.name}' has ${keyCount} primary key column(s): read it as ${table.name}[${table.keys.join(', ')}].column`,
      { span: ref.span },
    );
  }
  if (rest.length > 0 || column?.index !== undefined) {
    throw new WeirError(
      'analyze/unknown-property',
      `Cannot read '${ref.path.map((s) => s.name).join('.')}' from table '${table.name}'`,
      {
        span: ref.span,
      },
    );
  }
  return tableRef(table, keys, column?.name, ref);
}

/** A bound table lookup, checking the column exists. */
export function tableRef(
  table: TableDef,
  keys: readonly BoundExpr[],
  column: string | undefined,
  at: { readonly span: PropertyRef['span'] },
): BoundExpr {
  if (column === undefined)
    return { kind: 'TableRef', table: table.name, keys, column: undefined, type: 'any' };
  const def = table.columns.find((c) => c.name === column);
  if (def === undefined) {
    throw new WeirError(
      'analyze/unknown-property',
      `Table '${table.name}' has no column '${column}' (it has: ${table.columns.map((c) => c.name).join(', ')})`,
      { span: at.span },
    );
  }
  const type: EplType = def.type;
  return { kind: 'TableRef', table: table.name, keys, column, type };
}
