/**
 * `tag=Type(filter…)`: waits for an event of the type passing the filter. Its filter values
 * (the correlation key and the tags the residual predicate reads) are taken from the begin
 * state when it starts, as Esper computes a filter's value set at start. On a match it
 * reports the begin state plus its tag, and stops listening unless its parent keeps filters
 * listening (`every`, repetition): then one filter serves every match.
 */
import type { Row } from '../../common/row.js';
import { type MatchState, copyMatch } from '../matched-events.js';
import type { MatchFilterNode } from '../pattern-plan.js';
import {
  type Evaluator,
  type LiveFilter,
  type NodeReader,
  type NodeWriter,
  type PatternRuntime,
  StateNode,
} from '../state-node.js';

interface FilterSave {
  readonly started: boolean;
  readonly begin: number;
  readonly tags: number;
  readonly key: unknown;
  readonly seq: number;
  readonly registered: boolean;
}

export class FilterStateNode extends StateNode implements LiveFilter {
  isStarted = false;
  beginState: MatchState = {};
  /** The tags the filter's expressions read, as they were at start. */
  tags: Record<string, unknown> = {};
  /** The correlation key value, when the filter has one. */
  key: unknown = undefined;
  /** Registration order: among filters an event matches, earlier ones are triggered first. */
  seq = 0;
  /** Whether the dispatch holds it (false when the cap refused it or the key is null). */
  registered = false;

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchFilterNode,
  ) {
    super(parent, rt);
  }

  start(beginState: MatchState): void {
    this.beginState = beginState;
    this.isStarted = true;
    this.rt.addFilter(this);
  }

  quit(): void {
    this.isStarted = false;
    this.rt.removeFilter(this);
  }

  /** The event passed this filter (checked by the dispatch before any match of the event is processed). */
  matchFound(event: Row): void {
    if (!this.isStarted) return;
    const passUp = copyMatch(this.beginState);
    if (this.plan.tag !== undefined) passUp[this.plan.tag] = event;
    let quitted = false;
    if (!this.parent.isFilterChildNonQuitting()) {
      this.isStarted = false;
      this.rt.removeFilter(this);
      quitted = true;
    }
    this.parent.evaluateTrue(passUp, this, quitted, event);
  }

  override isFilterStateNode(): boolean {
    return true;
  }

  children(): readonly StateNode[] {
    return [];
  }

  save(w: NodeWriter): FilterSave {
    return {
      started: this.isStarted,
      begin: w.record(this.beginState),
      tags: w.record(this.tags),
      key: w.value(this.key),
      seq: this.seq,
      registered: this.registered,
    };
  }

  /** The dispatch re-registers it afterwards (pattern-matcher.ts), in `seq` order. */
  load(s: FilterSave, r: NodeReader): void {
    this.isStarted = s.started;
    this.beginState = r.record(s.begin);
    this.tags = r.record(s.tags);
    this.key = r.value(s.key);
    this.seq = s.seq;
    this.registered = s.registered;
  }
}
