/**
 * When a statement's window and aggregation can run fused, with the window kept as columns
 * (operators/columnar-aggregation.ts). The window must feed nothing but the aggregation,
 * and nothing may need the window's events themselves:
 * - the aggregation is row-per-group (`grouped`) or row-for-all (`all`), not per event, not
 *   reset per update, without order by;
 * - its input is one unshared `#length`, `#time`, `#length_batch` or `#time_batch` window
 *   over the stream (and its filter), with no `prior` buffer;
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
import type { ColumnarWindowSpec } from '../operators/columnar-windows.js';
import type { AggregateNode, LogicalPlan } from '../plan/logical-plan.js';
import { readsUngrouped } from '../plan/reads-ungrouped.js';

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
  const window = windowSpec(stage.def.name, stage.params);
  if (window === undefined) return undefined;
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

function windowSpec(name: string, params: unknown): ColumnarWindowSpec | undefined {
  switch (name) {
    case 'length':
    case 'length_batch':
      return { kind: name, size: (params as { size: number }).size };
    case 'time':
      return { kind: 'time', ms: (params as { ms: number }).ms };
    case 'time_batch': {
      const p = params as Omit<Extract<ColumnarWindowSpec, { kind: 'time_batch' }>, 'kind'>;
      return {
        kind: 'time_batch',
        ms: p.ms,
        referencePoint: p.referencePoint,
        forceUpdate: p.forceUpdate,
        startEager: p.startEager,
      };
    }
    default:
      return undefined;
  }
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
