/**
 * Select list without aggregation: one output row per event, new and old (Esper's simple
 * processor, ResultSetProcessorSimple). A `having` clause without aggregates filters the rows
 * of both sides.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import type { Operator } from './operator.js';
import { DeferredConcatHelper } from './output-limit/generic-helpers.js';
import type {
  LimitHelper,
  LimitedProcessor,
  ReadInput,
  WriteInput,
} from './output-limit/limited-processor.js';
import type { RowBuilder } from './row-builder.js';
import type { RowSink } from './row-sink.js';

export type Predicate = (row: Row, ctx: EvalFrame) => boolean;

export class ProjectOperator implements LimitedProcessor {
  constructor(
    /** undefined: `select *`, the events themselves are the rows. */
    private readonly build: RowBuilder | undefined,
    private readonly having: Predicate | undefined,
    private readonly ctx: EvalFrame,
    private readonly newSink: RowSink,
    private readonly oldSink: RowSink,
    private readonly needOld: boolean,
    private readonly next: Operator,
  ) {}

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    const ins = inserted === null ? null : this.project(inserted, this.newSink);
    const rem = removed === null || !this.needOld ? null : this.project(removed, this.oldSink);
    if (ins !== null || rem !== null) this.next.onUpdate(ins, rem);
  }

  private project(rows: Row[], sink: RowSink): Row[] | null {
    const build = this.build;
    const having = this.having;
    if (!sink.sorts && having === undefined) {
      if (build === undefined) return rows.length > 0 ? rows : null;
      const out = new Array<Row>(rows.length);
      for (let i = 0; i < rows.length; i++) out[i] = build(rows[i] as Row, this.ctx);
      return out.length > 0 ? out : null;
    }
    for (const row of rows) {
      if (having !== undefined && !having(row, this.ctx)) continue;
      sink.push(build === undefined ? row : build(row, this.ctx), row, this.ctx);
    }
    return sink.take();
  }

  // ── output limiting (Esper's ResultSetProcessorSimple output-limited methods) ──

  apply(): void {}

  postEmptyInterval(): void {}

  limitHelper(type: 'all' | 'last'): LimitHelper {
    // Esper's simple helpers keep the events and build the rows at output time.
    return type === 'all'
      ? new DeferredConcatHelper(this)
      : new SimpleLastHelper(this, this.having, this.ctx);
  }

  /**
   * One row per event of the contents. Unsorted, Esper transforms each event on its own and
   * keeps a null where having rejects it (the listener sees null rows); sorted, it drops them.
   */
  postSnapshot(contents: readonly Row[] | undefined): void {
    if (contents === undefined || contents.length === 0) return;
    if (this.newSink.sorts || this.having === undefined) {
      this.onUpdate([...contents], null);
      return;
    }
    const rows = contents.map((e) =>
      this.having?.(e, this.ctx) === true ? (this.build === undefined ? e : this.build(e, this.ctx)) : null,
    );
    this.next.onUpdate(rows as Row[], null);
  }
}

/**
 * `last` (Esper's ResultSetProcessorSimpleOutputLastHelper): the last new and the last old
 * event of the interval that pass the having clause, made rows at output time.
 */
class SimpleLastHelper implements LimitHelper {
  private lastNew: Row | undefined;
  private lastOld: Row | undefined;

  constructor(
    private readonly processor: Operator,
    private readonly having: Predicate | undefined,
    private readonly ctx: EvalFrame,
  ) {}

  step(inserted: Row[] | null, removed: Row[] | null): void {
    const last = (rows: Row[] | null): Row | undefined => {
      if (rows === null) return undefined;
      for (let i = rows.length - 1; i >= 0; i--) {
        const row = rows[i] as Row;
        if (this.having === undefined || this.having(row, this.ctx)) return row;
      }
      return undefined;
    };
    this.lastNew = last(inserted) ?? this.lastNew;
    this.lastOld = last(removed) ?? this.lastOld;
  }

  output(): void {
    const ins = this.lastNew === undefined ? null : [this.lastNew];
    const rem = this.lastOld === undefined ? null : [this.lastOld];
    this.lastNew = undefined;
    this.lastOld = undefined;
    if (ins !== null || rem !== null) this.processor.onUpdate(ins, rem);
  }

  /** The kept events, through `input` (null: none). */
  snapshot(_w: StateWriter, input: WriteInput): unknown[] {
    return [
      this.lastNew === undefined ? null : input(this.lastNew),
      this.lastOld === undefined ? null : input(this.lastOld),
    ];
  }

  restore(s: unknown, _r: StateReader, input: ReadInput): void {
    const [lastNew, lastOld] = s as unknown[];
    this.lastNew = lastNew === null ? undefined : input(lastNew);
    this.lastOld = lastOld === null ? undefined : input(lastOld);
  }
}
