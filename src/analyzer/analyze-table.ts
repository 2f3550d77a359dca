import { lookupAggregate } from '../aggregates/registry.js';
/**
 * Tables: `create table T (…)` declares a table (plain columns, primary keys, aggregation
 * columns), and `into table T select …` makes a statement's aggregations T's columns, as
 * Esper's TableMetadata and into-table validation do:
 * - the statement groups by as many expressions as T has primary-key columns (none: no group
 *   by), of types the keys can hold;
 * - each aggregation it writes is selected `as` the name of an aggregation column of T with
 *   the same function (`sum(volume) as vol` into `vol sum(long)`); distinct must agree.
 */
import type { SelectStatement } from '../ast/ast.js';
import type { CreateTable } from '../ast/infra-ast.js';
import { WeirError } from '../common/errors.js';
import { type EplType, SCHEMA_TYPES } from '../common/types.js';
import type { AnalyzedStatement } from '../plan/analyzed-statement.js';
import type { IntoTablePlan, TableColumnDef, TableDef } from '../plan/infra-defs.js';
import { assignable, defineStatement } from './analyze-infra.js';
import type { InfraCatalog } from './infra-catalog.js';

function argType(name: { readonly name: string; readonly span: CreateTable['span'] }, fn: string): EplType {
  const type = name.name.toLowerCase() as EplType;
  if (!SCHEMA_TYPES.includes(type)) {
    throw new WeirError(
      'analyze/type-mismatch',
      `Unknown argument type '${name.name}' of ${fn}(…): use one of ${SCHEMA_TYPES.join(', ')}`,
      { span: name.span },
    );
  }
  return type;
}

function tableColumn(c: CreateTable['columns'][number], table: string): TableColumnDef {
  const agg = c.aggregate;
  if (agg === undefined) {
    if (c.type === undefined) throw new Error('a plain table column without a type');
    return { name: c.name.name, type: c.type, primaryKey: c.primaryKey, aggregate: undefined };
  }
  if (c.primaryKey) {
    throw new WeirError(
      'analyze/invalid-argument',
      `Column '${c.name.name}' of table '${table}' is an aggregation: it cannot be a primary key`,
      { span: c.span },
    );
  }
  const fn = agg.fn.name.toLowerCase();
  const def = lookupAggregate(fn);
  if (def === undefined) {
    throw new WeirError('analyze/unknown-function', `Unknown aggregation function '${agg.fn.name}'`, {
      span: agg.fn.span,
    });
  }
  if (agg.eventType !== undefined) {
    throw new WeirError(
      'analyze/unsupported',
      `Aggregation columns of events (@type(${agg.eventType.name})) are not supported`,
      { span: agg.span },
    );
  }
  if (agg.star ? !def.signature.star : agg.argTypes.length < def.signature.minArgs) {
    throw new WeirError(
      'analyze/invalid-aggregate',
      `${def.syntax} in table '${table}' needs ${agg.star ? 'an argument type, not *' : 'an argument type'}, as in ${c.name.name} ${fn}(double)`,
      { span: agg.span },
    );
  }
  if (agg.distinct && !def.signature.distinct) {
    throw new WeirError('analyze/invalid-aggregate', `${fn}(distinct …) is not an aggregation`, {
      span: agg.span,
    });
  }
  const argTypes = agg.argTypes.map((t) => argType(t, fn));
  return {
    name: c.name.name,
    type: def.resultType(argTypes),
    primaryKey: false,
    aggregate: {
      fn,
      distinct: agg.distinct,
      argType: argTypes[0],
      text: `${fn}(${agg.distinct ? 'distinct ' : ''}${agg.star ? '*' : agg.argTypes.map((t) => t.name).join(', ')})`,
    },
  };
}

export function analyzeCreateTable(item: CreateTable, index: number, infra: InfraCatalog): AnalyzedStatement {
  const name = item.name.name;
  const columns: TableColumnDef[] = [];
  for (const c of item.columns) {
    if (columns.some((x) => x.name === c.name.name)) {
      throw new WeirError(
        'analyze/duplicate-schema',
        `Column '${c.name.name}' appears twice in table '${name}'`,
        {
          span: c.name.span,
        },
      );
    }
    columns.push(tableColumn(c, name));
  }
  const def: TableDef = { name, columns, keys: columns.filter((c) => c.primaryKey).map((c) => c.name) };
  infra.declareTable(def, item.name);
  return defineStatement(item, index, { kind: 'table', def }, []);
}

/** Checks `into table T select …` against T and says which aggregation slot writes which column. */
export function intoTablePlan(
  stmt: AnalyzedStatement,
  item: SelectStatement,
  infra: InfraCatalog,
): IntoTablePlan {
  const id = item.intoTable;
  if (id === undefined) throw new Error('intoTablePlan without into table');
  const table = infra.table(id.name);
  if (table === undefined) {
    throw new WeirError(
      'analyze/unknown-stream',
      `'${id.name}' is not a table (create table ${id.name} (…) first)`,
      {
        span: id.span,
      },
    );
  }
  if (stmt.context !== undefined) {
    throw new WeirError('analyze/unsupported', `'into table' statements cannot run in a context`, {
      span: id.span,
    });
  }
  if (stmt.mode === 'mixed' || stmt.mode === 'grouped-mixed' || stmt.mode === 'simple') {
    throw new WeirError(
      'analyze/invalid-aggregate',
      stmt.mode === 'simple'
        ? `'into table ${table.name}' selects no aggregation`
        : `'into table ${table.name}' may select only aggregations and the group-by expressions`,
      { span: item.span },
    );
  }
  if (stmt.groupBy.length !== table.keys.length) {
    throw new WeirError(
      'analyze/invalid-group-by',
      table.keys.length === 0
        ? `Table '${table.name}' has no primary key: the statement writing into it cannot group by`
        : `Table '${table.name}' has primary key ${table.keys.join(', ')}: the statement writing into it must group by ${table.keys.length} expression(s), it groups by ${stmt.groupBy.length}`,
      { span: item.span },
    );
  }
  stmt.groupBy.forEach((g, i) => {
    const key = table.columns.find((c) => c.name === table.keys[i]) as TableColumnDef;
    if (!assignable(g.type, key.type)) {
      throw new WeirError(
        'analyze/type-mismatch',
        `Group-by expression ${i + 1} is ${g.type}, primary key '${key.name}' of table '${table.name}' is ${key.type}`,
        { span: item.span },
      );
    }
  });
  const written: { slot: number; column: string }[] = [];
  (stmt.columns ?? []).forEach((column, i) => {
    const span = item.selectList[i]?.span ?? item.span;
    const target = table.columns.find((c) => c.name === column.name);
    const expr = column.expr;
    if (expr.kind !== 'AggRef') {
      if (target?.aggregate !== undefined) {
        throw new WeirError(
          'analyze/invalid-aggregate',
          `'${column.name}' is aggregation column ${target.aggregate.text} of table '${table.name}': select an aggregation as ${column.name}`,
          { span },
        );
      }
      return;
    }
    const call = stmt.aggregates[expr.slot];
    if (target === undefined || target.aggregate === undefined) {
      throw new WeirError(
        'analyze/invalid-aggregate',
        `An aggregation written into table '${table.name}' must be named as one of its aggregation columns (${table.columns
          .filter((c) => c.aggregate !== undefined)
          .map((c) => c.name)
          .join(', ')}); '${column.name}' is none`,
        { span },
      );
    }
    if (
      call === undefined ||
      call.kind !== 'computed' ||
      call.fn !== target.aggregate.fn ||
      call.distinct !== target.aggregate.distinct
    ) {
      throw new WeirError(
        'analyze/invalid-aggregate',
        `Column '${column.name}' of table '${table.name}' is ${target.aggregate.text}: it cannot hold ${call?.text ?? 'this value'}`,
        { span },
      );
    }
    if (written.some((w) => w.column === column.name)) {
      throw new WeirError('analyze/invalid-aggregate', `Column '${column.name}' is written twice`, { span });
    }
    written.push({ slot: expr.slot, column: column.name });
  });
  if (written.length === 0) {
    throw new WeirError(
      'analyze/invalid-aggregate',
      `'into table ${table.name}' selects no aggregation column of the table`,
      { span: item.span },
    );
  }
  return { table: table.name, columns: written };
}
