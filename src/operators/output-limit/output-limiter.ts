/**
 * The output-limiting views (Esper's OutputProcessView family). Each sits between a
 * statement's input (window, where clause, join) and its result-set processor, whose rows go
 * to a RowCollector; the view decides when steps reach the processor and when the collected
 * rows are posted downstream, sorted as one batch:
 * - DefaultLimiter (ConditionDefault): steps are buffered and processed at output time;
 * - FirstLimiter (ConditionFirst, ungrouped `first`): the first step with rows is posted at
 *   once, later steps of the interval are processed and dropped;
 * - LastAllLimiter (ConditionLastAllUnord): `all`/`last` helpers fed as steps happen;
 * - SnapshotLimiter: steps only update the aggregation; output iterates the current contents;
 * - AfterLimiter (DirectDistinctOrAfter): `output after …` alone.
 */
import type { StreamSelector } from '../../ast/ast.js';
import type { Row } from '../../common/row.js';
import type { Operator } from '../operator.js';
import type { AfterState } from './after-state.js';
import type { LimitHelper, LimitedProcessor } from './limited-processor.js';
import type { OutputCondition } from './output-condition.js';
import type { RowCollector } from './row-collector.js';

function count(rows: Row[] | null): number {
  return rows === null ? 0 : rows.length;
}

/** What every view shares: the processor, its collector, the after clause and the downstream. */
export interface LimiterParts {
  readonly processor: LimitedProcessor;
  readonly collector: RowCollector;
  readonly after: AfterState;
  readonly now: () => number;
  readonly next: Operator;
}

abstract class Limiter implements Operator {
  /** Set by the physical planner once the condition exists (it calls back `fire`). */
  condition: OutputCondition | undefined;

  constructor(protected readonly parts: LimiterParts) {}

  abstract onUpdate(inserted: Row[] | null, removed: Row[] | null): void;

  /** The condition says output is due. */
  abstract fire(force: boolean): void;

  protected afterSatisfied(events: number): boolean {
    return this.parts.after.check(events, this.parts.now());
  }

  protected update(newEvents: number, oldEvents: number): void {
    this.condition?.update(newEvents, oldEvents);
  }

  /** Posts what the collector holds (both sides null and `force`: a call with nothing to report). */
  protected post(force: boolean): void {
    const [ins, rem] = this.parts.collector.take();
    if (ins !== null || rem !== null || force) this.parts.next.onUpdate(ins, rem, force);
  }

  stop(): void {
    this.condition?.stop();
  }
}

type Step = readonly [Row[] | null, Row[] | null];

/**
 * Esper's OutputProcessViewConditionDefault: steps are kept as they come and handed to the
 * processor when output is due, so each step's rows are computed then (the default type,
 * and `all`/`last` with order by). Before the after clause is satisfied, steps of an
 * aggregating statement are still kept (their rows are posted at the first output).
 */
export class DefaultLimiter extends Limiter {
  private steps: Step[] = [];

  constructor(
    parts: LimiterParts,
    /** undefined: the default type (each step processed as without output limiting). */
    private readonly helper: LimitHelper | undefined,
    /** Esper's isUnaggregatedUngrouped: steps before the after clause is satisfied are dropped. */
    private readonly dropBeforeAfter: boolean,
  ) {
    super(parts);
  }

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    if (!this.afterSatisfied(count(inserted))) {
      if (!this.dropBeforeAfter) this.steps.push([inserted, removed]);
      return;
    }
    this.steps.push([inserted, removed]);
    this.update(count(inserted), count(removed));
  }

  fire(force: boolean): void {
    const steps = this.steps;
    this.steps = [];
    const { processor } = this.parts;
    const helper = this.helper;
    if (helper !== undefined) {
      for (const [ins, rem] of steps) helper.step(ins, rem);
      helper.output();
    } else {
      for (const [ins, rem] of steps) processor.onUpdate(ins, rem);
      if (steps.length === 0) processor.postEmptyInterval();
    }
    this.post(force);
  }
}

/**
 * Esper's OutputProcessViewConditionFirst (ungrouped `first`): the first step of an interval
 * whose rows the listener would see is posted at once; the following steps are processed
 * (they move the aggregates) but posted no more until the condition starts a new interval.
 */
export class FirstLimiter extends Limiter {
  private witnessed = false;

  constructor(
    parts: LimiterParts,
    private readonly selector: StreamSelector,
  ) {
    super(parts);
  }

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    if (!this.afterSatisfied(count(inserted))) return;
    const { processor, collector } = this.parts;
    processor.onUpdate(inserted, removed);
    if (!this.witnessed && this.relevant(collector)) {
      this.witnessed = true;
      this.post(false);
    } else collector.discard();
    this.update(count(inserted), count(removed));
  }

  private relevant(collector: RowCollector): boolean {
    switch (this.selector) {
      case 'istream':
        return collector.insertedCount > 0;
      case 'rstream':
        return collector.removedCount > 0;
      case 'irstream':
        return collector.insertedCount > 0 || collector.removedCount > 0;
    }
  }

  fire(): void {
    this.witnessed = false;
  }
}

/**
 * Esper's OutputProcessViewConditionLastAllUnord: `all` and `last` without order by; each
 * step goes to the type's helper at once (even before the after clause is satisfied), and
 * output posts what the helper kept.
 */
export class LastAllLimiter extends Limiter {
  constructor(
    parts: LimiterParts,
    private readonly helper: LimitHelper,
  ) {
    super(parts);
  }

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    this.helper.step(inserted, removed);
    if (!this.afterSatisfied(count(inserted))) return;
    this.update(count(inserted), count(removed));
  }

  fire(force: boolean): void {
    this.helper.output();
    this.post(force);
  }
}

/**
 * Esper's OutputProcessViewConditionSnapshot: steps only update the aggregation; output
 * posts the rows of the current contents (window after where, or the join of the windows).
 */
export class SnapshotLimiter extends Limiter {
  constructor(
    parts: LimiterParts,
    /** undefined: no data window (Esper iterates nothing then). */
    private readonly contents: (() => readonly Row[]) | undefined,
  ) {
    super(parts);
  }

  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    this.parts.processor.apply(inserted, removed);
    if (!this.afterSatisfied(count(inserted))) return;
    this.update(count(inserted), count(removed));
  }

  fire(force: boolean): void {
    this.parts.processor.postSnapshot(this.contents?.());
    this.post(force);
  }
}

/**
 * Esper's OutputProcessViewDirectDistinctOrAfter: `output after …` without a rate; each step
 * is posted as without output limiting once more than n rows have been produced (the rows
 * of the step that passes the count are posted), or once the period has passed.
 */
export class AfterLimiter extends Limiter {
  onUpdate(inserted: Row[] | null, removed: Row[] | null): void {
    const { processor, collector } = this.parts;
    processor.onUpdate(inserted, removed);
    if (!this.afterSatisfied(collector.insertedCount)) {
      collector.discard();
      return;
    }
    this.post(false);
  }

  fire(): void {}
}
