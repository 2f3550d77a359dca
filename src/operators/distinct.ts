import type { Row } from '../common/row.js';
/**
 * `select distinct`: duplicates within one delivery are removed (per side), first occurrence kept.
 * A delivery can hold null rows (`output snapshot` of an un-aggregated select keeps a null where
 * `having` rejects an event, as Esper's snapshot iterator does); Esper's distinct would fail on
 * them, Weir treats null as one more distinct value (one null kept).
 */
import { valueKey } from '../common/value-key.js';
import type { Operator } from './operator.js';

/** No valueKey of an array of values starts with this. */
const NULL_ROW_KEY = '\u0000null-row';

function dedupe(rows: Row[] | null): Row[] | null {
  if (rows === null || rows.length < 2) return rows;
  const seen = new Set<string>();
  const out: Row[] = [];
  for (const row of rows) {
    const key = row === null ? NULL_ROW_KEY : valueKey(Object.values(row));
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(row);
  }
  return out;
}

export class DistinctOperator implements Operator {
  constructor(private readonly next: Operator) {}

  onUpdate(inserted: Row[] | null, removed: Row[] | null, force?: boolean): void {
    this.next.onUpdate(dedupe(inserted), dedupe(removed), force);
  }
}
