/**
 * A pattern context condition while it is armed (Esper's ContextControllerConditionPattern):
 * one run of the pattern automaton (patterns/pattern-matcher.ts), started when the condition
 * is activated and stopped when it is no longer needed (its partition ended, or a
 * non-overlapping context's start condition fired). Each activation is a fresh run: a
 * non-overlapping context's start pattern starts over when its partition ends, and a
 * partition's end pattern starts from the events that started the partition (`initial`).
 *
 * - A run does not see the event it was started on (Esper adds its filters while that event
 *   is being dispatched, so they miss it).
 * - A match found while the run starts (the pattern is already true then) is reported once
 *   after the start, without tags, as Esper's ConditionPatternMatchCallback does.
 * - Its timers (timer:interval, timer:within, timer:at inside the pattern) are the engine's,
 *   owned by the run's scheduler; its state is the matcher's snapshot.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { Timer, TimerService } from '../common/timers.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { CompiledExpr } from '../expr/eval-frame.js';
import type { MatchState } from '../patterns/matched-events.js';
import { PatternMatcher, type PatternMatcherState } from '../patterns/pattern-matcher.js';
import type { PatternPlan } from '../patterns/pattern-plan.js';

/** What a run needs from the context runtime. */
export interface ConditionPatternEnv {
  readonly timers: TimerService;
  compile(expr: BoundExpr): CompiledExpr;
  /** Cap on live filter instances per run (the engine's maxPartialMatches). */
  readonly maxPartialMatches: number;
  onCapReached(): void;
}

/** A match: its tags, and the event that completed it (undefined: a timer did). */
export type ConditionMatch = (match: MatchState, trigger: Row | undefined) => void;

/**
 * The engine's timers as a run sees them: once the run stopped nothing more is scheduled (a
 * node of the same event or timer batch, still being evaluated, may re-arm a timer).
 */
function runTimers(base: TimerService, alive: () => boolean): TimerService {
  return {
    now: () => base.now(),
    schedule: (owner, tag, due, reuse) =>
      alive() ? base.schedule(owner, tag, due, reuse) : ({ due, seq: 0, owner, tag, live: false } as Timer),
    cancel: (timer) => base.cancel(timer),
    ...(base.quietUntil === undefined ? {} : { quietUntil: () => (base.quietUntil as () => number)() }),
  };
}

export class ConditionPattern {
  private readonly matcher: PatternMatcher;
  /** The event being matched (the trigger of a match found now). */
  private current: Row | undefined;
  private starting = false;
  private matchedWhileStarting = false;
  private stopped = false;

  constructor(
    plan: PatternPlan,
    env: ConditionPatternEnv,
    private readonly onMatch: ConditionMatch,
    /** The event dispatched when the run was armed: the run does not see it. */
    readonly armedOn: Row | undefined,
    /** The partition's properties its filters read (`p.a.id` of a named start match). */
    context?: Record<string, unknown>,
  ) {
    this.matcher = new PatternMatcher(plan, {
      timers: runTimers(env.timers, () => !this.stopped),
      compile: (e) => env.compile(e),
      emit: (match) => {
        if (this.stopped) return;
        if (this.starting) {
          this.matchedWhileStarting = true;
          return;
        }
        this.onMatch(match, this.current);
      },
      maxLiveInstances: env.maxPartialMatches,
      onCapReached: () => env.onCapReached(),
    });
    if (context !== undefined) this.matcher.evalCtx.context = context;
  }

  /**
   * Starts the run with `initial` tags set (an end pattern: the partition's starting events).
   * A match found while starting is reported (`reportImmediate`, a start condition) or ends
   * the run unreported (an end condition: Esper reports it before the partition exists).
   */
  start(initial: MatchState | undefined, reportImmediate: boolean): void {
    this.starting = true;
    this.matcher.start(initial);
    this.starting = false;
    if (!this.matchedWhileStarting || this.stopped) return;
    if (reportImmediate) this.onMatch({}, undefined);
    else this.stop();
  }

  onEvent(stream: string, row: Row): void {
    if (this.stopped || row === this.armedOn) return;
    this.current = row;
    try {
      this.matcher.onEvent(stream, row);
    } finally {
      this.current = undefined;
    }
  }

  /** Ends the run: its filters and timers are dropped, later matches of the same step are ignored. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.matcher.stop();
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Live filter instances (statistics). */
  get size(): number {
    return this.matcher.stats().liveInstances;
  }

  snapshot(w: StateWriter): PatternMatcherState {
    return this.matcher.snapshot(w);
  }

  /** Puts a saved run back (not started: its state is the saved one). */
  restore(state: PatternMatcherState, r: StateReader): void {
    this.matcher.restore(state, r);
  }
}
