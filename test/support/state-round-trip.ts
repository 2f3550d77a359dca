/**
 * Round trip of one stateful part through the real snapshot encoding (msgpackr, the event
 * table, timers with their sequence numbers), for part-level tests: snapshot `part`, encode,
 * decode, restore into `fresh`. Events come back as new objects, shared ones as one object.
 */
import type { Stateful } from '../../src/common/state.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/runtime/snapshot/codec.js';
import {
  EventTableReader,
  EventTableWriter,
  type RestoreTimer,
} from '../../src/runtime/snapshot/state-io.js';

export interface PartRoundTrip {
  /** Encoded size in bytes. */
  readonly bytes: number;
  readonly timersWritten: number;
  readonly timersRestored: number;
}

export function roundTripPart<S>(
  part: Stateful<S>,
  fresh: Stateful<S>,
  restoreTimer: RestoreTimer,
): PartRoundTrip {
  const w = new EventTableWriter();
  const state = part.snapshot(w);
  const bytes = encodeSnapshot({ events: w.table(), state });
  const decoded = decodeSnapshot(bytes) as { events: unknown; state: S };
  const r = new EventTableReader(decoded.events, restoreTimer);
  fresh.restore(decoded.state, r);
  return { bytes: bytes.length, timersWritten: w.timersWritten, timersRestored: r.timersRestored };
}
