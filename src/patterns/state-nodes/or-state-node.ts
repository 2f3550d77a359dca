/**
 * `a or b` (Esper's EvalOrStateNode): every result of a child is passed up; the first child
 * that quits on a result ends the others. False once every child has turned false.
 */
import type { Row } from '../../common/row.js';
import type { MatchState } from '../matched-events.js';
import type { MatchOrNode, PatternNode } from '../pattern-plan.js';
import {
  type Evaluator,
  type NodeReader,
  type NodeWriter,
  type PatternRuntime,
  StateNode,
} from '../state-node.js';

export class OrStateNode extends StateNode implements Evaluator {
  readonly childNodes: (StateNode | null)[];
  quitted = false;

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchOrNode,
  ) {
    super(parent, rt);
    this.childNodes = plan.children.map(() => null);
  }

  start(beginState: MatchState): void {
    this.plan.children.forEach((child, i) => {
      this.childNodes[i] = this.rt.newState(child as PatternNode, this);
    });
    for (const child of [...this.childNodes]) {
      child?.start(beginState);
      if (this.quitted) break;
    }
  }

  evaluateTrue(match: MatchState, from: StateNode, quitted: boolean, triggering: Row | null): void {
    if (quitted) {
      for (let i = 0; i < this.childNodes.length; i++)
        if (this.childNodes[i] === from) this.childNodes[i] = null;
      this.quitInternal();
    }
    this.parent.evaluateTrue(match, this, quitted, triggering);
  }

  evaluateFalse(from: StateNode): void {
    for (let i = 0; i < this.childNodes.length; i++)
      if (this.childNodes[i] === from) this.childNodes[i] = null;
    if (this.childNodes.every((c) => c === null)) this.parent.evaluateFalse(this, true);
  }

  quit(): void {
    this.quitInternal();
  }

  private quitInternal(): void {
    for (const child of this.childNodes) child?.quit();
    this.childNodes.fill(null);
    this.quitted = true;
  }

  isFilterChildNonQuitting(): boolean {
    return false;
  }

  children(): readonly StateNode[] {
    return this.childNodes.filter((n): n is StateNode => n !== null);
  }

  save(w: NodeWriter): { children: (number | null)[]; quitted: boolean } {
    return { children: this.childNodes.map((n) => w.node(n)), quitted: this.quitted };
  }

  load(s: { children: (number | null)[]; quitted: boolean }, r: NodeReader): void {
    s.children.forEach((id, i) => {
      this.childNodes[i] = r.node(id);
    });
    this.quitted = s.quitted;
  }
}
