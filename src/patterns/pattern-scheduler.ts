/**
 * The timers of one pattern statement, as Esper's scheduling service keeps them: ordered by
 * due time, then by the owner's schedule slot (allocated when the observer or guard is
 * created, so a guard precedes the timers of the expression it guards). One engine timer is
 * armed for the earliest entry.
 *
 * When time reaches an instant, every entry due is collected first and then triggered in
 * order, as Esper does: an entry removed by an earlier trigger of the same instant still
 * fires (Esper's "two timers fire at the same time and one stops the other").
 */
import { OrderedMap } from '@js-sdsl/ordered-map';
import type { StateReader, StateWriter } from '../common/state.js';
import type { Timer, TimerOwner, TimerService, TimerState } from '../common/timers.js';

/** An observer or guard with a pending pattern timer (Esper's ScheduleHandleCallback). */
export interface ScheduledOwner {
  scheduledTrigger(): void;
}

export class TimerEntry {
  /** True while queued and not removed. */
  queued = true;

  constructor(
    /** Moved only by `shift` (a skip over silent periodic firings). */
    public due: number,
    readonly slot: number,
    readonly owner: ScheduledOwner,
  ) {}
}

/** A queued entry as a snapshot holds it (its owner is referenced by whoever writes it). */
export interface TimerEntryState {
  readonly due: number;
  readonly slot: number;
}

/** The engine timer's tag (the scheduler owns one engine timer). */
const WAKE = 0;

export class PatternScheduler implements TimerOwner {
  /** due → entries due then, in slot order (removed entries are skipped when collected). */
  private readonly byDue = new OrderedMap<number, TimerEntry[]>();
  private nextSlot = 0;
  private live = 0;
  /** The engine timer, due at the earliest entry (kept after firing for reuse). */
  private armed: Timer | undefined;

  /**
   * `afterBatch(due)`: called after the entries due at an instant have fired, before the engine
   * timer is re-armed (the matcher may `shift` the entries there).
   */
  constructor(
    private readonly timers: TimerService,
    private readonly afterBatch?: (due: number) => void,
  ) {}

  allocateSlot(): number {
    return this.nextSlot++;
  }

  /** Live entries. */
  get size(): number {
    return this.live;
  }

  /** Schedules `owner` at now + delta (delta > 0). */
  add(owner: ScheduledOwner, slot: number, delta: number): TimerEntry {
    return this.insert(new TimerEntry(this.timers.now() + delta, slot, owner), true);
  }

  private insert(entry: TimerEntry, arm: boolean): TimerEntry {
    this.live++;
    const bucket = this.byDue.getElementByKey(entry.due);
    if (bucket === undefined) this.byDue.setElement(entry.due, [entry]);
    else insertBySlot(bucket, entry);
    if (arm && !(this.armed?.live === true && this.armed.due <= entry.due)) this.arm(entry.due);
    return entry;
  }

  remove(entry: TimerEntry | undefined): void {
    if (entry === undefined || !entry.queued) return;
    entry.queued = false;
    this.live--;
  }

  private arm(due: number): void {
    this.timers.cancel(this.armed);
    this.armed = this.timers.schedule(this, WAKE, due, this.armed);
  }

  onTimer(_tag: number, due: number): void {
    const batch: TimerEntry[] = [];
    for (;;) {
      const first = this.byDue.front();
      if (first === undefined || first[0] > due) break;
      this.byDue.eraseElementByKey(first[0]);
      for (const entry of first[1]) {
        if (!entry.queued) continue;
        entry.queued = false;
        this.live--;
        batch.push(entry);
      }
    }
    for (const entry of batch) entry.owner.scheduledTrigger();
    this.afterBatch?.(due);
    this.rearm();
  }

  /**
   * Cancels the engine timer that firings armed (re-armed after the batch), so that
   * TimerService.quietUntil sees only other owners' timers.
   */
  disarm(): void {
    this.timers.cancel(this.armed);
  }

  /**
   * Moves every queued entry `delta` later, keeping their order: the state after a run of
   * periodic firings that changed nothing but the time (PatternMatcher's skip).
   */
  shift(delta: number): void {
    const buckets: [number, TimerEntry[]][] = [];
    this.byDue.forEach(([due, bucket]) => {
      const queued = bucket.filter((e) => e.queued);
      if (queued.length > 0) buckets.push([due + delta, queued]);
    });
    this.byDue.clear();
    for (const [due, bucket] of buckets) {
      for (const e of bucket) e.due = due;
      this.byDue.setElement(due, bucket);
    }
    this.timers.cancel(this.armed);
    this.rearm();
  }

  /**
   * Arms the engine timer for the earliest live entry, dropping buckets with none. The timer
   * the firings of a batch armed may be due later than an entry queued before the batch (an
   * entry due between the batch and the new ones): it is moved to the earliest, or that entry
   * would fire late, together with the later ones.
   */
  private rearm(): void {
    for (;;) {
      const first = this.byDue.front();
      if (first === undefined) {
        this.timers.cancel(this.armed);
        return;
      }
      if (first[1].some((e) => e.queued)) {
        if (!(this.armed?.live === true && this.armed.due === first[0])) this.arm(first[0]);
        return;
      }
      this.byDue.eraseElementByKey(first[0]);
    }
  }

  /** The queued entries in firing order. */
  entries(): TimerEntry[] {
    const out: TimerEntry[] = [];
    this.byDue.forEach(([, bucket]) => {
      for (const e of bucket) if (e.queued) out.push(e);
    });
    return out;
  }

  snapshotState(w: StateWriter): { nextSlot: number; timer: TimerState | null } {
    return { nextSlot: this.nextSlot, timer: w.timer(this.armed) };
  }

  /** Restores the slot counter and the engine timer; entries come back through `restoreEntry`. */
  restoreState(state: { nextSlot: number; timer: TimerState | null }, r: StateReader): void {
    this.nextSlot = state.nextSlot;
    this.armed = r.timer(this, state.timer);
  }

  restoreEntry(state: TimerEntryState, owner: ScheduledOwner): TimerEntry {
    return this.insert(new TimerEntry(state.due, state.slot, owner), false);
  }

  stop(): void {
    this.timers.cancel(this.armed);
    this.armed = undefined;
    this.byDue.clear();
    this.live = 0;
  }
}

/** Keeps a bucket in slot order (slots mostly grow, so this is usually an append). */
function insertBySlot(bucket: TimerEntry[], entry: TimerEntry): void {
  let i = bucket.length;
  while (i > 0 && (bucket[i - 1] as TimerEntry).slot > entry.slot) i--;
  bucket.splice(i, 0, entry);
}
