/**
 * The ordered event-time buffer. Events wait, ordered by (timestamp, arrival sequence),
 * until the watermark (max timestamp seen − allowed lateness) reaches them; then they are
 * released in order. An event older than the watermark is late: it is handed back to the
 * caller to count and report, never silently dropped. With in-order input and no lateness
 * nothing is held, so results equal Esper's.
 */
import { OrderedMap } from '@js-sdsl/ordered-map';
import type { StateReader, StateWriter } from '../common/state.js';

export interface BufferedEvent {
  readonly type: string;
  readonly row: Record<string, unknown>;
  readonly timestamp: number;
}

/** The buffer in a snapshot: the watermark's source and the waiting events, in release order. */
export interface EventTimeBufferState {
  readonly maxTimestamp: number;
  /** type, event id, timestamp; in (timestamp, arrival) order. */
  readonly events: readonly (readonly [string, number, number])[];
}

export class EventTimeBuffer {
  /** timestamp → events with that timestamp, in arrival order. */
  private readonly pending = new OrderedMap<number, BufferedEvent[]>();
  private count = 0;
  private maxTimestamp = Number.NEGATIVE_INFINITY;

  constructor(private readonly allowedLateness: number) {}

  /** Events at or before this time may be released; anything older arriving now is late. */
  get watermark(): number {
    return this.maxTimestamp - this.allowedLateness;
  }

  /** The newest timestamp offered (or advanced to), -Infinity before any. */
  get newest(): number {
    return this.maxTimestamp;
  }

  get size(): number {
    return this.count;
  }

  /**
   * The common case of `offer`, small enough to inline into `send`: true when an event at
   * `timestamp` may be processed at once (nothing is buffered and it is not ahead of the
   * watermark), then counted as seen; false, changing nothing, when `offer` must decide.
   */
  isDirect(timestamp: number): boolean {
    if (this.count !== 0) return false;
    if (timestamp > this.maxTimestamp) {
      // Ahead of every event seen: at once only without lateness (else it waits).
      if (this.allowedLateness !== 0) return false;
      this.maxTimestamp = timestamp;
      return true;
    }
    // Neither late (before the watermark) nor ahead of it: exactly at it.
    return timestamp === this.watermark;
  }

  /**
   * Offers an event. Returns 'late' if it is older than the watermark, 'direct' if it may be
   * processed at once (nothing is buffered and it is not ahead of the watermark), else 'buffered'.
   */
  offer(type: string, row: Record<string, unknown>, timestamp: number): 'late' | 'direct' | 'buffered' {
    if (timestamp < this.watermark) return 'late';
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    if (this.count === 0 && timestamp <= this.watermark) return 'direct';
    const event: BufferedEvent = { type, row, timestamp };
    const bucket = this.pending.getElementByKey(timestamp);
    if (bucket === undefined) this.pending.setElement(timestamp, [event]);
    else bucket.push(event);
    this.count++;
    return 'buffered';
  }

  /** Removes and passes on, in order, every event at or before `upTo` (default: the watermark). */
  release(deliver: (event: BufferedEvent) => void, upTo: number = this.watermark): void {
    while (this.count > 0) {
      const first = this.pending.front();
      if (first === undefined || first[0] > upTo) return;
      this.pending.eraseElementByKey(first[0]);
      this.count -= first[1].length;
      for (const event of first[1]) deliver(event);
    }
  }

  /** Raises the watermark as if an event at `time` had been seen (explicit time advance). */
  advanceTo(time: number): void {
    if (time + this.allowedLateness > this.maxTimestamp) this.maxTimestamp = time + this.allowedLateness;
  }

  snapshot(w: StateWriter): EventTimeBufferState {
    const events: [string, number, number][] = [];
    this.pending.forEach(([, bucket]) => {
      for (const e of bucket) events.push([e.type, w.event(e.row), e.timestamp]);
    });
    return { maxTimestamp: this.maxTimestamp, events };
  }

  restore(state: EventTimeBufferState, r: StateReader): void {
    this.maxTimestamp = state.maxTimestamp;
    for (const [type, id, timestamp] of state.events) {
      const event: BufferedEvent = { type, row: r.event(id), timestamp };
      const bucket = this.pending.getElementByKey(timestamp);
      if (bucket === undefined) this.pending.setElement(timestamp, [event]);
      else bucket.push(event);
      this.count++;
    }
  }

  /** End of input: everything goes. */
  drain(deliver: (event: BufferedEvent) => void): void {
    this.release(deliver, Number.POSITIVE_INFINITY);
  }
}
