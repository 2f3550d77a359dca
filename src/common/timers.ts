/**
 * Timers are data: a due time, a scheduling sequence number, an owner and a tag. The owner
 * is the stateful part that asked for the timer (a window, a pattern node, an output limiter);
 * when the timer is due the engine calls `owner.onTimer(tag, due)` and the owner decides what
 * the tag means. No callback is stored, so a pending timer can be written into a snapshot and
 * re-armed after a restore, and stopping an owner cancels its timers.
 *
 * Firing order is Esper's: by due time, then by scheduling order (`seq`). A snapshot keeps
 * each timer's `seq` (see TimerState), so a restored engine fires in exactly the same order.
 *
 * How a part uses timers (see windows/time.ts for a worked example):
 *
 *   class MyWindow implements TimerOwner {
 *     private timer: Timer | undefined;                  // state: in a field, never in a closure
 *     arm(due: number) { this.timer = this.timers.schedule(this, EXPIRE, due, this.timer); }
 *     onTimer(tag: number, due: number) { … }           // tag says which of its timers fired
 *     snapshot(w) { return { timer: w.timer(this.timer) }; }
 *     restore(s, r) { this.timer = r.timer(this, s.timer); }
 *     stop() { this.timers.cancel(this.timer); }
 *   }
 */

/** Whoever scheduled a timer: it is told when the timer is due. */
export interface TimerOwner {
  /**
   * The timer `tag` this owner scheduled is due. Called with the engine clock at `due`, before
   * any event with a later timestamp. The timer is no longer live when this runs, so the
   * owner may re-arm it (pass it back to `schedule`), or return the due time to re-arm it at:
   * an owner with one recurring timer (a time window's expiry, one per event) then costs the
   * queue one re-insertion and no `schedule` call. Return nothing to leave it unarmed (and
   * never both schedule it and return a time). A stopped owner returns nothing.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: owners declared `onTimer(): void` must stay assignable
  onTimer(tag: number, due: number): number | undefined | void;
}

/** A scheduled timer. Owners hold it (in a field) to cancel it, re-arm it, or snapshot it. */
export interface Timer {
  readonly due: number;
  /** Scheduling order: among timers due at the same time, the smaller fires first. */
  readonly seq: number;
  readonly owner: TimerOwner;
  readonly tag: number;
  /** False once fired or cancelled. */
  readonly live: boolean;
}

/** A pending timer as a snapshot holds it (its owner is whoever writes it). */
export interface TimerState {
  readonly due: number;
  readonly seq: number;
  readonly tag: number;
}

/** The engine's timer queue as stateful parts see it. */
export interface TimerService {
  /** Current engine (event) time in ms. */
  now(): number;
  /**
   * Asks for `owner.onTimer(tag, due)` when the clock reaches `due`. `reuse`: a timer of this
   * owner that has fired or been cancelled; the queue may re-arm that object instead of
   * allocating one (a window re-arming one expiry timer per event allocates nothing). A live
   * timer passed as `reuse` is left alone and a new one is returned.
   */
  schedule(owner: TimerOwner, tag: number, due: number, reuse?: Timer): Timer;
  /** Cancels a pending timer; undefined, fired or cancelled timers are ignored. */
  cancel(timer: Timer | undefined): void;
  /**
   * Only while a timer runs (inside `onTimer`): a time before which nothing but the timers the
   * owner schedules itself can happen: the time the engine is advancing to, or the due time of
   * the next other pending timer when that comes first (that timer, or an event it inserts,
   * may reach the owner). An owner whose timers repeat without effect (a pattern restarting a
   * sub-expression every interval) may skip its own firings due strictly before it instead of
   * running each one across a clock jump. Optional: without it, nothing is skipped.
   */
  quietUntil?(): number;
}
