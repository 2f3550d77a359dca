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
import type { StateReader, StateWriter, Stateful } from '../../common/state.js';
import type { Operator } from '../operator.js';
import type { AfterState } from './after-state.js';
import { readSteps, writeSteps } from './generic-helpers.js';
import type { LimitHelper, LimitedProcessor, ReadInput, WriteInput } from './limited-processor.js';
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
  /**
   * The aliases of the join whose rows the processor takes in (undefined: events): a snapshot
   * writes a join row as its events' ids, so they stay the window's and the aggregators' events.
   */
  readonly joinAliases: readonly string[] | undefined;
}

/** A limiter's snapshot: the after clause, the condition, the collected rows, and the view's own state. */
interface LimiterSnapshot {
  readonly after: unknown;
  readonly condition: unknown;
  readonly collector: unknown;
  readonly own: unknown;
}

abstract class Limiter implements Operator, Stateful<LimiterSnapshot> {
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

  snapshot(w: StateWriter): LimiterSnapshot {
    const aliases = this.parts.joinAliases;
    const input: WriteInput =
      aliases === undefined
        ? (row) => w.event(row)
        : (row) => aliases.map((a) => (row[a] === undefined ? -1 : w.event(row[a] as Row)));
    return {
      after: this.parts.after.snapshot(),
      condition: this.condition === undefined ? null : this.condition.snapshot(w),
      collector: this.parts.collector.snapshot(w),
      own: this.snapshotOwn(w, input),
    };
  }

  restore(s: LimiterSnapshot, r: StateReader): void {
    const aliases = this.parts.joinAliases;
    const input: ReadInput =
      aliases === undefined
        ? (id) => r.event(id as number)
        : (ids) => {
            const row: Row = {};
            aliases.forEach((a, i) => {
              const id = (ids as number[])[i] as number;
              row[a] = id < 0 ? undefined : r.event(id);
            });
            return row;
          };
    this.parts.after.restore(s.after);
    this.condition?.restore(s.condition, r);
    this.parts.collector.restore(s.collector, r);
    this.restoreOwn(s.own, r, input);
  }

  /** What the view itself keeps between steps (none by default). */
  protected snapshotOwn(_w: StateWriter, _input: WriteInput): unknown {
    return null;
  }

  protected restoreOwn(_s: unknown, _r: StateReader, _input: ReadInput): void {}
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

  /** The buffered steps, and the helper's state (kept across intervals by some helpers). */
  protected override snapshotOwn(w: StateWriter, input: WriteInput): unknown {
    return [writeSteps(this.steps, input), this.helper === undefined ? null : this.helper.snapshot(w, input)];
  }

  protected override restoreOwn(s: unknown, r: StateReader, input: ReadInput): void {
    const [steps, helper] = s as [unknown, unknown];
    this.steps = readSteps(steps, input);
    this.helper?.restore(helper, r, input);
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

  protected override snapshotOwn(): unknown {
    return this.witnessed;
  }

  protected override restoreOwn(s: unknown): void {
    this.witnessed = s as boolean;
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

  protected override snapshotOwn(w: StateWriter, input: WriteInput): unknown {
    return this.helper.snapshot(w, input);
  }

  protected override restoreOwn(s: unknown, r: StateReader, input: ReadInput): void {
    this.helper.restore(s, r, input);
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
