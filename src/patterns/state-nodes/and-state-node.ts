/**
 * `a and b` (Esper's EvalAndStateNode): true once every child has been true; each new result
 * of a child is combined with every result kept from the others (the triggering result
 * copied, the others merged into it). Results are kept while the other children may still
 * produce; the node quits when every child that is not a `not` has quit. A child turning
 * false makes the whole node false.
 */
import type { Row } from '../../common/row.js';
import { type MatchState, copyMatch, mergeMatch } from '../matched-events.js';
import type { MatchAndNode, PatternNode } from '../pattern-plan.js';
import {
  type Evaluator,
  type NodeReader,
  type NodeWriter,
  type PatternRuntime,
  StateNode,
} from '../state-node.js';

export class AndStateNode extends StateNode implements Evaluator {
  readonly active: (StateNode | null)[];
  /** Results per child (null: none yet); null once the node has quit. */
  eventsPerChild: (MatchState[] | null)[] | null;

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchAndNode,
  ) {
    super(parent, rt);
    this.active = plan.children.map(() => null);
    this.eventsPerChild = plan.children.map(() => null);
  }

  start(beginState: MatchState): void {
    this.plan.children.forEach((child, i) => {
      this.active[i] = this.rt.newState(child as PatternNode, this);
    });
    for (let i = 0; i < this.active.length; i++) this.active[i]?.start(beginState);
  }

  evaluateTrue(match: MatchState, from: StateNode, quitted: boolean, triggering: Row | null): void {
    let indexFrom = -1;
    for (let i = 0; i < this.active.length; i++) if (this.active[i] === from) indexFrom = i;
    if (quitted && indexFrom >= 0) this.active[indexFrom] = null;
    const events = this.eventsPerChild;
    if (events === null || indexFrom < 0) return;
    for (let i = 0; i < events.length; i++) {
      if (i !== indexFrom && events[i] === null) {
        addMatch(events, indexFrom, match);
        return;
      }
    }
    let allOthersQuit = true;
    let hasActive = false;
    for (let i = 0; i < events.length; i++) {
      if (this.active[i] !== null) {
        hasActive = true;
        if (i !== indexFrom) allOthersQuit = false;
      }
    }
    if (!allOthersQuit) addMatch(events, indexFrom, match);
    const results = combine(match, events, indexFrom);
    // Quitting once every child that is not a `not` has quit: a `not` only waits to turn false.
    let quit = true;
    if (hasActive) {
      for (const node of this.active) if (node !== null && !node.isNotOperator()) quit = false;
    }
    if (quit) this.quitInternal();
    for (const r of results) this.parent.evaluateTrue(r, this, quit, triggering);
  }

  evaluateFalse(from: StateNode, restartable: boolean): void {
    let indexFrom = -1;
    for (let i = 0; i < this.active.length; i++) {
      if (this.active[i] === from) {
        this.active[i] = null;
        indexFrom = i;
      }
    }
    if (indexFrom >= 0 && this.eventsPerChild !== null) this.eventsPerChild[indexFrom] = null;
    this.quitInternal();
    this.parent.evaluateFalse(this, restartable);
  }

  quit(): void {
    if (this.eventsPerChild === null) return;
    this.quitInternal();
  }

  private quitInternal(): void {
    for (const node of this.active) node?.quit();
    this.active.fill(null);
    this.eventsPerChild = null;
  }

  isFilterChildNonQuitting(): boolean {
    return false;
  }

  children(): readonly StateNode[] {
    return this.active.filter((n): n is StateNode => n !== null);
  }

  save(w: NodeWriter): { active: (number | null)[]; events: (number[] | null)[] | null } {
    return {
      active: this.active.map((n) => w.node(n)),
      events: this.eventsPerChild?.map((list) => list?.map((m) => w.record(m)) ?? null) ?? null,
    };
  }

  load(s: { active: (number | null)[]; events: (number[] | null)[] | null }, r: NodeReader): void {
    s.active.forEach((id, i) => {
      this.active[i] = r.node(id);
    });
    this.eventsPerChild = s.events?.map((list) => list?.map((id) => r.record(id)) ?? null) ?? null;
  }
}

function addMatch(events: (MatchState[] | null)[], index: number, match: MatchState): void {
  const list = events[index];
  if (list === null || list === undefined) events[index] = [match];
  else list.push(match);
}

/** Every combination of `match` with one kept result of each other child, in child order. */
function combine(match: MatchState, events: (MatchState[] | null)[], indexFrom: number): MatchState[] {
  const lists: MatchState[][] = [];
  for (let i = 0; i < events.length; i++) {
    const list = events[i];
    if (i !== indexFrom && list !== null && list !== undefined) lists.push(list);
  }
  if (lists.length === 0) return [];
  // Level by level rather than recursively (an `and` of thousands of operands must not
  // exhaust the stack); the order is the same: by the first list's result, then the next's.
  let partial = [match];
  for (const list of lists) {
    const next: MatchState[] = [];
    for (const current of partial) {
      for (const other of list) {
        const merged = copyMatch(current);
        mergeMatch(merged, other);
        next.push(merged);
      }
    }
    partial = next;
  }
  return partial;
}
