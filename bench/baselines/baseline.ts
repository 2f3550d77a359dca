/**
 * The shape every hand-written baseline has: events pushed one at a time in timestamp order
 * (so the same code serves preloaded arrays, the NDJSON pipeline and streamed runs), and an
 * end of input that, like `weir run --end-time`, may advance time and fire due timers.
 * Baselines write their listener output into a Checksum under Weir's statement names.
 */
import type { Checksum } from '../checksum.js';

export interface Baseline {
  /** One event of `type` at time `ts` (non-decreasing). */
  event(type: string, data: Record<string, unknown>, ts: number): void;
  /** End of input; with `endTime`, fire every timer due at or before it first. */
  finish(endTime?: number): void;
}

export type BaselineFactory = (out: Checksum) => Baseline;

/** Types, events and timestamps, index-aligned (one type for a single-type workload). */
export interface EventInput {
  readonly type: string | readonly string[];
  readonly events: readonly Record<string, unknown>[];
  readonly timestamps: readonly number[];
}

export const typeAt = (input: EventInput, i: number): string =>
  typeof input.type === 'string' ? input.type : (input.type[i] as string);

export function runBaseline(
  factory: BaselineFactory,
  input: EventInput,
  out: Checksum,
  endTime?: number,
): void {
  const baseline = factory(out);
  const { events, timestamps } = input;
  if (typeof input.type === 'string') {
    const type = input.type;
    for (let i = 0; i < events.length; i++)
      baseline.event(type, events[i] as Record<string, unknown>, timestamps[i] as number);
  } else {
    for (let i = 0; i < events.length; i++)
      baseline.event(input.type[i] as string, events[i] as Record<string, unknown>, timestamps[i] as number);
  }
  baseline.finish(endTime);
}
