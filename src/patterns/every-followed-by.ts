/**
 * The correlated-alert shape `every a=A(…) -> b=B(…, k = a.x) [where timer:within(p)]`,
 * evaluated with flat wait records instead of the general automaton's state tree.
 *
 * It posts exactly what `PatternMatcher` posts for the same plan (Esper's semantics: each A
 * starts its own wait for a B; a wait ends when a B completes it or p after it started, the
 * guard's deadline firing before an event at exactly start + p), and it keeps the same
 * accounting (live instances = the waiting `every a=A` filter plus the open waits, the same
 * cap checks in the same order). What it drops is the cost per partial match: there a
 * followed-by child, a guard with its engine timer and closures and a filter instance with
 * its closure; here one record of five fields, one slot in its key's wait list and one in
 * the guard's deadline FIFO, checked by a single engine timer.
 *
 * The second filter's conditions that read only the event (`ok = true`) are tested once per
 * event, before its waits are looked up; those that read tags (`v > a.v`) once per wait.
 * A filter passes when all its conjuncts are true, so the split changes no result; it only
 * spares the lookup for events that can complete no wait, and `examined` counts the waits
 * tested after that first check (the general matcher counts them before it).
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { Timer, TimerOwner, TimerState } from '../common/timers.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';
import { forEachExpr } from '../expr/map-expr.js';
import { splitConjuncts } from '../expr/simplify-expr.js';
import { DeadlineQueue } from './deadline-queue.js';
import { filterDepth } from './filter-depth.js';
import type { MatchState, PatternContext } from './pattern-matcher.js';
import type { MatchFilterNode, PatternPlan } from './pattern-plan.js';

/** The plan nodes of the shape. */
export interface EveryFollowedByShape {
  readonly first: MatchFilterNode;
  readonly second: MatchFilterNode;
  /** The `timer:within` period guarding the second filter, if any. */
  readonly withinMs: number | undefined;
}

/** The shape's nodes, or undefined when the plan is anything else. */
export function everyFollowedByShape(plan: PatternPlan): EveryFollowedByShape | undefined {
  const root = plan.root;
  if (root.kind !== 'MatchFollowedBy' || root.children.length !== 2) return undefined;
  const [every, next] = root.children;
  if (every?.kind !== 'MatchEvery' || every.child.kind !== 'MatchFilter') return undefined;
  const first = every.child;
  if (next?.kind === 'MatchFilter') return { first, second: next, withinMs: undefined };
  // withinmax counts matches per guard instance; only the plain guard is handled here.
  if (
    next?.kind === 'MatchWithin' &&
    next.maxMatches === undefined &&
    next.period.kind === 'FixedPeriod' &&
    next.period.ms > 0 &&
    next.child.kind === 'MatchFilter'
  ) {
    return { first, second: next.child, withinMs: next.period.ms };
  }
  return undefined;
}

/**
 * One partial match: an A waiting for its B, in the wait list of its key. A list holds
 * exactly its key's live waits, in start order, and is dropped with its key when it empties:
 * completed waits leave it at once (the B that completes them walks the list anyway), and
 * an expiring wait is always the list's first (deadlines follow start order), so it leaves
 * with a shift. Only the deadline FIFO keeps finished waits, marked, until they come out.
 */
interface Wait {
  /** The event bound to the first tag. */
  readonly first: Row;
  readonly key: unknown;
  readonly list: Wait[];
  active: boolean;
}

const EMPTY_ROW: Row = Object.freeze({}) as Row;

/**
 * The flat evaluator's snapshot, as parallel arrays (no record per wait). With a guard every
 * wait is in its deadline FIFO, in start order, and the key lists are the FIFO's live waits
 * grouped by key (a list keeps start order), so the FIFO alone rebuilds them. Without a
 * guard the FIFO is empty and the lists are written as they are.
 */
export interface EveryFollowedByState {
  /**
   * The guard's FIFO: each wait's deadline, its first event's id (-1: finished, nothing reads
   * it again) and its key (null when read from the first event, `a.user`, on restore).
   */
  readonly deadlines: Float64Array;
  readonly fifoEvents: Int32Array;
  readonly fifoKeys: unknown[];
  /** Without a guard: the live waits per key (keys in map order, wait counts, first events in start order), and those without a key. */
  readonly listKeys: unknown[];
  readonly listCounts: Int32Array;
  readonly listEvents: Int32Array;
  readonly plainEvents: Int32Array;
  readonly firstActive: boolean;
  readonly timer: TimerState | null;
  /** live, capReached, examined. */
  readonly counters: number[];
}

/** Stands for every finished wait still queued in a restored FIFO (only `active` is read). */
const FINISHED: Wait = Object.freeze({ first: EMPTY_ROW, key: undefined, list: [], active: false }) as Wait;

/** The one engine timer's tag: the earliest deadline. */
const DEADLINE = 0;

export class EveryFollowedByMatcher implements TimerOwner, Stateful<EveryFollowedByState> {
  private readonly firstPredicate: CompiledExpr | undefined;
  /** The second filter's conjuncts that read only the event, and those that read tags. */
  private readonly secondEventPredicate: CompiledExpr | undefined;
  private readonly secondTagPredicate: CompiledExpr | undefined;
  private readonly keyOf: CompiledExpr | undefined;
  /** Set when the key is a property of the first tag's event (`a.user`): read without the expression. */
  private readonly keyOfFirst: string | number | undefined;
  private readonly keyProperty: string | undefined;
  private readonly byKey = new Map<unknown, Wait[]>();
  private readonly plain: Wait[] = [];
  private readonly deadlines = new DeadlineQueue<Wait>();
  /** Tags seen by expressions: reused, the first tag set to the wait's event before each call. */
  private readonly tags: Record<string, unknown> = {};
  private readonly evalCtx: EvalFrame & { tags: Record<string, unknown> };
  private readonly match: (first: Row, second: Row) => MatchState;
  private firstActive = false;
  /** The deadline timer (kept after firing for reuse). */
  private timer: Timer | undefined;
  /** The wait the current event started, if any: that same event may not complete it. */
  private startedNow: Wait | undefined;
  private live = 0;
  private capReached = 0;
  private examined = 0;
  /** Whether the second filter's waits are triggered before the first filter (they are deeper). */
  private readonly secondFirst: boolean;

  constructor(
    private readonly shape: EveryFollowedByShape,
    private readonly ctx: PatternContext,
  ) {
    const { first, second } = shape;
    this.firstPredicate = first.predicate === undefined ? undefined : ctx.compile(first.predicate);
    const split = splitByTags(second.predicate);
    this.secondEventPredicate = split.event === undefined ? undefined : ctx.compile(split.event);
    this.secondTagPredicate = split.tags === undefined ? undefined : ctx.compile(split.tags);
    const tagSide = second.correlation?.tagSide;
    this.keyOf = tagSide === undefined ? undefined : ctx.compile(tagSide);
    this.keyOfFirst =
      tagSide?.kind === 'TagProp' && tagSide.tag === first.tag && tagSide.path.length === 1
        ? tagSide.path[0]
        : undefined;
    this.keyProperty = second.correlation?.property;
    if (first.tag !== undefined) this.tags[first.tag] = undefined;
    this.evalCtx = { aggValues: [], prev: () => undefined, prior: () => undefined, tags: this.tags };
    this.match = matchBuilder(first.tag, second.tag);
    this.secondFirst = filterDepth(second) > filterDepth(first);
  }

  stats(): { liveInstances: number; capReached: number; examined: number } {
    return { liveInstances: this.live, capReached: this.capReached, examined: this.examined };
  }

  start(): void {
    this.startFirst();
  }

  onEvent(stream: string, event: Row): void {
    const { first, second } = this.shape;
    if (stream !== first.stream && stream !== second.stream) return;
    this.startedNow = undefined;
    // The general matcher triggers deeper filters first, then in start order (the first
    // filter started before any wait).
    if (this.secondFirst) {
      if (stream === second.stream) this.onSecond(event);
      if (stream === first.stream && this.firstActive) this.onFirst(event);
    } else {
      if (stream === first.stream && this.firstActive) this.onFirst(event);
      if (stream === second.stream) this.onSecond(event);
    }
  }

  /** `every` starts the first filter: one instance, counted live, subject to the cap. */
  private startFirst(): void {
    if (this.live >= this.ctx.maxLiveInstances) {
      this.capped();
      this.firstActive = false;
      return;
    }
    this.firstActive = true;
    this.live++;
  }

  /** `every` keeps its filter listening: a match starts a wait and the filter stays. */
  private onFirst(event: Row): void {
    this.examined++;
    if (this.firstPredicate !== undefined) {
      this.setFirstTag(undefined);
      if (this.firstPredicate(event, this.evalCtx) !== true) return;
    }
    this.startWait(event);
  }

  private startWait(first: Row): void {
    if (this.live >= this.ctx.maxLiveInstances) {
      this.capped();
      return;
    }
    let list = this.plain;
    let key: unknown;
    if (this.keyOf !== undefined) {
      key = this.keyOfFirst !== undefined ? first[this.keyOfFirst] : this.evalKey(first);
      // An equality with null is never true: such a wait could never complete.
      if (key === null || key === undefined) return;
      const found = this.byKey.get(key);
      if (found === undefined) {
        list = [];
        this.byKey.set(key, list);
      } else list = found;
    }
    const wait: Wait = { first, key, list, active: true };
    list.push(wait);
    this.startedNow = wait;
    this.live++;
    if (this.shape.withinMs !== undefined) {
      this.deadlines.push(this.ctx.timers.now() + this.shape.withinMs, wait);
      this.arm();
    }
  }

  private evalKey(first: Row): unknown {
    this.setFirstTag(first);
    return (this.keyOf as CompiledExpr)(EMPTY_ROW, this.evalCtx);
  }

  private onSecond(event: Row): void {
    if (this.secondEventPredicate !== undefined) {
      this.setFirstTag(undefined);
      if (this.secondEventPredicate(event, this.evalCtx) !== true) return;
    }
    const key = this.keyProperty === undefined ? undefined : event[this.keyProperty];
    const list = this.keyProperty === undefined ? this.plain : this.byKey.get(key);
    if (list === undefined) return;
    // Completed waits are dropped in place; the rest keep their start order.
    let kept = 0;
    let headCompleted = false;
    const head = this.deadlines.headItem();
    for (let i = 0; i < list.length; i++) {
      const wait = list[i] as Wait;
      if (wait !== this.startedNow && this.completes(wait, event)) {
        wait.active = false;
        this.live--;
        this.ctx.emit(this.match(wait.first, event));
        if (wait === head) headCompleted = true;
        continue;
      }
      list[kept++] = wait;
    }
    list.length = kept;
    if (kept === 0 && list !== this.plain) this.byKey.delete(key);
    if (headCompleted) this.dropFinishedHead();
  }

  /**
   * Completed waits at the FIFO's head leave it now rather than at their deadline, so a key
   * whose waits complete quickly (one busy user) does not keep minutes of finished waits and
   * their events alive. The head is then live, so only completing it triggers this.
   */
  private dropFinishedHead(): void {
    while (this.deadlines.headItem()?.active === false) this.deadlines.shift();
  }

  private completes(wait: Wait, event: Row): boolean {
    this.examined++;
    if (this.secondTagPredicate === undefined) return true;
    this.setFirstTag(wait.first);
    return this.secondTagPredicate(event, this.evalCtx) === true;
  }

  /** The guard's end of a live wait: the wait turns false, and nothing is posted. */
  private expireWait(wait: Wait): void {
    wait.active = false;
    this.live--;
    const list = wait.list;
    if (list[0] === wait) list.shift();
    else list.splice(list.indexOf(wait), 1);
    if (list.length === 0 && list !== this.plain) this.byKey.delete(wait.key);
  }

  /** One engine timer at a time, due at the earliest deadline of a live wait. */
  private arm(): void {
    if (this.timer?.live === true) return;
    this.dropFinishedHead();
    const due = this.deadlines.headDeadline();
    if (due === undefined) return;
    this.timer = this.ctx.timers.schedule(this, DEADLINE, due, this.timer);
  }

  /** The guard ends every wait due by now (they turn false: nothing is posted). */
  onTimer(_tag: number, due: number): void {
    for (let at = this.deadlines.headDeadline(); at !== undefined && at <= due; ) {
      const wait = this.deadlines.shift() as Wait;
      if (wait.active) this.expireWait(wait);
      at = this.deadlines.headDeadline();
    }
    this.arm();
  }

  private setFirstTag(first: Row | undefined): void {
    const tag = this.shape.first.tag;
    if (tag !== undefined) this.tags[tag] = first;
  }

  private capped(): void {
    this.capReached++;
    this.ctx.onCapReached();
  }

  snapshot(w: StateWriter): EveryFollowedByState {
    const n = this.deadlines.size;
    const deadlines = new Float64Array(n);
    const fifoEvents = new Int32Array(n);
    const fifoKeys = new Array<unknown>(n);
    let i = 0;
    let fifoLive = 0;
    this.deadlines.forEach((deadline, wait) => {
      deadlines[i] = deadline;
      fifoEvents[i] = wait.active ? w.event(wait.first) : -1;
      // A key read from the first event (`a.user`) is read again on restore: not written twice.
      fifoKeys[i] = wait.active && wait.key !== undefined && this.keyOfFirst === undefined ? wait.key : null;
      if (wait.active) fifoLive++;
      i++;
    });
    const listKeys: unknown[] = [];
    const counts: number[] = [];
    const events: number[] = [];
    let listed = this.plain.length;
    for (const list of this.byKey.values()) listed += list.length;
    if (n > 0) {
      // Every live wait is queued: the FIFO holds the lists.
      if (listed !== fifoLive) throw new Error(`${listed} waiting partial matches but ${fifoLive} queued`);
    } else {
      for (const [key, list] of this.byKey) {
        listKeys.push(key);
        counts.push(list.length);
        for (const wait of list) events.push(w.event(wait.first));
      }
    }
    return {
      deadlines,
      fifoEvents,
      fifoKeys,
      listKeys,
      listCounts: Int32Array.from(counts),
      listEvents: Int32Array.from(events),
      plainEvents: n > 0 ? new Int32Array(0) : Int32Array.from(this.plain, (wait) => w.event(wait.first)),
      firstActive: this.firstActive,
      timer: w.timer(this.timer),
      counters: [this.live, this.capReached, this.examined],
    };
  }

  restore(state: EveryFollowedByState, r: StateReader): void {
    const { deadlines, fifoEvents, fifoKeys, listKeys, listCounts, listEvents, plainEvents } = state;
    const n = deadlines.length;
    if (fifoEvents.length !== n || fifoKeys.length !== n) throw new Error('the deadline queue is malformed');
    const items = new Array<Wait>(n);
    for (let i = 0; i < n; i++) {
      const id = fifoEvents[i] as number;
      if (id < 0) {
        items[i] = FINISHED;
        continue;
      }
      const first = r.event(id);
      items[i] = this.restoreWait(
        first,
        this.keyOfFirst === undefined ? fifoKeys[i] : first[this.keyOfFirst],
      );
    }
    this.deadlines.restore(Array.from(deadlines), items);
    let at = 0;
    listKeys.forEach((key, k) => {
      const count = listCounts[k] as number;
      for (let j = 0; j < count; j++) this.restoreWait(r.event(listEvents[at++] as number), key);
    });
    for (const id of plainEvents) this.restoreWait(r.event(id), null);
    this.firstActive = state.firstActive;
    this.timer = r.timer(this, state.timer);
    [this.live, this.capReached, this.examined] = state.counters as [number, number, number];
  }

  /** A live wait back in its key's list (appended: restored in start order). */
  private restoreWait(first: Row, key: unknown): Wait {
    let list = this.plain;
    if (this.keyOf !== undefined && key !== null && key !== undefined) {
      const found = this.byKey.get(key);
      if (found === undefined) {
        list = [];
        this.byKey.set(key, list);
      } else list = found;
    }
    const wait: Wait = { first, key: list === this.plain ? undefined : key, list, active: true };
    list.push(wait);
    return wait;
  }

  stop(): void {
    this.ctx.timers.cancel(this.timer);
    this.timer = undefined;
    this.byKey.clear();
    this.plain.length = 0;
    this.deadlines.clear();
    this.firstActive = false;
  }
}

/** A filter's residual predicate as (conjuncts reading only the event, conjuncts reading tags). */
function splitByTags(predicate: BoundExpr | undefined): {
  event: BoundExpr | undefined;
  tags: BoundExpr | undefined;
} {
  const event: BoundExpr[] = [];
  const tags: BoundExpr[] = [];
  for (const c of predicate === undefined ? [] : splitConjuncts(predicate)) {
    let readsTags = false;
    forEachExpr(c, (x) => {
      if (x.kind === 'TagProp') readsTags = true;
    });
    (readsTags ? tags : event).push(c);
  }
  return { event: conjunction(event), tags: conjunction(tags) };
}

function conjunction(operands: BoundExpr[]): BoundExpr | undefined {
  if (operands.length <= 1) return operands[0];
  return { kind: 'Logic', op: 'and', operands, type: 'boolean' };
}

/** Builds match rows of one fixed shape (`{a, b}`), so consumers see a single hidden class. */
function matchBuilder(
  firstTag: string | undefined,
  secondTag: string | undefined,
): (a: Row, b: Row) => MatchState {
  const fields = [
    ...(firstTag === undefined ? [] : [`${JSON.stringify(firstTag)}: a`]),
    ...(secondTag === undefined ? [] : [`${JSON.stringify(secondTag)}: b`]),
  ];
  return new Function('a', 'b', `return { ${fields.join(', ')} };`) as (a: Row, b: Row) => MatchState;
}
