/**
 * #firstlength(n), #firstevent, #firstunique(props…): keep the first events and post later
 * ones not at all. A slot frees up when an intersection partner removes a kept event.
 */
import type { Row } from '../common/row.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { keyExprs, makeKeyFn } from './key-fn.js';
import { postStep } from './post-step.js';
import { DequeWindow, KeyedWindow } from './stateful-windows.js';
import type { WindowContext, WindowDef } from './window-def.js';
import { expectArgCount, positiveInt } from './window-params.js';

class FirstLengthWindow extends DequeWindow {
  constructor(
    private readonly capacity: number,
    ctx: WindowContext,
  ) {
    super(ctx);
  }

  insert(row: Row): void {
    if (this.rows.size >= this.capacity) return;
    this.rows.push(row);
    this.ctx.emit([row], null);
  }

  /**
   * FirstLengthWindowView: the new rows join while there is room (only those are posted as
   * new), then the old rows leave (those it held are posted as old).
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    const accepted: Row[] = [];
    for (const row of inserted) {
      if (this.rows.size >= this.capacity) continue;
      accepted.push(row);
      if (this.rows.indexOf(row) < 0) this.rows.push(row);
    }
    postStep(
      this.ctx,
      accepted,
      removed.filter((row) => this.rows.remove(row)),
    );
  }
}

/** #firstevent: the first event only (Esper's FirstEventView). */
class FirstEventWindow extends DequeWindow {
  insert(row: Row): void {
    if (this.rows.size > 0) return;
    this.rows.push(row);
    this.ctx.emit([row], null);
  }

  /** FirstEventView: the old rows first (the held event leaves), then the first new row if empty. */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    const held = this.rows.peek();
    const gone = held !== undefined && removed.includes(held) ? [held] : null;
    if (gone !== null) this.rows.clear();
    const first = inserted[0];
    const taken = first !== undefined && this.rows.size === 0 ? [first] : null;
    if (taken !== null) this.rows.push(first as Row);
    postStep(this.ctx, taken, gone);
  }
}

class FirstUniqueWindow extends KeyedWindow {
  insert(row: Row): void {
    const key = this.keyOf(row);
    if (this.byKey.has(key)) return;
    this.byKey.set(key, row);
    this.ctx.emit([row], null);
  }

  /**
   * FirstUniqueByPropertyView: the old rows first (each leaves when it is its key's event),
   * then the new rows whose key is free.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    const gone = removed.filter((row) => this.remove(row));
    const taken: Row[] = [];
    for (const row of inserted) {
      const key = this.keyOf(row);
      if (this.byKey.has(key)) continue;
      this.byKey.set(key, row);
      taken.push(row);
    }
    postStep(this.ctx, taken, gone);
  }
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
  create: (p, ctx) => new FirstLengthWindow(p.size, ctx),
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
  create: (_p, ctx) => new FirstEventWindow(ctx),
};

export const firstUniqueWindow: WindowDef<{ keys: BoundExpr[] }> = {
  name: 'firstunique',
  syntax: '#firstunique(property, …)',
  doc: 'Keeps the first event per distinct key; later events with a known key are not posted.',
  traits: { basis: 'key', batching: false, ordered: false, commutesWithFilter: false, retains: true },
  validate: (args, span) => ({ keys: keyExprs('firstunique', args, span) }),
  describe: () => 'firstunique',
  create: (p, ctx) => new FirstUniqueWindow(makeKeyFn(p.keys, ctx), ctx),
};
