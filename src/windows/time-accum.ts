import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { Timer, TimerOwner, TimerState } from '../common/timers.js';
/**
 * #time_accum(p): arrivals are posted at once and accumulate; when p passes without an
 * arrival, everything accumulated leaves in one step.
 */
import { postStep } from './post-step.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';
import { expectArgCount, timePeriod } from './window-params.js';

export const timeAccumWindow: WindowDef<{ ms: number }> = {
  name: 'time_accum',
  syntax: '#time_accum(period)',
  doc: 'Accumulates events while they keep arriving within the period of each other; all leave together once the period passes without an arrival.',
  traits: { basis: 'time', batching: false, ordered: true, commutesWithFilter: false, retains: true },
  validate(args, span) {
    expectArgCount('time_accum', args, 1, 1, span);
    return { ms: timePeriod('time_accum', args[0], span) };
  },
  describe: (p) => `time_accum(${p.ms} ms)`,
  create: ({ ms }, ctx) => new TimeAccumWindow(ms, ctx),
};

interface TimeAccumState {
  readonly rows: number[];
  readonly arrivals: Float64Array;
  readonly timer: TimerState | null;
}

/** The window's one timer: the end of the quiet period. */
const QUIET = 0;

class TimeAccumWindow implements DataWindow, TimerOwner, Stateful<TimeAccumState> {
  private rows: Row[] = [];
  /** Arrival time of each row, parallel to `rows`. */
  private arrivals: number[] = [];
  /**
   * One pending timer: an arrival only moves the quiet point later; the timer, when it fires
   * early (arrivals came meanwhile), re-arms itself at the newest arrival + ms (Esper
   * reschedules). A partner removing the newest event moves it earlier.
   */
  private timer: Timer | undefined;

  constructor(
    private readonly ms: number,
    private readonly ctx: WindowContext,
  ) {}

  insert(row: Row): void {
    this.rows.push(row);
    this.arrivals.push(this.ctx.now());
    if (this.timer?.live !== true) this.arm(this.ctx.now() + this.ms);
    this.ctx.emit([row], null);
  }

  /**
   * TimeAccumViewRStream: the new rows join stamped now (a held row keeps its place and gets
   * the new stamp), the old rows leave (the quiet period then counts from the newest event
   * left); posted as given.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    if (inserted.length > 0) {
      const now = this.ctx.now();
      for (const row of inserted) {
        const at = this.rows.indexOf(row);
        if (at >= 0) this.arrivals[at] = now;
        else {
          this.rows.push(row);
          this.arrivals.push(now);
        }
      }
      if (this.timer?.live !== true) this.arm(now + this.ms);
    }
    for (const row of removed) this.remove(row);
    postStep(this.ctx, inserted, removed);
  }

  onTimer(_tag: number, due: number): void {
    const quietUntil = this.newestArrival() + this.ms;
    if (quietUntil > due) {
      this.arm(quietUntil);
      return;
    }
    const gone = this.rows;
    this.rows = [];
    this.arrivals = [];
    if (gone.length > 0) this.ctx.emit(null, gone);
  }

  /**
   * Esper's TimeAccumViewRStream: without its newest event the quiet period is counted from
   * the new newest; an emptied window has no timer.
   */
  remove(row: Row): boolean {
    const i = this.rows.indexOf(row);
    if (i < 0) return false;
    const wasNewest = i === this.rows.length - 1;
    this.rows.splice(i, 1);
    this.arrivals.splice(i, 1);
    if (this.timer?.live === true && (this.rows.length === 0 || wasNewest)) {
      this.ctx.timers.cancel(this.timer);
      if (this.rows.length > 0) this.arm(this.newestArrival() + this.ms);
    }
    return true;
  }

  prev(_row: Row, n: number): Row | undefined {
    return this.rows[this.rows.length - 1 - n];
  }

  contents(): Row[] {
    return [...this.rows];
  }

  size(): number {
    return this.rows.length;
  }

  snapshot(w: StateWriter): TimeAccumState {
    return {
      rows: w.events(this.rows),
      arrivals: Float64Array.from(this.arrivals),
      timer: w.timer(this.timer),
    };
  }

  restore(state: TimeAccumState, r: StateReader): void {
    this.rows = r.events(state.rows);
    this.arrivals = Array.from(state.arrivals);
    this.timer = r.timer(this, state.timer);
  }

  stop(): void {
    this.ctx.timers.cancel(this.timer);
    this.timer = undefined;
    this.rows = [];
    this.arrivals = [];
  }

  private newestArrival(): number {
    return this.arrivals[this.arrivals.length - 1] as number;
  }

  private arm(due: number): void {
    this.timer = this.ctx.timers.schedule(this, QUIET, due, this.timer);
  }
}
