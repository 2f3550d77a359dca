/**
 * `a or b` (Esper's EvalOrStateNode): every result of a child is passed up; the first child
 * that quits on a result ends the others. False once every child has turned false.
 */
import type { Row } from '../../common/row.js';
import type { MatchState } from '../matched-events.js';
import type { MatchOrNode, PatternNode } from '../pattern-plan.js';
import { type Evaluator, type PatternRuntime, StateNode } from '../state-node.js';

export class OrStateNode extends StateNode implements Evaluator {
  readonly children: (StateNode | null)[];
  quitted = false;

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchOrNode,
  ) {
    super(parent, rt);
    this.children = plan.children.map(() => null);
  }

  start(beginState: MatchState): void {
    this.plan.children.forEach((child, i) => {
      this.children[i] = this.rt.newState(child as PatternNode, this);
    });
    for (const child of [...this.children]) {
      child?.start(beginState);
      if (this.quitted) break;
    }
  }

  evaluateTrue(match: MatchState, from: StateNode, quitted: boolean, triggering: Row | null): void {
    if (quitted) {
      for (let i = 0; i < this.children.length; i++) if (this.children[i] === from) this.children[i] = null;
      this.quitInternal();
    }
    this.parent.evaluateTrue(match, this, quitted, triggering);
  }

  evaluateFalse(from: StateNode): void {
    for (let i = 0; i < this.children.length; i++) if (this.children[i] === from) this.children[i] = null;
    if (this.children.every((c) => c === null)) this.parent.evaluateFalse(this, true);
  }

  quit(): void {
    this.quitInternal();
  }

  private quitInternal(): void {
    for (const child of this.children) child?.quit();
    this.children.fill(null);
    this.quitted = true;
  }

  isFilterChildNonQuitting(): boolean {
    return false;
  }
}
