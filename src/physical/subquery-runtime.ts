/**
 * A SubqueryPlan → its SubqueryRuntime: the where clause and select list compiled on the
 * candidate row, the hash index for the correlated equalities (keys read the event itself,
 * probes the params), and the aggregation: kept from the window's posts when the subquery is
 * uncorrelated (its where clause and arguments then read the event itself), else computed
 * over the matching rows at each evaluation.
 */
import type { Row } from '../common/row.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { compileExpr, compilePredicate } from '../expr/compile-expr.js';
import type { EvalFrame, StreamAccess } from '../expr/eval-frame.js';
import type { AggregateLayout } from '../operators/aggregation-state.js';
import { JoinIndex } from '../operators/join-index.js';
import { SubqueryRuntime, type SubqueryRuntimeSpec } from '../operators/subquery.js';
import { TableJoinLookup, type TableRows } from '../operators/table-join-lookup.js';
import { primaryKeyOrder } from '../plan/join-lookup-plan.js';
import type { AggregateCall } from '../plan/logical-plan.js';
import { type SubqueryPlan, subqueryIndexKeys } from '../plan/subquery-plan.js';
import { onEvent } from './compile-join.js';

export type LayoutBuilder = (aggregates: readonly AggregateCall[], unbound: boolean) => AggregateLayout;

export function createSubqueryRuntime(
  sub: SubqueryPlan,
  access: StreamAccess,
  layoutOf: LayoutBuilder,
  frame: EvalFrame,
  /** The rows of a table the subquery reads (sub.shared). */
  table?: TableRows,
): SubqueryRuntime {
  const alias = sub.alias;
  const where = sub.where === undefined ? undefined : compilePredicate(sub.where);
  const keepsContents = sub.windows.length > 0 || sub.shared?.kind === 'named-window';
  const keys = keepsContents || table !== undefined ? subqueryIndexKeys(sub) : [];
  const keyFns = keys.map((k) => {
    const fn = compileExpr(onEvent(k.own, alias));
    return (event: Row) => fn(event, frame);
  });
  const index =
    keys.length === 0 || table !== undefined
      ? undefined
      : {
          index: new JoinIndex(keyFns),
          probes: keys.map((k) => compileExpr(k.outer)),
        };
  let aggregation: SubqueryRuntimeSpec['aggregation'];
  if (sub.aggregates.length > 0) {
    // A table posts nothing: its rows are aggregated at each evaluation.
    if (sub.correlated || table !== undefined) {
      aggregation = { kind: 'per-evaluation', layout: layoutOf(sub.aggregates, false) };
    } else {
      // Uncorrelated: the aggregation follows the window's posts, reading each event directly.
      const onEvents = sub.aggregates.map((a) =>
        a.kind === 'computed' && a.arg !== undefined ? { ...a, arg: onEvent(a.arg, alias) } : a,
      );
      const eventWhere = sub.where === undefined ? undefined : compilePredicate(onEvent(sub.where, alias));
      aggregation = {
        kind: 'incremental',
        layout: layoutOf(onEvents, sub.windows.length === 0),
        where: eventWhere,
      };
    }
  }
  return new SubqueryRuntime(
    {
      alias,
      where,
      columns: sub.columns.map((c) => ({ name: c.name, fn: compileExpr(c.expr as BoundExpr) })),
      multiColumn: sub.multiColumn,
      keepsContents,
      index,
      aggregation,
      ...(table === undefined
        ? {}
        : {
            table: {
              rows: () => table.rows(),
              lookup:
                keys.length === 0
                  ? undefined
                  : {
                      lookup: new TableJoinLookup(
                        table,
                        keyFns,
                        primaryKeyOrder(
                          sub.shared,
                          alias,
                          keys.map((k) => k.own),
                        ),
                        undefined,
                        false,
                      ),
                      probes: keys.map((k) => compileExpr(k.outer)),
                    },
            },
          }),
    },
    access,
  );
}
