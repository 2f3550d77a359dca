/**
 * Per-group conditions of grouped `output first` (Esper's OutputConditionPolled*): each group
 * posts its first row, then stays quiet until its own condition lets it post again.
 */
import { nextCrontabTime } from '../../common/crontab.js';
import type { Row } from '../../common/row.js';
import type { EvalFrame } from '../../expr/eval-frame.js';
import type { OutputRateSpec } from '../../plan/output-limit.js';

/** A per-group condition for grouped `output first` (Esper's OutputConditionPolled). */
export interface PolledCondition {
  /** Counts a new or an old event of the group; true when the group may post now. */
  update(newEvents: number, oldEvents: number): boolean;
  /** Its counters as plain data (common/state.ts). */
  snapshot(): unknown;
  restore(state: unknown): void;
}

/** `every n events`: the group's first event passes, then every time n new or n old events have arrived. */
export class PolledCount implements PolledCondition {
  private newCount: number;
  private oldCount: number;
  private first = true;

  constructor(private readonly rate: number) {
    this.newCount = rate;
    this.oldCount = rate;
  }

  update(newEvents: number, oldEvents: number): boolean {
    this.newCount += newEvents;
    this.oldCount += oldEvents;
    if (this.newCount >= this.rate || this.oldCount >= this.rate || this.first) {
      this.first = false;
      this.newCount = 0;
      this.oldCount = 0;
      return true;
    }
    return false;
  }

  snapshot(): unknown {
    return [this.newCount, this.oldCount, this.first];
  }

  restore(s: unknown): void {
    [this.newCount, this.oldCount, this.first] = s as [number, number, boolean];
  }
}

/** `every <period>`: passes when the group last passed at least one period ago. */
export class PolledTime implements PolledCondition {
  private lastUpdate: number | undefined;

  constructor(
    private readonly period: number,
    private readonly now: () => number,
  ) {}

  update(): boolean {
    const current = this.now();
    if (this.lastUpdate === undefined || current - this.lastUpdate >= this.period) {
      this.lastUpdate = current;
      return true;
    }
    return false;
  }

  snapshot(): unknown {
    return this.lastUpdate ?? null;
  }

  restore(s: unknown): void {
    this.lastUpdate = s === null ? undefined : (s as number);
  }
}

/** `at (crontab)`: passes when a scheduled instant has come since the group last passed. */
export class PolledCrontab implements PolledCondition {
  private nextDue: number | undefined;

  constructor(
    private readonly schedule: Extract<OutputRateSpec, { kind: 'crontab' }>['schedule'],
    private readonly now: () => number,
  ) {}

  update(): boolean {
    const current = this.now();
    if (this.nextDue === undefined || current >= this.nextDue) {
      this.nextDue = nextCrontabTime(current, this.schedule);
      return true;
    }
    return false;
  }

  snapshot(): unknown {
    return this.nextDue ?? null;
  }

  restore(s: unknown): void {
    this.nextDue = s === null ? undefined : (s as number);
  }
}

/** `when <condition>`: the counters are the group's own. */
export class PolledWhen implements PolledCondition {
  private readonly counters: Record<string, number>;

  constructor(
    private readonly condition: (row: Row, ctx: EvalFrame) => boolean,
    private readonly ctx: EvalFrame,
    private readonly now: () => number,
  ) {
    this.counters = {
      count_insert: 0,
      count_remove: 0,
      count_insert_total: 0,
      count_remove_total: 0,
      last_output_timestamp: now(),
    };
  }

  update(newEvents: number, oldEvents: number): boolean {
    const c = this.counters as {
      count_insert: number;
      count_remove: number;
      count_insert_total: number;
      count_remove_total: number;
      last_output_timestamp: number;
    };
    c.count_insert += newEvents;
    c.count_remove += oldEvents;
    c.count_insert_total += newEvents;
    // As Esper 9's OutputConditionPolledExpression computes it (not a running total).
    c.count_remove_total = c.count_remove + oldEvents;
    if (!this.condition(c, this.ctx)) return false;
    c.count_insert = 0;
    c.count_remove = 0;
    c.last_output_timestamp = this.now();
    return true;
  }

  snapshot(): unknown {
    return { ...this.counters };
  }

  restore(s: unknown): void {
    Object.assign(this.counters, s as Record<string, number>);
  }
}

/** Each group's own condition for grouped `first` (Esper's ResultSetProcessorGroupedOutputFirstHelper). */
export class GroupConditions {
  private readonly byGroup = new Map<unknown, PolledCondition>();

  constructor(private readonly create: () => PolledCondition) {}

  /** Counts a new or old event of the group; true when the group may post now. */
  passes(key: unknown, isNew: boolean): boolean {
    let c = this.byGroup.get(key);
    if (c === undefined) {
      c = this.create();
      this.byGroup.set(key, c);
    }
    return c.update(isNew ? 1 : 0, isNew ? 0 : 1);
  }

  /** Each group's condition state, in the order the groups were first seen. */
  snapshot(): [unknown, unknown][] {
    return [...this.byGroup].map(([key, c]) => [key, c.snapshot()]);
  }

  restore(s: unknown): void {
    for (const [key, state] of s as [unknown, unknown][]) {
      const c = this.create();
      c.restore(state);
      this.byGroup.set(key, c);
    }
  }
}
