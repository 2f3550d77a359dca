/**
 * `x where guard` (Esper's EvalGuardStateNode): results of x pass up when the guard lets
 * them; when the guard ends x (its time is up, its count exceeded, its condition false), the
 * node turns false. The guard is created before x starts (so a timer guard's slot precedes
 * x's timers) and started after.
 */
import type { Row } from '../../common/row.js';
import type { MatchState } from '../matched-events.js';
import { periodDelta } from '../pattern-period.js';
import type { MatchWhileNode, MatchWithinNode } from '../pattern-plan.js';
import {
  type Evaluator,
  type NodeReader,
  type NodeWriter,
  type PatternRuntime,
  StateNode,
} from '../state-node.js';
import {
  type Guard,
  type GuardSave,
  type Quitable,
  TimerWithinGuard,
  TimerWithinOrMaxCountGuard,
  WhileGuard,
} from './guards.js';

export class GuardStateNode extends StateNode implements Evaluator, Quitable {
  child: StateNode | null = null;
  guard: Guard | undefined;
  beginState: MatchState = {};

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchWithinNode | MatchWhileNode,
  ) {
    super(parent, rt);
  }

  /**
   * `ms`: the within period computed from the begin state as the guard is made (Esper's
   * TimerWithinGuardFactory.makeGuard); undefined: it never expires (a restored guard keeps
   * its timer instead).
   */
  private makeGuard(ms: number | undefined): Guard {
    const plan = this.plan;
    if (plan.kind === 'MatchWhile') return new WhileGuard(this.rt, this, this.rt.compile(plan.condition));
    return plan.maxMatches === undefined
      ? new TimerWithinGuard(this.rt, this, ms)
      : new TimerWithinOrMaxCountGuard(this.rt, this, ms, plan.maxMatches);
  }

  start(beginState: MatchState): void {
    this.beginState = beginState;
    const guard = this.makeGuard(
      this.plan.kind === 'MatchWithin' ? periodDelta(this.plan.period, beginState, this.rt) : undefined,
    );
    this.guard = guard;
    this.child = this.rt.newState(this.plan.child, this);
    this.child.start(beginState);
    guard.startGuard();
  }

  evaluateTrue(match: MatchState, _from: StateNode, quitted: boolean, triggering: Row | null): void {
    const haveQuitted = this.child === null;
    if (quitted) {
      this.child = null;
      this.guard?.stopGuard();
    }
    if (!haveQuitted && this.guard?.inspect(match) === true) {
      this.parent.evaluateTrue(match, this, quitted, triggering);
    }
  }

  evaluateFalse(): void {
    this.child = null;
    this.parent.evaluateFalse(this, true);
  }

  quit(): void {
    if (this.child === null) return;
    this.child.quit();
    this.guard?.stopGuard();
    this.child = null;
  }

  guardQuit(): void {
    // The child may have quit already (an outer guard ended first); the parent is told anyway.
    this.child?.quit();
    this.child = null;
    this.parent.evaluateFalse(this, true);
  }

  isFilterChildNonQuitting(): boolean {
    return false;
  }

  children(): readonly StateNode[] {
    return this.child === null ? [] : [this.child];
  }

  save(w: NodeWriter): { child: number | null; begin: number; guard: GuardSave | null } {
    return {
      child: w.node(this.child),
      begin: w.record(this.beginState),
      guard: this.guard?.save(w) ?? null,
    };
  }

  load(s: { child: number | null; begin: number; guard: GuardSave | null }, r: NodeReader): void {
    this.child = r.node(s.child);
    this.beginState = r.record(s.begin);
    if (s.guard === null) return;
    // A fresh guard takes a new slot: the snapshot's slot replaces it.
    const guard = this.makeGuard(undefined);
    guard.load(s.guard, r);
    this.guard = guard;
  }
}
