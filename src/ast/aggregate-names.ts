/** Whether a call names an aggregation function (column naming parenthesises aggregates). */
import { lookupAggregate } from '../aggregates/registry.js';

export function lookupAggregateName(name: string): boolean {
  return lookupAggregate(name) !== undefined;
}
