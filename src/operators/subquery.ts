/**
 * One subquery of a statement at run time (Esper's subselect strategies): the contents its
 * data window posted (a set, and a hash index when the where clause has a correlated
 * equality), an aggregation kept up to date from those posts when the subquery is
 * uncorrelated, and the evaluation Esper's SubselectForge* classes define:
 * - value: the select value of the single matching row (null for none or several; a row of
 *   columns, `{}` for none, when it selects several); aggregated, the aggregates over the
 *   matching rows;
 * - exists: whether a row matches;
 * - in / not in: whether the operand equals a selected value (null when it is null and rows
 *   match, or when none equals and a selected value is null);
 * - any / all: the operand compared with each selected value, three-valued.
 * "Matching" rows are the candidates (the index's lookup, else the whole window) passing the
 * where clause; without candidates `in`/`any` are false and `not in`/`all` true.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { CompareOp, SubqueryTest } from '../expr/bound-expr.js';
import { type EvalFrame, createFrame } from '../expr/eval-frame.js';
import type { StreamAccess } from '../expr/eval-frame.js';
import { type AggregateLayout, GroupState, type GroupStateSnapshot } from './aggregation-state.js';
import type { JoinIndex, JoinLookup } from './join-index.js';

type Fn = (row: Row, frame: EvalFrame) => unknown;

export interface SubqueryRuntimeSpec {
  readonly alias: string;
  /** On the candidate row `{ [alias]: event, $p: params }`. */
  readonly where: Fn | undefined;
  readonly columns: readonly { readonly name: string; readonly fn: Fn }[];
  readonly multiColumn: boolean;
  /** The window's contents are kept (a subquery with a data window). */
  readonly keepsContents: boolean;
  /** Hash index on the contents, with the outer side of each key (on `{ $p: params }`). */
  readonly index: { readonly index: JoinIndex; readonly probes: readonly Fn[] } | undefined;
  /**
   * A table read at each evaluation instead of kept contents: its lookup for the correlated
   * equalities (with their outer sides), else every row.
   */
  readonly table?: {
    readonly lookup: { readonly lookup: JoinLookup; readonly probes: readonly Fn[] } | undefined;
    readonly rows: () => Iterable<Row>;
  };
  /**
   * Aggregates: `incremental` (uncorrelated: kept from the posts, `where` and arguments read
   * the event itself), or computed afresh over the matching rows at each evaluation.
   */
  readonly aggregation:
    | { readonly kind: 'incremental'; readonly layout: AggregateLayout; readonly where: Fn | undefined }
    | { readonly kind: 'per-evaluation'; readonly layout: AggregateLayout }
    | undefined;
}

const NO_PARAMS: readonly unknown[] = [];

interface SubqueryState {
  readonly contents: number[];
  readonly aggregation: GroupStateSnapshot | null;
}

export class SubqueryRuntime implements Stateful<SubqueryState> {
  /** The events the subquery's window currently holds (with a window). */
  private readonly contents = new Set<Row>();
  private state: GroupState | undefined;
  private readonly frame: EvalFrame;
  private readonly alias: string;

  constructor(
    private readonly spec: SubqueryRuntimeSpec,
    access: StreamAccess,
  ) {
    this.frame = createFrame(access);
    this.alias = spec.alias;
    this.state =
      spec.aggregation?.kind === 'incremental' ? new GroupState(spec.aggregation.layout) : undefined;
  }

  /** The window's contents (the index is rebuilt from them) and the kept aggregation. */
  snapshot(w: StateWriter): SubqueryState {
    return { contents: w.events([...this.contents]), aggregation: this.state?.snapshot(w) ?? null };
  }

  restore(saved: SubqueryState, r: StateReader): void {
    for (const e of r.events(saved.contents)) {
      this.contents.add(e);
      this.spec.index?.index.add(e);
    }
    const aggregation = this.spec.aggregation;
    if (saved.aggregation !== null && aggregation?.kind === 'incremental') {
      this.state = GroupState.restore(aggregation.layout, saved.aggregation, r, false);
    }
  }

  stop(): void {
    this.contents.clear();
    this.spec.index?.index.clear();
  }

  /** What the subquery's window posted (or, without a window, each arriving event as new). */
  onPosts(inserted: readonly Row[] | null, removed: readonly Row[] | null): void {
    const { spec, state } = this;
    if (inserted !== null) {
      for (const e of inserted) {
        if (spec.keepsContents) {
          this.contents.add(e);
          spec.index?.index.add(e);
        }
        if (state !== undefined && this.entersAggregation(e)) state.enter(e, this.frame);
      }
    }
    if (removed !== null) {
      for (const e of removed) {
        if (spec.keepsContents) {
          this.contents.delete(e);
          spec.index?.index.remove(e);
        }
        if (state !== undefined && this.entersAggregation(e)) state.leave(e, this.frame);
      }
    }
    state?.refresh();
  }

  private entersAggregation(e: Row): boolean {
    const where = this.spec.aggregation?.kind === 'incremental' ? this.spec.aggregation.where : undefined;
    return where === undefined || where(e, this.frame) === true;
  }

  /** The candidates for one evaluation: the index's lookup, else every event held. */
  private candidates(params: readonly unknown[]): Iterable<Row> | undefined {
    const table = this.spec.table;
    if (table !== undefined) {
      const lookup = table.lookup;
      if (lookup === undefined) return table.rows();
      return lookup.lookup.lookup(lookup.probes.map((p) => p({ $p: params }, this.frame)));
    }
    const index = this.spec.index;
    if (index === undefined) return this.contents;
    const probe = { $p: params };
    if (index.probes.length === 1) return index.index.lookup1((index.probes[0] as Fn)(probe, this.frame));
    return index.index.lookup(index.probes.map((p) => p(probe, this.frame)));
  }

  /** The matching rows (candidates passing the where clause), as candidate rows. */
  private matching(params: readonly unknown[]): Row[] {
    const out: Row[] = [];
    const candidates = this.candidates(params);
    if (candidates === undefined) return out;
    const where = this.spec.where;
    for (const e of candidates) {
      const row: Row = { [this.alias]: e, $p: params };
      if (where === undefined || where(row, this.frame) === true) out.push(row);
    }
    return out;
  }

  private hasCandidates(params: readonly unknown[]): boolean {
    const c = this.candidates(params);
    return c !== undefined && c[Symbol.iterator]().next().done === false;
  }

  evaluate(
    test: SubqueryTest,
    op: CompareOp,
    params: readonly unknown[] = NO_PARAMS,
    left: unknown = null,
  ): unknown {
    switch (test) {
      case 'value':
        return this.value(params);
      case 'exists':
        return this.matching(params).length > 0;
      case 'in':
      case 'not in':
        return this.isIn(params, left, test === 'not in');
      case 'any':
      case 'all':
        return this.quantified(params, left, op, test === 'all');
    }
  }

  private value(params: readonly unknown[]): unknown {
    const { spec, frame } = this;
    const aggregation = spec.aggregation;
    if (aggregation !== undefined) {
      let values: unknown[];
      const rows = aggregation.kind === 'incremental' ? [] : this.matching(params);
      if (aggregation.kind === 'incremental') values = (this.state as GroupState).values;
      else {
        const fresh = new GroupState(aggregation.layout);
        for (const r of rows) fresh.enter(r, frame);
        values = fresh.refresh();
      }
      frame.aggValues = values;
      const row: Row = rows[rows.length - 1] ?? { $p: params };
      return this.select(row);
    }
    const rows = this.matching(params);
    if (rows.length !== 1) return rows.length === 0 && spec.multiColumn ? {} : null;
    return this.select(rows[0] as Row);
  }

  private select(row: Row): unknown {
    const columns = this.spec.columns;
    if (!this.spec.multiColumn) return (columns[0] as { fn: Fn }).fn(row, this.frame) ?? null;
    const out: Row = {};
    for (const c of columns) out[c.name] = c.fn(row, this.frame) ?? null;
    return out;
  }

  private selected(row: Row): unknown {
    return (this.spec.columns[0] as { fn: Fn }).fn(row, this.frame) ?? null;
  }

  private isIn(params: readonly unknown[], left: unknown, negated: boolean): unknown {
    if (!this.hasCandidates(params)) return negated;
    let nullRow = false;
    for (const row of this.matching(params)) {
      if (left === null || left === undefined) return null;
      const v = this.selected(row);
      if (v === null) nullRow = true;
      else if (v === left) return !negated;
    }
    return nullRow ? null : negated;
  }

  private quantified(params: readonly unknown[], left: unknown, op: CompareOp, all: boolean): unknown {
    if (!this.hasCandidates(params)) return all;
    const rows = this.matching(params);
    if (rows.length === 0) return all;
    const leftNull = left === null || left === undefined;
    let nullRow = false;
    let nonNullRow = false;
    for (const row of rows) {
      const v = this.selected(row);
      if (v === null) {
        nullRow = true;
        continue;
      }
      nonNullRow = true;
      if (leftNull) continue;
      const holds = compare(op, left, v);
      if (all && !holds) return false;
      if (!all && holds) return true;
    }
    if (all) return leftNull || nullRow ? null : true;
    return !nonNullRow || leftNull ? null : false;
  }
}

function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return (a as number) < (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>':
      return (a as number) > (b as number);
    case '>=':
      return (a as number) >= (b as number);
  }
}
