/** Aggregation functions by name. Adding one: an AggregateDef in its file and a line here. */
import type { AggregateDef } from './aggregate-def.js';
import { avedev } from './avedev.js';
import { avg } from './avg.js';
import { count } from './count.js';
import { first, last } from './first-last.js';
import { median } from './median.js';
import { maxever, minever } from './min-max-ever.js';
import { max, min } from './min-max.js';
import { stddev } from './stddev.js';
import { sum } from './sum.js';
import { window } from './window.js';

export const aggregateRegistry: ReadonlyMap<string, AggregateDef> = new Map(
  [count, sum, avg, min, max, minever, maxever, stddev, avedev, median, first, last, window].map((a) => [
    a.name,
    a,
  ]),
);

export function lookupAggregate(name: string): AggregateDef | undefined {
  return aggregateRegistry.get(name.toLowerCase());
}
