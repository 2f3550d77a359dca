/**
 * Replays an event file into a served engine at the pace of its timestamps (scaled by
 * `speed`), looping with the timestamps shifted forward each round so event time keeps
 * moving: `weir serve` with no arguments uses it so a new user sees the dashboard move.
 */
import { WeirError } from '../common/errors.js';
import type { EventRecord } from '../io/event-record.js';
import { readEvents } from '../io/read-events.js';
import type { WeirService } from './weir-service.js';

export interface FeedOptions {
  /** Speed-up over the file's own pace (1: real time). */
  readonly speed: number;
  /** Start again from the top, later in event time, after the last event. */
  readonly loop: boolean;
}

export class ExampleFeed {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly service: WeirService,
    private readonly path: string,
    private readonly options: FeedOptions,
  ) {}

  /** Loads the file (errors are thrown here, before serving starts). */
  async load(): Promise<EventRecord[]> {
    const events: EventRecord[] = [];
    for await (const batch of readEvents(this.path, this.service.readerOptions())) {
      for (const item of batch) {
        if (item instanceof WeirError) throw item;
        events.push(item);
      }
    }
    return events;
  }

  /** Runs in the background until `stop()`. */
  start(events: readonly EventRecord[]): void {
    void this.run(events);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      this.wake = done;
      this.timer = setTimeout(done, ms);
    });
  }

  private async run(events: readonly EventRecord[]): Promise<void> {
    const times = events.map((e) => e.timestamp ?? 0);
    if (events.length === 0) return;
    const first = times[0] as number;
    const last = times[times.length - 1] as number;
    // One round after another, a second apart in event time.
    const period = last - first + 1000;
    for (let round = 0; !this.stopped; round++) {
      for (let i = 0; i < events.length && !this.stopped; i++) {
        const previous =
          i === 0 ? (round === 0 ? (times[0] as number) : last - period) : (times[i - 1] as number);
        const gap = Math.max(0, (times[i] as number) - previous) / this.options.speed;
        if (gap > 0) await this.sleep(Math.min(gap, 10_000));
        if (this.stopped) break;
        const e = events[i] as EventRecord;
        const shift = round * period;
        try {
          await this.service.ingest([
            {
              ...e,
              event: { ...e.event },
              timestamp: e.timestamp === undefined ? undefined : e.timestamp + shift,
            },
          ]);
        } catch {
          // A full queue: the example is only a demonstration, skip this event.
        }
      }
      if (!this.options.loop) break;
    }
  }
}
