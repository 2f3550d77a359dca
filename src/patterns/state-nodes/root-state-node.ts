/**
 * The pattern's root (Esper's EvalRootStateNode): every result of the top node is a match,
 * posted as a copy of its tags (later writes into the shared record do not change it); the
 * pattern ends when the top node quits on a result or turns false.
 */
import type { Row } from '../../common/row.js';
import type { MatchState } from '../matched-events.js';
import type { PatternNode } from '../pattern-plan.js';
import type { Evaluator, PatternRuntime, StateNode } from '../state-node.js';

export class RootStateNode implements Evaluator {
  top: StateNode | null = null;

  constructor(
    private readonly rt: PatternRuntime,
    private readonly node: PatternNode,
  ) {}

  start(beginState: MatchState): void {
    this.top = this.rt.newState(this.node, this);
    this.top.start(beginState);
  }

  quit(): void {
    this.top?.quit();
    this.top = null;
  }

  evaluateTrue(match: MatchState, _from: StateNode, quitted: boolean, _triggering: Row | null): void {
    if (quitted) this.top = null;
    this.rt.matchFound(match);
  }

  evaluateFalse(): void {
    this.top?.quit();
    this.top = null;
  }

  isFilterChildNonQuitting(): boolean {
    return false;
  }
}
