/**
 * A WindowContext for window tests: an event-time clock with a small in-order timer queue,
 * recording every emit with the time it happened. Timers due at or before t fire, each at
 * its own due time and in (due, scheduling) order, before an event at t is processed: the
 * ordering the engine guarantees (EPL-SEMANTICS.md, "Time").
 */
import type { Row } from '../../src/common/row.js';
import type { BoundExpr } from '../../src/expr/bound-expr.js';
import type { DataWindow, TimerId, WindowContext } from '../../src/windows/window-def.js';

export interface RecordedEmit {
  readonly time: number;
  readonly inserted: Row[] | null;
  readonly removed: Row[] | null;
}

interface PendingTimer extends TimerId {
  readonly due: number;
  readonly seq: number;
  readonly onDue: (due: number) => void;
  cancelled: boolean;
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
  private timers: PendingTimer[] = [];
  private seq = 0;
  /** Scheduling calls so far, to check that windows keep at most one timer pending. */
  scheduled = 0;
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

  schedule(due: number, onDue: (due: number) => void): TimerId {
    const timer: PendingTimer = { due, seq: this.seq++, onDue, cancelled: false };
    this.timers.push(timer);
    this.scheduled++;
    return timer;
  }

  cancel(id: TimerId): void {
    (id as PendingTimer).cancelled = true;
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
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Fires every timer due at or before `time` in order (each at its due time), then sets the clock. */
  advanceTo(time: number): void {
    if (time < this.clock) throw new Error(`time went backwards: ${time} < ${this.clock}`);
    for (;;) {
      let next: PendingTimer | undefined;
      for (const t of this.timers) {
        if (t.cancelled || t.due > time) continue;
        if (next === undefined || t.due < next.due || (t.due === next.due && t.seq < next.seq)) next = t;
      }
      if (next === undefined) break;
      this.timers = this.timers.filter((t) => t !== next && !t.cancelled);
      this.clock = Math.max(this.clock, next.due);
      next.onDue(next.due);
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
