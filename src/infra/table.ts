/**
 * A table at runtime (Esper's TableInstance): rows by primary key, each holding its plain
 * columns and one aggregator per aggregation column.
 * - `into table` statements aggregate straight into the rows: a statement's group for key k
 *   is row k (created on its first event; Esper's getCreateRowIntoTable), its aggregators
 *   are the row's. A row stays when its events are gone (count 0), until deleted.
 * - `T[k].col` reads a column of row k (null without such a row); `on` actions find rows by
 *   primary key or by scanning, and change them: delete, update (plain columns), merge insert.
 * - Deleting a row detaches the groups aggregating into it: the next event for k starts a
 *   new row with fresh aggregators, as in Esper.
 * Rows are listed in creation order.
 * State (common/state.ts): the rows in creation order, each with its key, its plain columns and
 * each aggregation column's aggregator state; an `into table` statement's part writes only
 * what its groups add (their event count and first event), by row key.
 */
import type { Aggregator } from '../aggregates/aggregate-def.js';
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import { valueKey } from '../common/value-key.js';
import type { EvalFrame, TableLookup } from '../expr/eval-frame.js';
import {
  type AggregateLayout,
  type ComputedSlot,
  GroupState,
  type GroupStore,
} from '../operators/aggregation-state.js';
import type { TableColumnDef, TableDef } from '../plan/infra-defs.js';
import type { InfraTarget, RowLookup } from './on-trigger-operator.js';

/** How the aggregation columns create their aggregators (from the aggregate registry). */
export type AggregatorFactory = (column: TableColumnDef) => Aggregator;

/**
 * count in a table column: Esper's AggregatorCount applies a table's leave without the
 * eval path's floor at zero, so a row created again by an event leaving the window of an
 * `into table` statement counts -1.
 */
export class TableCount implements Aggregator {
  private n = 0;
  add(): void {
    this.n++;
  }
  remove(): void {
    this.n--;
  }
  value(): unknown {
    return this.n;
  }
  snapshot(): number {
    return this.n;
  }
  restore(state: unknown): void {
    this.n = state as number;
  }
}

class TableRow {
  /** Aggregators by column position (undefined for plain columns). */
  readonly aggregators: (Aggregator | undefined)[];
  /** Groups of `into table` statements aggregating into this row. */
  readonly groups: GroupState[] = [];

  constructor(
    readonly values: Row,
    columns: readonly TableColumnDef[],
    create: AggregatorFactory,
  ) {
    this.aggregators = columns.map((c) => (c.aggregate === undefined ? undefined : create(c)));
  }
}

/** The key of a row: the value of a single key column, an encoding of several. */
export function tableKey(values: readonly unknown[]): unknown {
  return values.length === 1 ? values[0] : valueKey(values);
}

/** A table's snapshot: per row, its key, its plain columns and its aggregators' states (null: plain column). */
export interface TableSnapshot {
  readonly rows: readonly (readonly [key: unknown, values: Row, aggregators: readonly unknown[]])[];
}

/** An `into table` statement's groups: per row it aggregates into, the row key, event count and first event. */
type TableGroupsSnapshot = readonly (readonly [key: unknown, rows: number, first: number | null])[];

export class TableRuntime implements InfraTarget, Stateful<TableSnapshot> {
  private readonly rows = new Map<unknown, TableRow>();
  private readonly columnIndex: ReadonlyMap<string, number>;
  /** The primary-key lookup `on` actions use (the only index of a table). */
  private readonly primary: RowLookup = {
    lookup: (keys) => {
      const row = this.rows.get(tableKey(keys));
      return row === undefined ? [] : [this.view(row)];
    },
  };

  constructor(
    readonly def: TableDef,
    private readonly createAggregator: AggregatorFactory,
  ) {
    this.columnIndex = new Map(def.columns.map((c, i) => [c.name, i]));
  }

  private keyOf(row: Row): unknown {
    return tableKey(this.def.keys.map((k) => row[k] ?? null));
  }

  /** The row as `on` actions and `T[k]` see it: every column with its current value. */
  private view(row: TableRow): Row {
    const out: Row = {};
    this.def.columns.forEach((c, i) => {
      const aggregator = row.aggregators[i];
      out[c.name] = aggregator === undefined ? (row.values[c.name] ?? null) : aggregator.value();
    });
    return out;
  }

  private newRow(values: Row): TableRow {
    const plain: Row = {};
    for (const c of this.def.columns) if (c.aggregate === undefined) plain[c.name] = values[c.name] ?? null;
    return new TableRow(plain, this.def.columns, this.createAggregator);
  }

  private remove(key: unknown): void {
    const row = this.rows.get(key);
    if (row === undefined) return;
    this.rows.delete(key);
    // A remembered group of a deleted row must not be found again (AggregateGroupedOperator
    // trusts a remembered group only while it holds events).
    for (const group of row.groups) group.rows = 0;
  }

  /** `T[key].col` (`column` undefined: the whole row); null without a row for `key`. */
  read(key: unknown, column: string | undefined): unknown {
    const row = this.rows.get(key);
    if (row === undefined) return null;
    if (column === undefined) return this.view(row);
    const at = this.columnIndex.get(column);
    if (at === undefined) return null;
    const aggregator = row.aggregators[at];
    return aggregator === undefined ? (row.values[column] ?? null) : aggregator.value();
  }

  contents(): Row[] {
    return [...this.rows.values()].map((row) => this.view(row));
  }

  index(): RowLookup {
    return this.primary;
  }

  normalize(row: Row): Row {
    const copy: Row = {};
    for (const c of this.def.columns) copy[c.name] = row[c.name] ?? null;
    return copy;
  }

  /**
   * Deleted rows (old rows whose key no new row has), updated rows (a new row with the key of
   * an old one: its plain columns change, its aggregations stay) and inserted rows (a new key;
   * an existing row with that key is replaced).
   */
  change(newRows: readonly Row[], oldRows: readonly Row[]): void {
    const replaced = new Set<unknown>();
    for (const row of newRows) {
      const key = this.keyOf(row);
      const existing = this.rows.get(key);
      const updating = existing !== undefined && oldRows.some((old) => this.keyOf(old) === key);
      if (updating) {
        for (const c of this.def.columns)
          if (c.aggregate === undefined) existing.values[c.name] = row[c.name] ?? null;
        replaced.add(key);
        continue;
      }
      this.remove(key);
      this.rows.set(key, this.newRow(row));
      replaced.add(key);
    }
    for (const row of oldRows) {
      const key = this.keyOf(row);
      if (!replaced.has(key)) this.remove(key);
    }
  }

  /**
   * The groups of an `into table` statement: row k is group k. `slots` maps the statement's
   * computed aggregation slots to the table columns they write; `keyValues` computes the key
   * columns' values from an event of the group.
   */
  groupStore(
    layout: AggregateLayout,
    columns: readonly { readonly slot: number; readonly column: string }[],
    keyValues: (row: Row, frame: EvalFrame) => unknown[],
    frame: EvalFrame,
  ): GroupStore {
    const positions = layout.computed.map((c: ComputedSlot) => {
      const written = columns.find((w) => w.slot === c.slot);
      return written === undefined ? undefined : this.columnIndex.get(written.column);
    });
    const groupOf = new WeakMap<TableRow, GroupState>();
    const adopt = (row: TableRow, key: unknown): GroupState => {
      let group = groupOf.get(row);
      if (group === undefined) {
        // Slots that are no table column (none, after analysis) keep aggregators of their own.
        const aggregators = positions.map((at, i) =>
          at === undefined
            ? (layout.computed[i] as ComputedSlot).create()
            : (row.aggregators[at] as Aggregator),
        );
        group = new GroupState(layout, key, aggregators);
        groupOf.set(row, group);
        row.groups.push(group);
      }
      return group;
    };
    return {
      get: (key) => {
        const row = this.rows.get(key);
        return row === undefined ? undefined : adopt(row, key);
      },
      create: (key, event) => {
        const values: Row = {};
        const keys = keyValues(event, frame);
        this.def.keys.forEach((k, i) => {
          values[k] = keys[i] ?? null;
        });
        const row = this.newRow(values);
        this.rows.set(key, row);
        return adopt(row, key);
      },
      emptied: () => {},
      values: () => [...this.rows].map(([key, row]) => adopt(row, key)),
      snapshot: (w: StateWriter): TableGroupsSnapshot => {
        const out: [unknown, number, number | null][] = [];
        for (const [key, row] of this.rows) {
          const group = groupOf.get(row);
          if (group === undefined) continue;
          out.push([key, group.rows, group.firstEvent === null ? null : w.event(group.firstEvent)]);
        }
        return out;
      },
      restore: (state: unknown, r: StateReader) => {
        for (const [key, rows, first] of state as TableGroupsSnapshot) {
          const row = this.rows.get(key);
          if (row === undefined) throw new Error(`table ${this.def.name} has no row for a restored group`);
          const group = adopt(row, key);
          group.rows = rows;
          group.firstEvent = first === null ? null : r.event(first);
        }
      },
      release: () => {},
    };
  }

  size(): number {
    return this.rows.size;
  }

  snapshot(w: StateWriter): TableSnapshot {
    return {
      rows: [...this.rows].map(([key, row]) => [
        key,
        row.values,
        row.aggregators.map((a) => (a === undefined ? null : a.snapshot(w))),
      ]),
    };
  }

  restore(s: TableSnapshot, r: StateReader): void {
    this.rows.clear();
    for (const [key, values, aggregators] of s.rows) {
      const row = new TableRow({ ...values }, this.def.columns, this.createAggregator);
      row.aggregators.forEach((a, i) => a?.restore(aggregators[i], r));
      this.rows.set(key, row);
    }
  }

  /** The create statement stops: the rows are let go. */
  stop(): void {
    this.rows.clear();
  }
}

/** The engine's tables as compiled `T[k].col` reads them. */
export class TableReads implements TableLookup {
  constructor(private readonly table: (name: string) => TableRuntime | undefined) {}

  read(table: string, key: unknown, column: string | undefined): unknown {
    return this.table(table)?.read(Array.isArray(key) ? tableKey(key) : key, column) ?? null;
  }
}
