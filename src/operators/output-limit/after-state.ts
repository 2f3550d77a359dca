/**
 * `output after <period | n events>` (Esper's OutputProcessViewAfterStateImpl): output is
 * suppressed until the period since the statement started has passed, or until more than n
 * events have been counted; once satisfied it stays satisfied.
 */
import type { OutputAfterSpec } from '../../plan/output-limit.js';

export class AfterState {
  private satisfied: boolean;
  private found = 0;
  private readonly until: number | undefined;

  constructor(
    private readonly spec: OutputAfterSpec | undefined,
    startTime: number,
  ) {
    this.satisfied = spec === undefined;
    this.until = spec?.kind === 'time' ? startTime + spec.ms : undefined;
  }

  /** Whether output may happen now; `count` events are added to the tally first. */
  check(count: number, now: number): boolean {
    if (this.satisfied) return true;
    const spec = this.spec as OutputAfterSpec;
    if (spec.kind === 'time') {
      if (now < (this.until as number)) return false;
    } else {
      this.found += count;
      if (this.found <= spec.count) return false;
    }
    this.satisfied = true;
    return true;
  }

  snapshot(): [boolean, number] {
    return [this.satisfied, this.found];
  }

  restore(s: unknown): void {
    [this.satisfied, this.found] = s as [boolean, number];
  }
}
