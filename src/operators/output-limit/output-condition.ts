/**
 * When an output-limited statement posts (Esper's OutputCondition*). The limiter tells its
 * condition how many new and old events each step brought; the condition calls back
 * `fire(forceUpdate)` when output is due. Time-driven conditions fire with forceUpdate set,
 * which makes the listener see a call even for an interval with nothing to report.
 */
import { nextCrontabTime } from '../../common/crontab.js';
import type { Row } from '../../common/row.js';
import type { StateReader, StateWriter } from '../../common/state.js';
import type { Timer, TimerOwner, TimerService, TimerState } from '../../common/timers.js';
import type { EvalFrame } from '../../expr/eval-frame.js';
import type { CrontabSchedule, OutputRateSpec } from '../../plan/output-limit.js';

export type OutputCallback = (forceUpdate: boolean) => void;

/** The clock and timers of the statement (event time). */
export interface LimiterClock {
  now(): number;
  readonly timers: TimerService;
  /**
   * When set, time-driven output waits for the end of the step (every timer due at this
   * instant has fired): Esper fires a statement's callbacks of one instant in schedule-slot
   * order, and its views take their slots before its output condition, so a window expiring
   * at the instant output is due expires first. A join statement leaves this unset: Esper
   * dispatches the join after all of the statement's callbacks, so its output does not wait.
   */
  readonly defer: ((callback: () => void) => void) | undefined;
}

export interface OutputCondition {
  /** A step reached the limiter with this many new and old events. */
  update(newEvents: number, oldEvents: number): void;
  /** Cancels pending timers (undeploy). */
  stop(): void;
  /** Its counters and pending timer as plain data (common/state.ts). */
  snapshot(w: StateWriter): unknown;
  /** Puts them back into a fresh condition (its timer re-armed in its original order). */
  restore(state: unknown, r: StateReader): void;
}

/**
 * `every n events`: fires when n new or n old events have arrived since the last output
 * (Esper's OutputConditionCount; both counts start over).
 */
export class CountCondition implements OutputCondition {
  private newCount = 0;
  private oldCount = 0;

  constructor(
    private readonly rate: number,
    private readonly fire: OutputCallback,
  ) {}

  update(newEvents: number, oldEvents: number): void {
    this.newCount += newEvents;
    this.oldCount += oldEvents;
    if (this.newCount >= this.rate || this.oldCount >= this.rate) {
      this.newCount = 0;
      this.oldCount = 0;
      this.fire(false);
    }
  }

  stop(): void {}

  snapshot(): [number, number] {
    return [this.newCount, this.oldCount];
  }

  restore(s: unknown): void {
    [this.newCount, this.oldCount] = s as [number, number];
  }
}

/**
 * Esper's TimePeriodUtil.deltaAddWReference: the time from `now` to the next instant on the
 * grid `reference + k * period` strictly after `now`.
 */
export function deltaToNextOnGrid(now: number, reference: number, period: number): number {
  let n = Math.trunc((now - reference) / period);
  if (reference > now) n--;
  const solution = reference + (n + 1) * period - now;
  return solution === 0 ? period : solution;
}

/** A condition that fires at instants it computes, re-arming after each (forced: time-driven). */
abstract class ScheduledCondition implements OutputCondition, TimerOwner {
  protected timer: Timer | undefined;
  /** A timer is pending, or has fired and its output waits for the step's end (Esper's isCallbackScheduled). */
  protected armed = false;
  private stopped = false;
  private readonly fireNow = (): void => {
    // Stopped meanwhile (its context partition ended at this instant): no output, no re-arm.
    if (this.stopped) return;
    this.armed = false;
    this.fire(true);
    this.arm();
  };

  constructor(
    protected readonly clock: LimiterClock,
    private readonly fire: OutputCallback,
  ) {}

  /** The next instant to fire at, after `now`. */
  protected abstract nextDue(now: number): number;

  update(_newEvents: number, _oldEvents: number): void {
    if (!this.armed) this.arm();
  }

  onTimer(): void {
    if (this.clock.defer === undefined) this.fireNow();
    else this.clock.defer(this.fireNow);
  }

  private arm(): void {
    const due = this.nextDue(this.clock.now());
    if (!Number.isFinite(due)) return;
    this.armed = true;
    this.timer = this.clock.timers.schedule(this, 0, due, this.timer);
  }

  stop(): void {
    this.clock.timers.cancel(this.timer);
    this.timer = undefined;
    this.armed = false;
    this.stopped = true;
  }

  /** Between steps a fired timer's output has run, so armed means a timer is pending. */
  snapshot(w: StateWriter): unknown {
    return { timer: w.timer(this.timer) };
  }

  restore(s: unknown, r: StateReader): void {
    this.timer = r.timer(this, (s as { timer: TimerState | null }).timer);
    this.armed = this.timer !== undefined;
  }
}

/**
 * `every <period>`: the first step starts the clock; output then fires every period on the
 * grid of that first step's time, whether or not anything happened (Esper's OutputConditionTime).
 */
export class TimeCondition extends ScheduledCondition {
  private reference: number | undefined;

  constructor(
    private readonly period: number,
    clock: LimiterClock,
    fire: OutputCallback,
  ) {
    super(clock, fire);
  }

  override update(newEvents: number, oldEvents: number): void {
    if (this.reference === undefined) this.reference = this.clock.now();
    super.update(newEvents, oldEvents);
  }

  protected nextDue(now: number): number {
    return now + deltaToNextOnGrid(now, this.reference ?? now, this.period);
  }

  override snapshot(w: StateWriter): unknown {
    return { timer: w.timer(this.timer), reference: this.reference ?? null };
  }

  override restore(s: unknown, r: StateReader): void {
    super.restore(s, r);
    const reference = (s as { reference: number | null }).reference;
    this.reference = reference === null ? undefined : reference;
  }
}

/** `at (crontab)`: from the first step on, fires at each instant the schedule matches (Esper's OutputConditionCrontab). */
export class CrontabCondition extends ScheduledCondition {
  constructor(
    private readonly schedule: CrontabSchedule,
    clock: LimiterClock,
    fire: OutputCallback,
  ) {
    super(clock, fire);
  }

  protected nextDue(now: number): number {
    return nextCrontabTime(now, this.schedule);
  }
}

/**
 * `when <condition>`: evaluated at each step over the built-in counters; fires (forced) when
 * true, then count_insert and count_remove start over and last_output_timestamp moves to
 * now (Esper's OutputConditionExpression; the totals never reset).
 */
export class WhenCondition implements OutputCondition {
  private readonly counters = {
    count_insert: 0,
    count_remove: 0,
    count_insert_total: 0,
    count_remove_total: 0,
    last_output_timestamp: 0,
  };

  constructor(
    private readonly condition: (row: Row, ctx: EvalFrame) => boolean,
    private readonly ctx: EvalFrame,
    private readonly clock: LimiterClock,
    startTime: number,
    private readonly fire: OutputCallback,
  ) {
    this.counters.last_output_timestamp = startTime;
  }

  update(newEvents: number, oldEvents: number): void {
    const c = this.counters;
    c.count_insert += newEvents;
    c.count_remove += oldEvents;
    c.count_insert_total += newEvents;
    c.count_remove_total += oldEvents;
    if (!this.condition(c, this.ctx)) return;
    this.fire(true);
    c.count_insert = 0;
    c.count_remove = 0;
    c.last_output_timestamp = this.clock.now();
  }

  stop(): void {}

  snapshot(): unknown {
    return { ...this.counters };
  }

  restore(s: unknown): void {
    Object.assign(this.counters, s as Record<string, number>);
  }
}

/**
 * Fires at every step without forcing (Esper's OutputConditionNull): grouped `output first`
 * decides per group inside the processor, so the limiter processes each step at once.
 */
export class EveryStepCondition implements OutputCondition {
  constructor(private readonly fire: OutputCallback) {}

  update(): void {
    this.fire(false);
  }

  stop(): void {}

  snapshot(): null {
    return null;
  }

  restore(): void {}
}

export function createOutputCondition(
  rate: OutputRateSpec,
  clock: LimiterClock,
  compileCondition: (rate: Extract<OutputRateSpec, { kind: 'when' }>) => {
    predicate: (row: Row, ctx: EvalFrame) => boolean;
    ctx: EvalFrame;
  },
  startTime: number,
  fire: OutputCallback,
): OutputCondition {
  switch (rate.kind) {
    case 'events':
      return new CountCondition(rate.count, fire);
    case 'time':
      return new TimeCondition(rate.ms, clock, fire);
    case 'crontab':
      return new CrontabCondition(rate.schedule, clock, fire);
    case 'when': {
      const { predicate, ctx } = compileCondition(rate);
      return new WhenCondition(predicate, ctx, clock, startTime, fire);
    }
    case 'terminated':
      return new TerminatedCondition();
  }
}

/** `output when terminated`: never due by itself; the context partition's end fires the limiter. */
export class TerminatedCondition implements OutputCondition {
  update(): void {}

  stop(): void {}

  snapshot(): null {
    return null;
  }

  restore(): void {}
}
