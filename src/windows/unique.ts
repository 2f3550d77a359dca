/** #unique(props…): the last event per key; an arrival posts itself and the event it replaces. */
import type { Row } from '../common/row.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { keyExprs, keyedAccess, makeKeyFn } from './key-fn.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';

export function uniqueByKey(keyOf: (row: Row) => unknown, ctx: WindowContext): DataWindow {
  const byKey = new Map<unknown, Row>();
  return {
    insert(row) {
      const key = keyOf(row);
      const replaced = byKey.get(key);
      // Re-inserting moves the key to the end: contents stay in arrival order.
      if (replaced !== undefined) byKey.delete(key);
      byKey.set(key, row);
      ctx.emit([row], replaced === undefined ? null : [replaced]);
    },
    ...keyedAccess(byKey, keyOf),
  };
}

export const uniqueWindow: WindowDef<{ keys: BoundExpr[] }> = {
  name: 'unique',
  syntax: '#unique(property, …)',
  doc: 'Keeps the most recent event per distinct key; the replaced event is posted as old.',
  traits: { basis: 'key', batching: false, ordered: false, commutesWithFilter: false, retains: true },
  validate: (args, span) => ({ keys: keyExprs('unique', args, span) }),
  describe: (p) => `unique(${p.keys.length} key${p.keys.length === 1 ? '' : 's'})`,
  create: (p, ctx) => uniqueByKey(makeKeyFn(p.keys, ctx), ctx),
};
