/** #unique(props…): the last event per key; an arrival posts itself and the event it replaces. */
import type { Row } from '../common/row.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { keyExprs, makeKeyFn } from './key-fn.js';
import { postStep } from './post-step.js';
import { KeyedWindow } from './stateful-windows.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';

class UniqueWindow extends KeyedWindow {
  insert(row: Row): void {
    const key = this.keyOf(row);
    const replaced = this.byKey.get(key);
    // Re-inserting moves the key to the end: contents stay in arrival order.
    if (replaced !== undefined) this.byKey.delete(key);
    this.byKey.set(key, row);
    this.ctx.emit([row], replaced === undefined ? null : [replaced]);
  }

  /**
   * UniqueByPropertyView (and LastEventView, one key): the new rows first, each replacing its
   * key's event (posted as old), then the old rows that are still their key's event. All new
   * rows are posted, also one a later new row replaced in the same update.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    const [only] = inserted;
    if (removed.length === 0 && inserted.length === 1 && only !== undefined) {
      this.insert(only);
      return;
    }
    const old: Row[] = [];
    for (const row of inserted) {
      const key = this.keyOf(row);
      const replaced = this.byKey.get(key);
      if (replaced !== undefined) {
        old.push(replaced);
        this.byKey.delete(key);
      }
      this.byKey.set(key, row);
    }
    for (const row of removed) if (this.remove(row)) old.push(row);
    postStep(this.ctx, inserted, old);
  }
}

const ONE_KEY = () => 0;

/** The window of #unique with `keyOf`, or of #lastevent (one key for every event). */
export function uniqueByKey(keyOf: ((row: Row) => unknown) | undefined, ctx: WindowContext): DataWindow {
  return new UniqueWindow(keyOf ?? ONE_KEY, ctx);
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
