/**
 * `where`: after the window, on new and old events alike (Esper applies the where clause to
 * both streams). A step where nothing passes on either side is not posted at all.
 */
import type { Row } from '../common/row.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import { type Operator, hasRows } from './operator.js';

export class FilterOperator implements Operator {
  constructor(
    private readonly predicate: (row: Row, ctx: EvalFrame) => boolean,
    private readonly ctx: EvalFrame,
    private readonly next: Operator,
  ) {}

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    const ins = this.keep(inserted);
    const rem = this.keep(removed);
    if (hasRows(ins) || hasRows(rem)) this.next.onUpdate(ins, rem);
  }

  private keep(rows: Row[] | null): Row[] | null {
    if (rows === null) return null;
    const out: Row[] = [];
    for (const row of rows) if (this.predicate(row, this.ctx)) out.push(row);
    return out.length > 0 ? out : null;
  }
}
