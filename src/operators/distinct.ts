import type { Row } from '../common/row.js';
/** `select distinct`: duplicates within one delivery are removed (per side), first occurrence kept. */
import { valueKey } from '../common/value-key.js';
import type { Operator } from './operator.js';

function dedupe(rows: Row[] | null): Row[] | null {
  if (rows === null || rows.length < 2) return rows;
  const seen = new Set<string>();
  const out: Row[] = [];
  for (const row of rows) {
    const key = valueKey(Object.values(row));
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
