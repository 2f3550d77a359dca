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
import type { TimerId } from '../windows/window-def.js';

export interface TimerOwner {
  scheduledTrigger(): void;
}

export class TimerEntry {
  /** True while queued and not removed. */
  queued = true;

  constructor(
    readonly due: number,
    readonly slot: number,
    readonly owner: TimerOwner,
  ) {}
}

export interface SchedulerHost {
  now(): number;
  schedule(due: number, onDue: (due: number) => void): TimerId;
  cancel(id: TimerId): void;
}

export class PatternScheduler {
  /** due → entries due then, in slot order (removed entries are skipped when collected). */
  private readonly byDue = new OrderedMap<number, TimerEntry[]>();
  private nextSlot = 0;
  private live = 0;
  private armed: TimerId | undefined;
  private armedDue = Number.POSITIVE_INFINITY;
  private readonly fire = (due: number) => this.onTimer(due);

  constructor(private readonly host: SchedulerHost) {}

  allocateSlot(): number {
    return this.nextSlot++;
  }

  /** Live entries. */
  get size(): number {
    return this.live;
  }

  /** Schedules `owner` at now + delta (delta > 0). */
  add(owner: TimerOwner, slot: number, delta: number): TimerEntry {
    const entry = new TimerEntry(this.host.now() + delta, slot, owner);
    this.live++;
    const bucket = this.byDue.getElementByKey(entry.due);
    if (bucket === undefined) this.byDue.setElement(entry.due, [entry]);
    else insertBySlot(bucket, entry);
    if (entry.due < this.armedDue) this.arm(entry.due);
    return entry;
  }

  remove(entry: TimerEntry | undefined): void {
    if (entry === undefined || !entry.queued) return;
    entry.queued = false;
    this.live--;
  }

  private arm(due: number): void {
    if (this.armed !== undefined) this.host.cancel(this.armed);
    this.armedDue = due;
    this.armed = this.host.schedule(due, this.fire);
  }

  private onTimer(due: number): void {
    this.armed = undefined;
    this.armedDue = Number.POSITIVE_INFINITY;
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
    this.rearm();
  }

  /** Arms the engine timer for the earliest live entry, dropping buckets with none. */
  private rearm(): void {
    if (this.armed !== undefined) return;
    for (;;) {
      const first = this.byDue.front();
      if (first === undefined) return;
      if (first[1].some((e) => e.queued)) {
        this.arm(first[0]);
        return;
      }
      this.byDue.eraseElementByKey(first[0]);
    }
  }
}

/** Keeps a bucket in slot order (slots mostly grow, so this is usually an append). */
function insertBySlot(bucket: TimerEntry[], entry: TimerEntry): void {
  let i = bucket.length;
  while (i > 0 && (bucket[i - 1] as TimerEntry).slot > entry.slot) i--;
  bucket.splice(i, 0, entry);
}
