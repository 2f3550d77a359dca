/** #length(n): the last n events; each arrival posts itself and the event it evicts, in one step. */
import type { Row } from '../common/row.js';
import type { ColumnarTarget, ColumnarWindow } from './columnar.js';
import { addAbsent, postStep } from './post-step.js';
import { nthNewest } from './row-deque.js';
import { DequeWindow } from './stateful-windows.js';
import type { WindowContext, WindowDef } from './window-def.js';
import { expectArgCount, positiveInt } from './window-params.js';

class LengthWindow extends DequeWindow {
  constructor(
    private readonly capacity: number,
    ctx: WindowContext,
  ) {
    super(ctx);
  }

  insert(row: Row): void {
    this.rows.push(row);
    const evicted = this.rows.size > this.capacity ? this.rows.shift() : undefined;
    this.ctx.emit([row], evicted === undefined ? null : [evicted]);
  }

  /**
   * LengthWindowViewRStream: the old rows leave, the new ones join (once each), the overflow
   * leaves oldest first; posted: the new rows with the overflow, or with the old rows as
   * given when nothing overflowed.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    for (const row of removed) this.rows.remove(row);
    addAbsent(this.rows, inserted);
    let expired: Row[] | null = null;
    for (let over = this.rows.size - this.capacity; over > 0; over--) {
      expired ??= [];
      expired.push(this.rows.shift() as Row);
    }
    postStep(this.ctx, inserted, expired ?? removed);
  }

  prev(_row: Row, n: number): Row | undefined {
    return nthNewest(this.rows, n);
  }
}

/** Fused with its aggregation: each arrival enters; beyond `size` the oldest leaves in the same step. */
class ColumnarLength implements ColumnarWindow {
  constructor(
    private readonly capacity: number,
    private readonly target: ColumnarTarget,
  ) {}

  readonly accept = (row: Row): void => {
    const { target } = this;
    const ring = target.ring;
    target.push(row, 0);
    if (ring.size > this.capacity) {
      ring.shift(1);
      target.post(ring.size - 1, 1, -1, 1);
    } else target.post(ring.size - 1, 1, 0, 0);
  };

  size(): number {
    return this.target.ring.size;
  }

  /** All its state is the target's entries. */
  snapshot(): null {
    return null;
  }

  restore(): void {}

  stop(): void {}
}

export const lengthWindow: WindowDef<{ size: number }> = {
  name: 'length',
  syntax: '#length(n)',
  doc: 'Sliding window of the last n events. An arrival beyond n evicts the oldest event in the same step.',
  traits: { basis: 'count', batching: false, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('length', args, 1, 1, span);
    return { size: positiveInt('length', args[0], span) };
  },
  describe: (p) => `length(${p.size})`,
  create: ({ size }, ctx) => new LengthWindow(size, ctx),
  columnar: { stamped: false, create: ({ size }, target) => new ColumnarLength(size, target) },
};
