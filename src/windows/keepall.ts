/** #keepall: retains every event; arrivals are posted, nothing ever leaves on its own. */
import type { Row } from '../common/row.js';
import { addAbsent, postStep } from './post-step.js';
import { nthNewest } from './row-deque.js';
import { DequeWindow } from './stateful-windows.js';
import type { WindowContext, WindowDef } from './window-def.js';
import { expectArgCount } from './window-params.js';

class KeepAllWindow extends DequeWindow {
  insert(row: Row): void {
    this.rows.push(row);
    this.ctx.emit([row], null);
  }

  /** KeepAllView: the new rows join (once each), the old rows leave; posted as given. */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    addAbsent(this.rows, inserted);
    for (const row of removed) this.rows.remove(row);
    postStep(this.ctx, inserted, removed);
  }

  prev(_row: Row, n: number): Row | undefined {
    return nthNewest(this.rows, n);
  }
}

export const keepallWindow: WindowDef<Record<string, never>> = {
  name: 'keepall',
  syntax: '#keepall',
  doc: 'Keeps every event for the life of the statement.',
  traits: { basis: 'none', batching: false, ordered: true, commutesWithFilter: true, retains: true },
  validate(args, span) {
    expectArgCount('keepall', args, 0, 0, span);
    return {};
  },
  describe: () => 'keepall',
  create: (_p, ctx) => new KeepAllWindow(ctx),
};
