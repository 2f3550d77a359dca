/**
 * Baseline for `every a=Login(ok=false) -> b=Login(ok=true, user=a.user) where
 * timer:within(5 min)`: per user, the times of failures still open; a success matches every
 * failure of its user less than 5 minutes old (the guard's timer fires before an event at
 * exactly +5 min), then none stays open.
 */
import type { Checksum } from '../checksum.js';
import type { Login } from '../generate-data.js';

export function correlatedPatternBaseline(
  events: readonly Login[],
  timestamps: readonly number[],
  out: Checksum,
): void {
  const open = new Map<string, number[]>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Login;
    const now = timestamps[i] as number;
    if (!e.ok) {
      const list = open.get(e.user);
      if (list === undefined) open.set(e.user, [now]);
      else list.push(now);
      continue;
    }
    const list = open.get(e.user);
    if (list === undefined) continue;
    for (const started of list) if (started + 300_000 > now) out.add(now, [e.user]);
    open.delete(e.user);
  }
}
