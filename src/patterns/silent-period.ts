/**
 * Skipping the firings of a pattern that repeats itself without effect across a clock jump.
 *
 * `every (a=A where timer:within(10 msec))` restarts its guard every 10 ms while no A comes:
 * each firing posts nothing and leaves the same state, ten milliseconds later. Weir fires
 * timers at their own due times (Esper's advanceTimeSpan), so an event an hour later would
 * run 360,000 firings first. Here the matcher notices that the state after a run of silent
 * firings (no match posted, no event between them) is the state of an earlier firing moved
 * later in time by some period d, and then moves its timers forward by whole periods, up to
 * the time before which nothing else can happen (TimerService.quietUntil): the firings it
 * skips would have posted nothing and led to exactly that state.
 *
 * The state is compared as a time-free key (pattern-snapshot.ts `timeFreeKey`): the state
 * tree with timer due times relative to now and schedule slots by rank. Detection is Brent's
 * cycle finding over the silent firings (one key per firing, any period length); keys are
 * only built while the state is small (a few dozen live filters and timers), so a long silent
 * run of many partial matches expiring one by one costs nothing extra.
 *
 * Only for patterns whose behaviour does not depend on the absolute time: not with
 * `timer:at` (crontab instants) or `every-distinct(…, period)` (key expiry times).
 */
import { type PatternNode, childrenOf } from './pattern-plan.js';

/** Largest live filter and timer counts for which a state key is built. */
export const SMALL_STATE = 64;

export class SilentPeriodSkipper {
  private lastChanges = -1;
  /** Silent firings since the last change. */
  private streak = 0;
  private savedKey: string | undefined;
  private savedDue = 0;
  private savedStreak = 0;
  private power = 1;

  /**
   * After the firings due at `due`: the time to move the timers forward by (0: none).
   * `changes` counts matches posted and events dispatched so far; `key` builds the time-free
   * key; `quietUntil` the time before which nothing else happens (asked only once a period
   * is found).
   */
  afterFiring(
    due: number,
    changes: number,
    small: boolean,
    key: () => string,
    quietUntil: () => number,
  ): number {
    if (changes !== this.lastChanges || !small) {
      this.lastChanges = changes;
      this.reset();
      return 0;
    }
    this.streak++;
    const k = key();
    if (this.savedKey === k && due > this.savedDue) {
      const period = due - this.savedDue;
      // Whole periods whose last firing is still before quietUntil.
      const periods = Math.ceil((quietUntil() - due) / period) - 1;
      this.reset();
      return periods >= 1 && Number.isFinite(periods) ? periods * period : 0;
    }
    if (this.savedKey === undefined || this.streak - this.savedStreak >= this.power) {
      if (this.savedKey !== undefined) this.power *= 2;
      this.savedKey = k;
      this.savedDue = due;
      this.savedStreak = this.streak;
    }
    return 0;
  }

  private reset(): void {
    this.streak = 0;
    this.savedKey = undefined;
    this.power = 1;
  }
}

/** Whether a pattern's behaviour is the same when all its times move by the same amount. */
export function isTimeShiftInvariant(node: PatternNode): boolean {
  if (node.kind === 'MatchAt') return false;
  if (node.kind === 'MatchEveryDistinct' && node.periodMs !== undefined) return false;
  return childrenOf(node).every(isTimeShiftInvariant);
}
