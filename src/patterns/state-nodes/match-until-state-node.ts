/**
 * `[n] x`, `[n:m] x until y`, `x until y` (Esper's EvalMatchUntilStateNode). The until-side
 * starts first, so an event completing both counts for the until-side only. Each result of
 * x adds its tags' events to the tag arrays; x keeps listening (a filter directly below is
 * never restarted) until the upper bound is reached, then stops while the node waits for y.
 * With equal bounds (`[n]`, `[n:n]`) the node turns true at the nth result. When y turns
 * true the node turns true if at least the lower bound was collected, false otherwise.
 *
 * The tag arrays are written into the record that carried the completing result (the
 * record y or x reported), as Esper's consolidation does: a tag that collected nothing keeps
 * whatever that record holds, null when nothing was bound.
 */
import type { Row } from '../../common/row.js';
import type { MatchState } from '../matched-events.js';
import type { MatchRepeatNode } from '../pattern-plan.js';
import {
  type Evaluator,
  type NodeReader,
  type NodeWriter,
  type PatternRuntime,
  StateNode,
} from '../state-node.js';

export class MatchUntilStateNode extends StateNode implements Evaluator {
  beginState: MatchState = {};
  /** Events collected per array tag (null until the first). */
  readonly arrays: (unknown[] | null)[];
  matcher: StateNode | null = null;
  until: StateNode | null = null;
  numMatches = 0;

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchRepeatNode,
  ) {
    super(parent, rt);
    this.arrays = plan.arrayTags.map(() => null);
  }

  start(beginState: MatchState): void {
    this.beginState = beginState;
    this.matcher = this.rt.newState(this.plan.child, this);
    if (this.plan.until !== undefined) this.until = this.rt.newState(this.plan.until, this);
    this.until?.start(beginState);
    this.matcher?.start(beginState);
  }

  private get tightlyBound(): boolean {
    const { lower, upper } = this.plan;
    return lower !== undefined && upper !== undefined && lower === upper;
  }

  evaluateTrue(match: MatchState, from: StateNode, quitted: boolean, triggering: Row | null): void {
    const isMatcher = from === this.matcher;
    if (isMatcher) {
      this.numMatches++;
      this.plan.arrayTags.forEach((tag, i) => {
        const value = match[tag];
        if (value === null || value === undefined) return;
        let list = this.arrays[i];
        if (list === null || list === undefined) {
          list = [];
          this.arrays[i] = list;
        }
        if (Array.isArray(value)) list.push(...value);
        else list.push(value);
      });
    }
    if (quitted) {
      if (isMatcher) this.matcher = null;
      else this.until = null;
    }
    const { lower, upper } = this.plan;
    if (isMatcher) {
      if (this.tightlyBound && this.numMatches === lower) {
        this.quitInternal();
        this.parent.evaluateTrue(this.consolidate(match), this, true, triggering);
        return;
      }
      const restart = upper === undefined || upper > this.numMatches;
      if (this.matcher === null) {
        if (restart) {
          this.matcher = this.rt.newState(this.plan.child, this);
          this.matcher.start(this.beginState);
        }
      } else if (!restart) {
        this.matcher.quit();
        this.matcher = null;
      }
      return;
    }
    this.quitInternal();
    const consolidated = this.consolidate(match);
    if (lower !== undefined && this.numMatches < lower) this.parent.evaluateFalse(this, true);
    else this.parent.evaluateTrue(consolidated, this, true, triggering);
  }

  /** Writes the collected arrays into `match` (in place, as Esper does) and returns it. */
  private consolidate(match: MatchState): MatchState {
    this.plan.arrayTags.forEach((tag, i) => {
      const list = this.arrays[i];
      if (list !== null && list !== undefined) match[tag] = [...list];
    });
    return match;
  }

  evaluateFalse(from: StateNode): void {
    if (from === this.matcher) {
      this.matcher.quit();
      this.matcher = null;
    } else {
      this.until?.quit();
      this.until = null;
    }
    this.parent.evaluateFalse(this, true);
  }

  quit(): void {
    if (this.matcher === null && this.until === null) return;
    this.quitInternal();
  }

  private quitInternal(): void {
    this.matcher?.quit();
    this.matcher = null;
    this.until?.quit();
    this.until = null;
  }

  isFilterChildNonQuitting(): boolean {
    return true;
  }

  children(): readonly StateNode[] {
    return [this.matcher, this.until].filter((n): n is StateNode => n !== null);
  }

  save(w: NodeWriter): MatchUntilSave {
    return {
      begin: w.record(this.beginState),
      arrays: this.arrays.map((list) => (list === null ? null : (w.value(list) as unknown[]))),
      matcher: w.node(this.matcher),
      until: w.node(this.until),
      matches: this.numMatches,
    };
  }

  load(s: MatchUntilSave, r: NodeReader): void {
    this.beginState = r.record(s.begin);
    s.arrays.forEach((list, i) => {
      this.arrays[i] = list === null ? null : (r.value(list) as unknown[]);
    });
    this.matcher = r.node(s.matcher);
    this.until = r.node(s.until);
    this.numMatches = s.matches;
  }
}

interface MatchUntilSave {
  readonly begin: number;
  readonly arrays: (unknown[] | null)[];
  readonly matcher: number | null;
  readonly until: number | null;
  readonly matches: number;
}
