/**
 * `a -> b -> c` (Esper's EvalFollowedByStateNode): each result of child i starts an instance
 * of child i + 1 with that result as its begin state; results of the last child are passed
 * up. It turns false when its last live child does.
 */
import type { Row } from '../../common/row.js';
import type { MatchState } from '../matched-events.js';
import type { MatchFollowedByNode, PatternNode } from '../pattern-plan.js';
import {
  type Evaluator,
  type NodeReader,
  type NodeWriter,
  type PatternRuntime,
  StateNode,
} from '../state-node.js';

export class FollowedByStateNode extends StateNode implements Evaluator {
  /** Live children and their position in the sequence. */
  readonly nodes = new Map<StateNode, number>();

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchFollowedByNode,
  ) {
    super(parent, rt);
  }

  start(beginState: MatchState): void {
    const child = this.rt.newState(this.plan.children[0] as PatternNode, this);
    this.nodes.set(child, 0);
    child.start(beginState);
  }

  evaluateTrue(match: MatchState, from: StateNode, quitted: boolean, triggering: Row | null): void {
    const index = this.nodes.get(from);
    if (quitted) this.nodes.delete(from);
    // The child may have been quit by an outer node already; its late report is ignored.
    if (index === undefined) return;
    const last = this.plan.children.length - 1;
    if (index === last) {
      this.parent.evaluateTrue(match, this, this.nodes.size === 0, triggering);
      return;
    }
    const next = this.rt.newState(this.plan.children[index + 1] as PatternNode, this);
    this.nodes.set(next, index + 1);
    next.start(match);
  }

  evaluateFalse(from: StateNode): void {
    from.quit();
    this.nodes.delete(from);
    if (this.nodes.size === 0) {
      this.parent.evaluateFalse(this, true);
      this.quitInternal();
    }
  }

  quit(): void {
    if (this.nodes.size === 0) return;
    this.quitInternal();
  }

  private quitInternal(): void {
    for (const child of this.nodes.keys()) child.quit();
    this.nodes.clear();
  }

  isFilterChildNonQuitting(): boolean {
    return false;
  }

  children(): readonly StateNode[] {
    return [...this.nodes.keys()];
  }

  save(w: NodeWriter): { nodes: [number | null, number][] } {
    return { nodes: [...this.nodes].map(([n, i]) => [w.node(n), i]) };
  }

  load(s: { nodes: [number | null, number][] }, r: NodeReader): void {
    this.nodes.clear();
    for (const [id, i] of s.nodes) this.nodes.set(r.node(id) as StateNode, i);
  }
}
