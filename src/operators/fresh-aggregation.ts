/**
 * Aggregation that starts empty at every update: Esper clears the aggregation state each
 * time the unidirectional stream of a join triggers it (and only triggers with join rows
 * reach it), so each trigger aggregates its own rows. A fresh aggregate operator per update
 * gives exactly that, including the remove stream's "before" row (the empty aggregates).
 */
import type { Row } from '../common/row.js';
import type { Operator } from './operator.js';

export class FreshAggregationOperator implements Operator {
  constructor(private readonly create: () => Operator) {}

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    this.create().onUpdate(inserted, removed);
  }
}
