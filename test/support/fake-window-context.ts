/**
 * A WindowContext for window tests: an event-time clock with a small in-order timer queue,
 * recording every emit with the time it happened. Timers due at or before t fire, each at
 * its own due time and in (due, scheduling) order, before an event at t is processed: the
 * ordering the engine guarantees (EPL-SEMANTICS.md, "Time").
 */
import type { Row } from '../../src/common/row.js';
import type { Timer, TimerOwner, TimerService } from '../../src/common/timers.js';
import type { BoundExpr } from '../../src/expr/bound-expr.js';
import type { DataWindow, WindowContext } from '../../src/windows/window-def.js';

export interface RecordedEmit {
  readonly time: number;
  readonly inserted: Row[] | null;
  readonly removed: Row[] | null;
}

interface PendingTimer extends Timer {
  readonly due: number;
  readonly seq: number;
  readonly owner: TimerOwner;
  readonly tag: number;
  cancelled: boolean;
  fired: boolean;
  readonly live: boolean;
}

function pendingTimer(due: number, seq: number, owner: TimerOwner, tag: number): PendingTimer {
  return {
    due,
    seq,
    owner,
    tag,
    cancelled: false,
    fired: false,
    get live() {
      return !this.cancelled && !this.fired;
    },
  };
}

/** Reads a property path from a row, null-safe; the only expressions window tests need. */
function compileForTest(expr: BoundExpr): (row: Row) => unknown {
  switch (expr.kind) {
    case 'Prop':
      return (row) => {
        let value: unknown = row;
        for (const step of expr.path) {
          if (value === null || value === undefined) return null;
          value = (value as Record<string | number, unknown>)[step];
        }
        return value ?? null;
      };
    case 'Const':
      return () => expr.value;
    default:
      throw new Error(`fake window context cannot compile ${expr.kind}`);
  }
}

export class FakeWindowContext implements WindowContext {
  readonly emits: RecordedEmit[] = [];
  readonly startTime: number;
  private clock: number;
  private pending: PendingTimer[] = [];
  private seq = 0;
  /** Scheduling calls so far, to check that windows keep at most one timer pending. */
  scheduled = 0;
  /** WindowContext.seesEmptyPosts: set false to test FORCE_UPDATE windows skipping empty intervals. */
  seesEmptyPosts: boolean | undefined;
  /** Called after each recorded emit (property tests check the window at that instant). */
  onEmit: ((emit: RecordedEmit) => void) | undefined;

  /**
   * `allowEmptyEmits`: accept a post with both sides empty (only FORCE_UPDATE batches make
   * one on purpose); otherwise such a post fails the test.
   */
  constructor(
    startTime = 0,
    private readonly allowEmptyEmits = false,
  ) {
    this.startTime = startTime;
    this.clock = startTime;
  }

  now(): number {
    return this.clock;
  }

  /** Owner/tag timers, as the engine's queue (common/timers.ts). */
  readonly timers: TimerService = {
    now: () => this.clock,
    schedule: (owner, tag, due) => {
      const timer = pendingTimer(due, this.seq++, owner, tag);
      this.pending.push(timer);
      this.scheduled++;
      return timer;
    },
    cancel: (timer) => {
      if (timer !== undefined) (timer as PendingTimer).cancelled = true;
    },
  };

  /** Re-arms a snapshotted timer with its sequence number (state-round-trip.ts). */
  readonly restoreTimer = (owner: TimerOwner, tag: number, due: number, seq: number): Timer => {
    const timer = pendingTimer(due, seq, owner, tag);
    this.pending.push(timer);
    this.seq = Math.max(this.seq, seq + 1);
    return timer;
  };

  /** The sequence number the next timer gets (a snapshot carries it over). */
  get nextSeq(): number {
    return this.seq;
  }

  set nextSeq(seq: number) {
    this.seq = Math.max(this.seq, seq);
  }

  emit(inserted: Row[] | null, removed: Row[] | null): void {
    const empty = (inserted === null || inserted.length === 0) && (removed === null || removed.length === 0);
    if (empty && !this.allowEmptyEmits) {
      throw new Error(`emit with both sides empty at ${this.clock}`);
    }
    // Copies: a window may reuse its arrays after the call.
    const recorded: RecordedEmit = {
      time: this.clock,
      inserted: inserted === null ? null : [...inserted],
      removed: removed === null ? null : [...removed],
    };
    this.emits.push(recorded);
    this.onEmit?.(recorded);
  }

  compile(expr: BoundExpr): (row: Row) => unknown {
    return compileForTest(expr);
  }

  /** Timers not yet fired or cancelled. */
  pendingTimers(): number {
    return this.pending.filter((t) => !t.cancelled).length;
  }

  /** Fires every timer due at or before `time` in order (each at its due time), then sets the clock. */
  advanceTo(time: number): void {
    if (time < this.clock) throw new Error(`time went backwards: ${time} < ${this.clock}`);
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this.pending) {
        if (t.cancelled || t.due > time) continue;
        if (next === undefined || t.due < next.due || (t.due === next.due && t.seq < next.seq)) next = t;
      }
      if (next === undefined) break;
      this.pending = this.pending.filter((t) => t !== next && !t.cancelled);
      this.clock = Math.max(this.clock, next.due);
      next.fired = true;
      const again = next.owner.onTimer(next.tag, next.due);
      // An owner may return the due time to re-arm its timer at (TimerOwner.onTimer).
      if (typeof again === 'number') this.pending.push(pendingTimer(again, this.seq++, next.owner, next.tag));
    }
    this.clock = time;
  }

  /** An event at `time`: due timers first, then the arrival. */
  send(window: DataWindow, row: Row, time: number): void {
    this.advanceTo(time);
    window.insert(row);
  }

  /** Emits recorded since `from` (an index into `emits`). */
  since(from: number): RecordedEmit[] {
    return this.emits.slice(from);
  }
}
