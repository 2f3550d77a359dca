/**
 * The guards of `x where …` (Esper's Guard implementations), each owned by one guard state
 * node: `timer:within(p)` ends x p after it started; `timer:withinmax(p, n)` also passes at
 * most n results, ending x at the (n+1)th; `while (cond)` passes results satisfying cond and
 * ends x at the first that does not (a null result is dropped without ending x).
 */
import type { CompiledExpr } from '../../expr/eval-frame.js';
import type { MatchState } from '../matched-events.js';
import type { TimerEntry, TimerOwner } from '../pattern-scheduler.js';
import type { PatternRuntime } from '../state-node.js';

/** What a guard ends: the guard state node. */
export interface Quitable {
  guardQuit(): void;
}

export interface Guard {
  startGuard(): void;
  stopGuard(): void;
  /** Whether the result passes; may end the guarded expression. */
  inspect(match: MatchState): boolean;
}

export class TimerWithinGuard implements Guard, TimerOwner {
  private readonly slot: number;
  timer: TimerEntry | undefined;

  constructor(
    private readonly rt: PatternRuntime,
    private readonly quitable: Quitable,
    readonly ms: number,
  ) {
    this.slot = rt.scheduler.allocateSlot();
  }

  startGuard(): void {
    this.timer = this.rt.scheduler.add(this, this.slot, this.ms);
  }

  stopGuard(): void {
    this.rt.scheduler.remove(this.timer);
    this.timer = undefined;
  }

  inspect(): boolean {
    return true;
  }

  scheduledTrigger(): void {
    this.timer = undefined;
    this.quitable.guardQuit();
  }
}

export class TimerWithinOrMaxCountGuard implements Guard, TimerOwner {
  private readonly slot: number;
  timer: TimerEntry | undefined;
  counter = 0;

  constructor(
    private readonly rt: PatternRuntime,
    private readonly quitable: Quitable,
    readonly ms: number,
    readonly maxCount: number,
  ) {
    this.slot = rt.scheduler.allocateSlot();
  }

  startGuard(): void {
    this.timer = this.rt.scheduler.add(this, this.slot, this.ms);
    this.counter = 0;
  }

  stopGuard(): void {
    this.rt.scheduler.remove(this.timer);
    this.timer = undefined;
  }

  inspect(): boolean {
    this.counter++;
    if (this.counter > this.maxCount) {
      this.quitable.guardQuit();
      this.stopGuard();
      return false;
    }
    return true;
  }

  scheduledTrigger(): void {
    this.timer = undefined;
    this.quitable.guardQuit();
  }
}

export class WhileGuard implements Guard {
  constructor(
    private readonly rt: PatternRuntime,
    private readonly quitable: Quitable,
    private readonly condition: CompiledExpr,
  ) {}

  startGuard(): void {}
  stopGuard(): void {}

  inspect(match: MatchState): boolean {
    this.rt.evalCtx.tags = match;
    const result = this.condition(EMPTY_ROW, this.rt.evalCtx);
    if (result === null || result === undefined) return false;
    if (result === true) return true;
    this.quitable.guardQuit();
    return false;
  }
}

const EMPTY_ROW: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
