/**
 * `not x` (Esper's EvalNotStateNode): true from its start (it reports its begin state at
 * once, without quitting); permanently false once x turns true and quits. An x that keeps
 * listening after a result (`not every x`) never makes it false.
 */
import type { MatchState } from '../matched-events.js';
import type { MatchNotNode } from '../pattern-plan.js';
import {
  type Evaluator,
  type NodeReader,
  type NodeWriter,
  type PatternRuntime,
  StateNode,
} from '../state-node.js';

export class NotStateNode extends StateNode implements Evaluator {
  child: StateNode | null = null;

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchNotNode,
  ) {
    super(parent, rt);
  }

  start(beginState: MatchState): void {
    this.child = this.rt.newState(this.plan.child, this);
    this.child.start(beginState);
    this.parent.evaluateTrue(beginState, this, false, null);
  }

  evaluateTrue(_match: MatchState, _from: StateNode, quitted: boolean): void {
    if (!quitted) return;
    this.child = null;
    this.parent.evaluateFalse(this, true);
  }

  evaluateFalse(): void {}

  quit(): void {
    this.child?.quit();
  }

  override isNotOperator(): boolean {
    return true;
  }

  isFilterChildNonQuitting(): boolean {
    return false;
  }

  children(): readonly StateNode[] {
    return this.child === null ? [] : [this.child];
  }

  save(w: NodeWriter): { child: number | null } {
    return { child: w.node(this.child) };
  }

  load(s: { child: number | null }, r: NodeReader): void {
    this.child = r.node(s.child);
  }
}
