/**
 * The pattern automaton's moving parts, as Esper builds them: every operator of a running
 * pattern is a state node; a node reports to its parent (an `Evaluator`) when it turns true
 * (with the events matched so far, and whether it has quit) or permanently false. Nodes keep
 * their state in fields and hold no closures, so the state is plain data.
 *
 * Matched events travel as mutable tag records (`MatchState`), passed by reference exactly
 * where Esper passes its `MatchedEventMap` by reference and copied where Esper copies it: the
 * sharing is observable (a repetition writes its tag arrays into the record it received, and
 * `every` restarts its child with a record that may have been written that way).
 */
import type { Row } from '../common/row.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';
import type { MatchState } from './matched-events.js';
import type { MatchFilterNode, PatternNode } from './pattern-plan.js';
import type { PatternScheduler, ScheduledOwner, TimerEntry } from './pattern-scheduler.js';

export interface Evaluator {
  evaluateTrue(match: MatchState, from: StateNode, quitted: boolean, triggering: Row | null): void;
  evaluateFalse(from: StateNode, restartable: boolean): void;
  /** A filter below this evaluator keeps listening after a match (`every`, repetition). */
  isFilterChildNonQuitting(): boolean;
}

/** What state nodes need from the statement's matcher. */
export interface PatternRuntime {
  /** A state node for `node` reporting to `parent` (not started). */
  newState(node: PatternNode, parent: Evaluator): StateNode;
  readonly scheduler: PatternScheduler;
  /** The engine clock (event time). */
  now(): number;
  compile(expr: BoundExpr): CompiledExpr;
  /** Shared evaluation context; `tags` is set before each evaluation. */
  readonly evalCtx: EvalFrame & { tags: Record<string, unknown> };
  /** Registers a started filter with the event dispatch (the live-instance cap may refuse it). */
  addFilter(node: LiveFilter): void;
  removeFilter(node: LiveFilter): void;
  /** A complete match, posted to the statement. */
  matchFound(match: MatchState): void;
}

/** What the event dispatch keeps of a started filter (filter-state-node.ts). */
export interface LiveFilter {
  readonly plan: MatchFilterNode;
  readonly beginState: MatchState;
  /** The tags the filter's expressions read, as they were at start. */
  tags: Record<string, unknown>;
  /** The correlation key value, when the filter has one. */
  key: unknown;
  /** Registration order: among filters an event matches, earlier ones are triggered first. */
  seq: number;
  /** Whether the dispatch holds it (false when the cap refused it or the key is null). */
  registered: boolean;
  matchFound(event: Row): void;
}

/** How a node writes references into a pattern snapshot (pattern-snapshot.ts). */
export interface NodeWriter {
  node(n: StateNode | null): number | null;
  record(m: MatchState): number;
  entry(e: TimerEntry | undefined): number | null;
  /** A plain value (a correlation key, a distinct key) as snapshot data. */
  value(v: unknown): unknown;
}

export interface NodeReader {
  node(id: number | null): StateNode | null;
  record(id: number): MatchState;
  /** Re-queues a snapshotted timer entry for `owner`. */
  entry(id: number | null, owner: ScheduledOwner): TimerEntry | undefined;
  value(v: unknown): unknown;
}

export abstract class StateNode {
  /** The plan node this is an instance of. */
  abstract readonly plan: PatternNode;

  constructor(
    public parent: Evaluator,
    protected readonly rt: PatternRuntime,
  ) {}

  abstract start(beginState: MatchState): void;
  abstract quit(): void;
  /** The live child nodes (a snapshot walks the tree through them). */
  abstract children(): readonly StateNode[];
  /** The node's fields as snapshot data (references through `w`). */
  abstract save(w: NodeWriter): unknown;
  /** Sets the fields of a freshly built node from its snapshot data. */
  abstract load(state: unknown, r: NodeReader): void;

  isNotOperator(): boolean {
    return false;
  }
  isFilterStateNode(): boolean {
    return false;
  }
  isObserverStateNodeNonRestarting(): boolean {
    return false;
  }
}

/**
 * Stands in for `every`'s parent while a restarted child starts: a child that turns true or
 * false during its own start (a `not` inside) is quit at once instead of looping.
 */
export class SpawnEvaluator implements Evaluator {
  evaluatedTrue = false;

  evaluateTrue(): void {
    this.evaluatedTrue = true;
  }
  evaluateFalse(): void {
    this.evaluatedTrue = true;
  }
  isFilterChildNonQuitting(): boolean {
    return true;
  }
}
