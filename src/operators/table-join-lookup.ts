/**
 * A table as a stream of a join (Esper's table lookup strategies): nothing is indexed by the
 * join; each lookup reads the table's current rows when the other side's event is joined.
 * When the lookup's keys are exactly the table's primary key (plan/join-lookup-plan.ts
 * primaryKeyOrder) it is one read of that row; otherwise the rows are scanned and those whose
 * key parts equal the probe (`===`, null and NaN matching nothing unless `nullsMatch`, as in
 * JoinIndex) are the candidates. Rows failing the stream's own conditions are never found.
 */
import type { Row } from '../common/row.js';
import { type JoinLookup, type KeyFn, isMatchable } from './join-index.js';

/** What the join reads of a table. */
export interface TableRows {
  /** Every row, in the table's order. */
  rows(): Row[];
  /** The row whose primary-key columns (in declaration order) have these values, or null. */
  byKey(values: readonly unknown[]): Row | null;
}

export class TableJoinLookup implements JoinLookup {
  constructor(
    private readonly table: TableRows,
    /** The keys computed on a table row (one per lookup key). */
    private readonly keys: readonly KeyFn[],
    /** Where the primary-key columns are among the keys; undefined: scan. */
    private readonly primaryKey: readonly number[] | undefined,
    private readonly accepts: ((row: Row) => boolean) | undefined,
    private readonly nullsMatch: boolean,
  ) {}

  lookup1(value: unknown): Set<Row> | undefined {
    return this.lookup([value]);
  }

  lookup(values: readonly unknown[]): Set<Row> | undefined {
    if (!this.nullsMatch && !values.every(isMatchable)) return undefined;
    const pk = this.primaryKey;
    if (pk !== undefined) {
      const row = this.table.byKey(pk.map((at) => values[at]));
      return row === null || (this.accepts !== undefined && !this.accepts(row)) ? undefined : new Set([row]);
    }
    const found = new Set<Row>();
    for (const row of this.table.rows()) {
      if (
        this.keys.every((key, i) => key(row) === values[i]) &&
        (this.accepts === undefined || this.accepts(row))
      )
        found.add(row);
    }
    return found.size === 0 ? undefined : found;
  }
}

/** Every row of the table that passes the stream's conditions (a lookup without equality). */
export function tableContents(table: TableRows, accepts: ((row: Row) => boolean) | undefined): Set<Row> {
  const out = new Set<Row>();
  for (const row of table.rows()) if (accepts === undefined || accepts(row)) out.add(row);
  return out;
}
