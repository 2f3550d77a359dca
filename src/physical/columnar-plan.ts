/**
 * When a statement's window and aggregation can run fused, with the window kept as columns
 * (operators/columnar-aggregation.ts). The window must feed nothing but the aggregation,
 * and nothing may need the window's events themselves:
 * - the aggregation is row-per-group (`grouped`) or row-for-all (`all`), not per event, not
 *   reset per update, without order by;
 * - its input is one unshared window of a kind that declares the columnar capability
 *   (`WindowDef.columnar`: length, time, length_batch, time_batch) over the stream (and its
 *   filter), with no `prior` buffer;
 * - no aggregate keeps events or sees nulls (`first`, `last`, `window`), no expression uses `prev` or
 *   `prior`, and a grouped having clause reads only group keys and aggregates (its rows are
 *   built from the group's first event).
 * Anything else runs on the general window and aggregation operators.
 */
import { lookupAggregate } from '../aggregates/registry.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { forEachExpr } from '../expr/map-expr.js';
import { exprKey } from '../expr/simplify-expr.js';
import type { ArgumentKind } from '../operators/columnar-ring.js';
import type { AggregateNode, LogicalPlan } from '../plan/logical-plan.js';
import { readsUngrouped } from '../plan/reads-ungrouped.js';
import type { ColumnarCapability } from '../windows/columnar.js';
import type { WindowDef } from '../windows/window-def.js';

/** The window of a fused statement: its definition, parameters and columnar capability. */
export interface ColumnarWindowSpec {
  readonly def: WindowDef;
  readonly params: unknown;
  readonly capability: ColumnarCapability<unknown>;
}

export interface ColumnarPlan {
  readonly window: ColumnarWindowSpec;
  /** How each computed aggregate's argument is stored, in layout order. */
  readonly argumentKinds: readonly ArgumentKind[];
  /** The window's source side (stream filter or event source); a Prune is skipped, as nothing is retained. */
  readonly source: LogicalPlan;
  /**
   * Whether every aggregate gives the same result whatever the order its values enter and
   * leave (counts, min/max, and sums of integers). Only then may a batch window aggregate each
   * batch afresh; otherwise the batch enters and the previous batch leaves, in Esper's order,
   * so double sums carry Esper's rounding (previous + batch − previous).
   */
  readonly orderFree: boolean;
}

export function columnarPlan(node: AggregateNode): ColumnarPlan | undefined {
  if (node.mode !== 'grouped' && node.mode !== 'all') return undefined;
  // `into table`: the groups are a table's rows, which other statements read and change.
  if (node.resetEachUpdate || node.orderBy.length > 0 || node.intoTable !== undefined) return undefined;
  const windowNode = node.input;
  if (windowNode.kind !== 'Window' || windowNode.shareKey !== undefined) return undefined;
  const [stage, ...more] = windowNode.stages;
  if (stage === undefined || more.length > 0) return undefined;
  const capability = stage.def.columnar;
  if (capability === undefined) return undefined;
  const window: ColumnarWindowSpec = { def: stage.def, params: stage.params, capability };
  let source = windowNode.input;
  if (source.kind === 'Prune') source = source.input;
  if (source.kind !== 'StreamFilter' && source.kind !== 'EventSource') return undefined;

  const argumentKinds: ArgumentKind[] = [];
  let orderFree = true;
  for (const call of node.aggregates) {
    if (call.kind !== 'computed') continue;
    if (!isOrderFree(call.fn, call.arg)) orderFree = false;
    const def = lookupAggregate(call.fn);
    // The ring skips null arguments for every aggregate, as all but the event-keeping ones do.
    if (def === undefined || def.readsEvent === true || def.seesNulls) return undefined;
    if (call.arg === undefined) argumentKinds.push('star');
    else if (readsWindow(call.arg)) return undefined;
    else argumentKinds.push(isNumber(call.arg.type) ? 'number' : 'any');
  }
  if (node.columns.some((c) => readsWindow(c.expr))) return undefined;
  if (node.having !== undefined) {
    if (readsWindow(node.having)) return undefined;
    const keys = new Set(node.groupBy.map(exprKey));
    if (node.mode === 'grouped' && readsUngrouped(node.having, keys)) return undefined;
  }
  return { window, argumentKinds, source, orderFree };
}

/** Functions whose value does not depend on the order of their inputs' arrivals and departures. */
function isOrderFree(fn: string, arg: BoundExpr | undefined): boolean {
  if (fn === 'count' || fn === 'min' || fn === 'max' || fn === 'median') return true;
  const integral = arg !== undefined && (arg.type === 'int' || arg.type === 'long');
  return integral && (fn === 'sum' || fn === 'avg');
}

function isNumber(type: string): boolean {
  return type === 'int' || type === 'long' || type === 'double';
}

/** Whether an expression reads the window's events by position (`prev`, `prior`). */
function readsWindow(expr: BoundExpr): boolean {
  let found = false;
  forEachExpr(expr, (e) => {
    if (e.kind === 'PrevRef' || e.kind === 'PriorRef') found = true;
  });
  return found;
}
