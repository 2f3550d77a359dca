/**
 * The guards of `x where …` (Esper's Guard implementations), each owned by one guard state
 * node: `timer:within(p)` ends x p after it started; `timer:withinmax(p, n)` also passes at
 * most n results, ending x at the (n+1)th; `while (cond)` passes results satisfying cond and
 * ends x at the first that does not (a null result is dropped without ending x).
 */
import type { CompiledExpr } from '../../expr/eval-frame.js';
import type { MatchState } from '../matched-events.js';
import type { ScheduledOwner, TimerEntry } from '../pattern-scheduler.js';
import type { NodeReader, NodeWriter, PatternRuntime } from '../state-node.js';

/** What a guard ends: the guard state node. */
export interface Quitable {
  guardQuit(): void;
}

export interface Guard {
  startGuard(): void;
  stopGuard(): void;
  /** Whether the result passes; may end the guarded expression. */
  inspect(match: MatchState): boolean;
  save(w: NodeWriter): GuardSave;
  load(state: GuardSave, r: NodeReader): void;
}

export interface GuardSave {
  readonly slot: number;
  readonly timer: number | null;
  readonly counter: number;
}

/** A within guard's expiry: none for a period the tags left undefined (it never expires). */
function scheduleWithin(
  rt: PatternRuntime,
  owner: ScheduledOwner,
  slot: number,
  ms: number | undefined,
): TimerEntry | undefined {
  return ms === undefined ? undefined : rt.scheduler.add(owner, slot, ms);
}

export class TimerWithinGuard implements Guard, ScheduledOwner {
  private slot: number;
  timer: TimerEntry | undefined;

  constructor(
    private readonly rt: PatternRuntime,
    readonly quitable: Quitable,
    readonly ms: number | undefined,
  ) {
    this.slot = rt.scheduler.allocateSlot();
  }

  startGuard(): void {
    this.timer = scheduleWithin(this.rt, this, this.slot, this.ms);
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

  save(w: NodeWriter): GuardSave {
    return { slot: this.slot, timer: w.entry(this.timer), counter: 0 };
  }

  load(s: GuardSave, r: NodeReader): void {
    this.slot = s.slot;
    this.timer = r.entry(s.timer, this);
  }
}

export class TimerWithinOrMaxCountGuard implements Guard, ScheduledOwner {
  private slot: number;
  timer: TimerEntry | undefined;
  counter = 0;

  constructor(
    private readonly rt: PatternRuntime,
    readonly quitable: Quitable,
    readonly ms: number | undefined,
    readonly maxCount: number,
  ) {
    this.slot = rt.scheduler.allocateSlot();
  }

  startGuard(): void {
    this.timer = scheduleWithin(this.rt, this, this.slot, this.ms);
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

  save(w: NodeWriter): GuardSave {
    return { slot: this.slot, timer: w.entry(this.timer), counter: this.counter };
  }

  load(s: GuardSave, r: NodeReader): void {
    this.slot = s.slot;
    this.timer = r.entry(s.timer, this);
    this.counter = s.counter;
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

  save(): GuardSave {
    return { slot: -1, timer: null, counter: 0 };
  }

  load(): void {}
}

const EMPTY_ROW: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
