/**
 * Baseline for
 *   select a.user as user, a.ts as failedAt, b.ts as okAt from pattern [every a=Login(ok = false)
 *     -> b=Login(ok = true, user = a.user) where timer:within(5 min)]
 * The guard binds to `b=…` (a guard is tighter than `->`), so each failure starts its own
 * wait for a success of the same user that ends 5 minutes after the failure; the guard's
 * timer fires before an event at exactly +5 min, so that event is too late. A success
 * completes every open wait of its user at once (one call, a row per failure, oldest
 * first), and those waits end. Per user: the times of its open failures.
 */
import type { Checksum } from '../checksum.js';
import type { Login } from '../generate-data.js';
import type { Baseline } from './baseline.js';

export interface PatternOptions {
  readonly withinMs?: number;
  readonly statement?: string;
}

export function createPatternBaseline(out: Checksum, options: PatternOptions = {}): Baseline {
  const withinMs = options.withinMs ?? 300_000;
  const s = out.statement(options.statement ?? 'q');
  const open = new Map<string, number[]>();
  // Waits time out in the order they started, so the expired ones are a prefix of the list.
  const firstLive = (waits: readonly number[], now: number) => {
    let i = 0;
    while (i < waits.length && (waits[i] as number) + withinMs <= now) i++;
    return i;
  };
  return {
    event(_type, data, ts) {
      const e = data as unknown as Login;
      const waits = open.get(e.user);
      if (!e.ok) {
        if (waits === undefined) open.set(e.user, [e.ts]);
        else {
          const live = firstLive(waits, ts);
          if (live > 0) waits.splice(0, live);
          waits.push(e.ts);
        }
        return;
      }
      if (waits === undefined || waits.length === 0) return;
      const live = firstLive(waits, ts);
      if (live < waits.length) {
        s.begin(ts);
        for (let i = live; i < waits.length; i++) {
          s.str(e.user);
          s.num(waits[i] as number);
          s.num(e.ts);
          s.endRow();
        }
        s.end();
      }
      waits.length = 0;
    },
    finish() {},
  };
}
