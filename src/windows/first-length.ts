/**
 * #firstlength(n), #firstevent, #firstunique(props…): keep the first events and post later
 * ones not at all. A slot frees up when an intersection partner removes a kept event.
 */
import type { Row } from '../common/row.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { keyExprs, keyedAccess, makeKeyFn } from './key-fn.js';
import { RowDeque } from './row-deque.js';
import type { WindowDef } from './window-def.js';
import { expectArgCount, positiveInt } from './window-params.js';

function firstN(size: number) {
  return (_p: unknown, ctx: Parameters<WindowDef['create']>[1]) => {
    const rows = new RowDeque();
    return {
      insert(row: Row) {
        if (rows.size >= size) return;
        rows.push(row);
        ctx.emit([row], null);
      },
      remove: (row: Row) => rows.remove(row),
      contents: () => rows.toArray(),
      size: () => rows.size,
    };
  };
}

export const firstLengthWindow: WindowDef<{ size: number }> = {
  name: 'firstlength',
  syntax: '#firstlength(n)',
  doc: 'Keeps the first n events; later events are not posted.',
  traits: { basis: 'count', batching: false, ordered: false, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('firstlength', args, 1, 1, span);
    return { size: positiveInt('firstlength', args[0], span) };
  },
  describe: (p) => `firstlength(${p.size})`,
  create: (p, ctx) => firstN(p.size)(p, ctx),
};

export const firstEventWindow: WindowDef<Record<string, never>> = {
  name: 'firstevent',
  syntax: '#firstevent',
  doc: 'Keeps the first event only; later events are not posted.',
  traits: { basis: 'count', batching: false, ordered: false, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('firstevent', args, 0, 0, span);
    return {};
  },
  describe: () => 'firstevent',
  create: (p, ctx) => firstN(1)(p, ctx),
};

export const firstUniqueWindow: WindowDef<{ keys: BoundExpr[] }> = {
  name: 'firstunique',
  syntax: '#firstunique(property, …)',
  doc: 'Keeps the first event per distinct key; later events with a known key are not posted.',
  traits: { basis: 'key', batching: false, ordered: false, commutesWithFilter: false, retains: true },
  validate: (args, span) => ({ keys: keyExprs('firstunique', args, span) }),
  describe: () => 'firstunique',
  create(p, ctx) {
    const keyOf = makeKeyFn(p.keys, ctx);
    const byKey = new Map<unknown, Row>();
    return {
      insert(row) {
        const key = keyOf(row);
        if (byKey.has(key)) return;
        byKey.set(key, row);
        ctx.emit([row], null);
      },
      ...keyedAccess(byKey, keyOf),
    };
  },
};
