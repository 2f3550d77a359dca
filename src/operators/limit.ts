/** `limit n offset m`: applies to the rows of one delivery, per side (after order by). */
import type { Row } from '../common/row.js';
import type { Operator } from './operator.js';

export class LimitOperator implements Operator {
  constructor(
    private readonly count: number,
    private readonly offset: number,
    private readonly next: Operator,
  ) {}

  onUpdate(inserted: Row[] | null, removed: Row[] | null, force?: boolean): void {
    this.next.onUpdate(this.cut(inserted), this.cut(removed), force);
  }

  private cut(rows: Row[] | null): Row[] | null {
    if (rows === null) return null;
    const out = rows.slice(this.offset, this.offset + this.count);
    return out.length > 0 ? out : null;
  }
}
