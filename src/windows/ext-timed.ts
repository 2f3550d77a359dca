import type { Row } from '../common/row.js';
/**
 * #ext_timed(prop, p): a time window whose clock is the events' own timestamp property.
 * Only arrivals evict: an arrival with time T evicts the events whose time is ≤ T − p.
 */
import type { BoundExpr } from '../expr/bound-expr.js';
import { postStep } from './post-step.js';
import { nthNewest } from './row-deque.js';
import { DequeWindow } from './stateful-windows.js';
import type { WindowContext, WindowDef } from './window-def.js';
import { expectArgCount, propertyExpr, timePeriod } from './window-params.js';

export const extTimedWindow: WindowDef<{ timestamp: BoundExpr; ms: number }> = {
  name: 'ext_timed',
  syntax: '#ext_timed(timestamp property, period)',
  doc: 'Sliding time window on a timestamp property of the events; evicts only when events arrive.',
  traits: { basis: 'time', batching: false, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('ext_timed', args, 2, 2, span);
    return {
      timestamp: propertyExpr('ext_timed', args[0], span),
      ms: timePeriod('ext_timed', args[1], span),
    };
  },
  describe: (p) => `ext_timed(${p.ms} ms)`,
  create: (p, ctx) => new ExtTimedWindow(ctx.compile(p.timestamp), p.ms, ctx),
};

/**
 * Esper's CollectionUtil.addArrayWithSetSemantics, quirk included: two single events that
 * differ give the first one twice.
 */
export function withSetSemantics(one: readonly Row[], two: readonly Row[]): readonly Row[] {
  const [a] = one;
  const [b] = two;
  if (a === undefined) return two;
  if (b === undefined) return one;
  if (one.length === 1 && two.length === 1) return a === b ? one : [a, a];
  if (one.length === 1 && two.includes(a)) return two;
  if (two.length === 1 && one.includes(b)) return one;
  return [...new Set([...one, ...two])];
}

class ExtTimedWindow extends DequeWindow {
  constructor(
    private readonly timeOf: (row: Row) => unknown,
    private readonly ms: number,
    ctx: WindowContext,
  ) {
    super(ctx);
  }

  insert(row: Row): void {
    const now = Number(this.timeOf(row));
    const rows = this.rows;
    let evicted: Row[] | null = null;
    for (
      let oldest = rows.peek();
      oldest !== undefined && Number(this.timeOf(oldest)) <= now - this.ms;
      oldest = rows.peek()
    ) {
      evicted ??= [];
      evicted.push(rows.shift() as Row);
    }
    rows.push(row);
    this.ctx.emit([row], evicted);
  }

  /**
   * ExternallyTimedWindowView in a named window: the new rows join, the events older than
   * the last new row's time by p or more expire, then the old rows leave; posted: the new
   * rows with the old rows as given, the expired events, or both (Esper's
   * addArrayWithSetSemantics, see withSetSemantics).
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    let last: number | undefined;
    for (const row of inserted) {
      last = Number(this.timeOf(row));
      this.rows.push(row);
    }
    const expired: Row[] = [];
    if (last !== undefined) {
      for (
        let oldest = this.rows.peek();
        oldest !== undefined && Number(this.timeOf(oldest)) <= last - this.ms;
        oldest = this.rows.peek()
      ) {
        expired.push(this.rows.shift() as Row);
      }
    }
    let old: readonly Row[] = expired;
    if (removed.length > 0) {
      for (const row of removed) this.rows.remove(row);
      old = withSetSemantics(removed, expired);
    }
    postStep(this.ctx, inserted, old);
  }

  prev(_row: Row, n: number): Row | undefined {
    return nthNewest(this.rows, n);
  }
}
