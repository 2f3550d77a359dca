/**
 * `every x`: restarts x each time it turns true, and each time it turns false (Esper's
 * EvalEveryStateNode). The restarted instance starts with the begin state this node copied
 * at its own start; it is started before the result is passed up, and one that turns true
 * or false during its own start (a `not` inside) is quit at once.
 */
import type { Row } from '../../common/row.js';
import { type MatchState, copyMatch } from '../matched-events.js';
import type { MatchEveryNode } from '../pattern-plan.js';
import {
  type Evaluator,
  type NodeReader,
  type NodeWriter,
  type PatternRuntime,
  SpawnEvaluator,
  StateNode,
} from '../state-node.js';

export class EveryStateNode extends StateNode implements Evaluator {
  readonly spawned: StateNode[] = [];
  beginState: MatchState = {};

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchEveryNode,
  ) {
    super(parent, rt);
  }

  start(beginState: MatchState): void {
    this.beginState = copyMatch(beginState);
    const child = this.rt.newState(this.plan.child, this);
    this.spawned.push(child);
    const spawn = new SpawnEvaluator();
    child.parent = spawn;
    child.start(beginState);
    if (spawn.evaluatedTrue) child.quit();
    else child.parent = this;
  }

  /** A new instance of the child, started with this node's begin state. */
  private spawn(): void {
    const spawn = new SpawnEvaluator();
    const child = this.rt.newState(this.plan.child, spawn);
    child.start(this.beginState);
    if (spawn.evaluatedTrue) child.quit();
    else {
      this.spawned.push(child);
      child.parent = this;
    }
  }

  evaluateFalse(from: StateNode, restartable: boolean): void {
    from.quit();
    removeFrom(this.spawned, from);
    if (!restartable) {
      this.parent.evaluateFalse(this, false);
      return;
    }
    this.spawn();
  }

  evaluateTrue(match: MatchState, from: StateNode, quitted: boolean, triggering: Row | null): void {
    if (quitted) removeFrom(this.spawned, from);
    // A filter (or a non-restarting observer) below keeps listening: nothing to restart.
    if (!from.isFilterStateNode() && !from.isObserverStateNodeNonRestarting()) this.spawn();
    this.parent.evaluateTrue(match, this, false, triggering);
  }

  quit(): void {
    for (const child of this.spawned) child.quit();
  }

  isFilterChildNonQuitting(): boolean {
    return true;
  }

  children(): readonly StateNode[] {
    return this.spawned;
  }

  save(w: NodeWriter): { spawned: (number | null)[]; begin: number } {
    return { spawned: this.spawned.map((c) => w.node(c)), begin: w.record(this.beginState) };
  }

  load(s: { spawned: (number | null)[]; begin: number }, r: NodeReader): void {
    this.spawned.length = 0;
    for (const id of s.spawned) this.spawned.push(r.node(id) as StateNode);
    this.beginState = r.record(s.begin);
  }
}

export function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
