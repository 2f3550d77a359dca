/**
 * Which output-limiting view and condition a statement gets (Esper's
 * OutputProcessViewForgeFactory and ResultSetProcessorOutputConditionType.getConditionType,
 * with Esper's default of the output-limit optimisation on):
 * - `output after …` alone: AfterLimiter;
 * - snapshot: SnapshotLimiter;
 * - first, ungrouped: FirstLimiter; grouped: each group's own condition inside the processor,
 *   the limiter processing every step at once (DefaultLimiter with a condition that always fires);
 * - last without aggregation, and all/last without order by: LastAllLimiter with the
 *   processor's unbuffered helper;
 * - everything else (the default type; all/last with order by): DefaultLimiter, which
 *   processes the buffered steps at output time.
 */
import type { StreamSelector } from '../ast/ast.js';
import type { Row } from '../common/row.js';
import { compilePredicate } from '../expr/compile-expr.js';
import { createFrame } from '../expr/eval-frame.js';
import type { Operator } from '../operators/operator.js';
import { AfterState } from '../operators/output-limit/after-state.js';
import { DeferredConcatHelper } from '../operators/output-limit/generic-helpers.js';
import type { LimitedProcessor } from '../operators/output-limit/limited-processor.js';
import {
  EveryStepCondition,
  type LimiterClock,
  type OutputCondition,
  createOutputCondition,
} from '../operators/output-limit/output-condition.js';
import {
  AfterLimiter,
  DefaultLimiter,
  FirstLimiter,
  LastAllLimiter,
  type LimiterParts,
  SnapshotLimiter,
} from '../operators/output-limit/output-limiter.js';
import {
  GroupConditions,
  type PolledCondition,
  PolledCount,
  PolledCrontab,
  PolledTime,
  PolledWhen,
} from '../operators/output-limit/polled-condition.js';
import type { RowCollector } from '../operators/output-limit/row-collector.js';
import type { OutputLimitSpec, OutputRateSpec } from '../plan/output-limit.js';

export interface OutputLimiterArgs {
  readonly spec: OutputLimitSpec;
  readonly processor: LimitedProcessor;
  readonly collector: RowCollector;
  /** Esper's processor kinds: simple (no aggregation), and whether rows are per group. */
  readonly aggregated: boolean;
  readonly grouped: boolean;
  readonly sorted: boolean;
  readonly selector: StreamSelector;
  readonly clock: LimiterClock;
  readonly startTime: number;
  /** The current contents for snapshots; undefined without a data window. */
  readonly contents: (() => readonly Row[]) | undefined;
  readonly next: Operator;
  /** The aliases of the join feeding the processor (its rows), undefined when events feed it. */
  readonly joinAliases: readonly string[] | undefined;
}

function whenPredicate(rate: Extract<OutputRateSpec, { kind: 'when' }>) {
  // The condition reads the counters row only: a frame of its own, without stream access.
  const ctx = createFrame();
  return { predicate: compilePredicate(rate.condition), ctx };
}

/** Per-group conditions of grouped `first`, made from the statement's rate. */
function polledConditions(rate: OutputRateSpec, now: () => number): () => PolledCondition {
  switch (rate.kind) {
    case 'events':
      return () => new PolledCount(rate.count);
    case 'time':
      return () => new PolledTime(rate.ms, now);
    case 'crontab':
      return () => new PolledCrontab(rate.schedule, now);
    case 'when': {
      const { predicate, ctx } = whenPredicate(rate);
      return () => new PolledWhen(predicate, ctx, now);
    }
    case 'terminated':
      throw new Error('output when terminated needs a context');
  }
}

/** The limiter: the operator that receives the processor's input; `stop` cancels its timers. */
export function createOutputLimiter(
  args: OutputLimiterArgs,
): Operator & { stop(): void; terminate?: () => void } {
  const { spec, processor, clock } = args;
  const parts: LimiterParts = {
    processor,
    collector: args.collector,
    after: new AfterState(spec.after, args.startTime),
    now: () => clock.now(),
    next: args.next,
    joinAliases: args.joinAliases,
  };
  const rate = spec.rate;
  if (rate === undefined) return new AfterLimiter(parts);
  let limiter: DefaultLimiter | FirstLimiter | LastAllLimiter | SnapshotLimiter;
  let condition: ((fire: (force: boolean) => void) => OutputCondition) | undefined;
  switch (spec.type) {
    case 'snapshot':
      limiter = new SnapshotLimiter(parts, args.contents);
      break;
    case 'first':
      if (args.grouped && processor.firstHelper !== undefined) {
        const helper = processor.firstHelper(new GroupConditions(polledConditions(rate, parts.now)));
        limiter = new DefaultLimiter(parts, helper, false);
        condition = (fire) => new EveryStepCondition(fire);
      } else limiter = new FirstLimiter(parts, args.selector);
      break;
    case 'all':
    case 'last': {
      const buffered = args.sorted && (args.aggregated || spec.type === 'all');
      const helper = processor.limitHelper(spec.type, buffered);
      limiter = buffered
        ? new DefaultLimiter(parts, helper, !args.aggregated)
        : new LastAllLimiter(parts, helper ?? new DeferredConcatHelper(processor));
      break;
    }
    case 'default':
      limiter = new DefaultLimiter(parts, undefined, !args.aggregated);
      break;
  }
  const fire = (force: boolean) => limiter.fire(force);
  limiter.condition =
    condition?.(fire) ?? createOutputCondition(rate, clock, whenPredicate, args.startTime, fire);
  // `when terminated` / `and when terminated`: the context partition's end is an output time.
  if (rate.kind === 'terminated' || spec.andWhenTerminated)
    return Object.assign(limiter, { terminate: () => limiter.fire(true) });
  return limiter;
}
