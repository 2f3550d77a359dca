/** Select list without aggregation: one output row per event, new and old (Esper's simple processor). */
import type { Row } from '../common/row.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import type { Operator } from './operator.js';
import type { RowBuilder } from './row-builder.js';
import type { RowSink } from './row-sink.js';

export class ProjectOperator implements Operator {
  constructor(
    /** undefined: `select *`, the events themselves are the rows. */
    private readonly build: RowBuilder | undefined,
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
    if (!sink.sorts) {
      if (build === undefined) return rows.length > 0 ? rows : null;
      const out = new Array<Row>(rows.length);
      for (let i = 0; i < rows.length; i++) out[i] = build(rows[i] as Row, this.ctx);
      return out.length > 0 ? out : null;
    }
    for (const row of rows) sink.push(build === undefined ? row : build(row, this.ctx), row, this.ctx);
    return sink.take();
  }
}
