/**
 * `timer:interval(p)` and `timer:at(…)` (Esper's EvalObserverStateNode with its timer
 * observers): true once, when the timer fires, reporting the begin state it received (the
 * same record, not a copy). The observer's schedule slot is taken when it starts.
 */
import { nextCronTime } from '../crontab.js';
import type { MatchState } from '../matched-events.js';
import { periodDelta } from '../pattern-period.js';
import type { MatchAtNode, MatchIntervalNode } from '../pattern-plan.js';
import type { ScheduledOwner, TimerEntry } from '../pattern-scheduler.js';
import {
  type Evaluator,
  type NodeReader,
  type NodeWriter,
  type PatternRuntime,
  StateNode,
} from '../state-node.js';

export class ObserverStateNode extends StateNode implements ScheduledOwner {
  beginState: MatchState = {};
  timer: TimerEntry | undefined;

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchIntervalNode | MatchAtNode,
  ) {
    super(parent, rt);
  }

  start(beginState: MatchState): void {
    this.beginState = beginState;
    const slot = this.rt.scheduler.allocateSlot();
    const now = this.rt.now();
    if (this.plan.kind === 'MatchAt') {
      const delta = nextCronTime(now, this.plan.fields) - now;
      // A crontab that never matches again never fires.
      if (Number.isFinite(delta)) this.timer = this.rt.scheduler.add(this, slot, delta);
      return;
    }
    const delta = periodDelta(this.plan.period, beginState, this.rt);
    // A period the tags left undefined (null, counted by periodDelta) or an infinite one
    // (1e309 sec) never fires.
    if (delta !== undefined && Number.isFinite(delta)) this.timer = this.rt.scheduler.add(this, slot, delta);
  }

  quit(): void {
    this.rt.scheduler.remove(this.timer);
    this.timer = undefined;
  }

  scheduledTrigger(): void {
    this.timer = undefined;
    this.parent.evaluateTrue(this.beginState, this, true, null);
  }

  children(): readonly StateNode[] {
    return [];
  }

  save(w: NodeWriter): { begin: number; timer: number | null } {
    return { begin: w.record(this.beginState), timer: w.entry(this.timer) };
  }

  load(s: { begin: number; timer: number | null }, r: NodeReader): void {
    this.beginState = r.record(s.begin);
    this.timer = r.entry(s.timer, this);
  }
}
