/** The JSON every sink sends for one update: the `--format updates` line plus its sequence number. */
import { updateLine } from '../io/updates-writer.js';
import type { SinkUpdate } from './connector.js';

export function updateJson(u: SinkUpdate): string {
  return updateLine(u.statement, u.time, u.newEvents, u.oldEvents);
}

/** A message id that is the same for the same update after a restore: (statement, event time, sequence). */
export function updateId(u: SinkUpdate): string {
  return `${u.statement}:${u.time}:${u.seq}`;
}
