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
import type { BoundExpr, CompiledExpr, EvalContext } from '../plan/expr.js';
import { forEachExpr } from '../plan/map-expr.js';
import { splitConjuncts } from '../plan/simplify-expr.js';
import { DeadlineQueue } from './deadline-queue.js';
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
  if (next?.kind === 'MatchWithin' && next.maxMatches === undefined && next.child.kind === 'MatchFilter') {
    return { first, second: next.child, withinMs: next.ms };
  }
  return undefined;
}

/** The open waits of one correlation key, in start order; dead ones are counted, not removed. */
interface WaitList {
  items: Wait[];
  dead: number;
}

/** One partial match: an A waiting for its B. */
interface Wait {
  /** The event bound to the first tag. */
  readonly first: Row;
  readonly key: unknown;
  readonly list: WaitList;
  /** The dispatch that started it: that same event may not complete it. */
  readonly seq: number;
  active: boolean;
}

const EMPTY_ROW: Row = Object.freeze({}) as Row;

/** Compacts a wait list once dead records dominate, keeping start order. */
const COMPACT_MIN_DEAD = 16;

export class EveryFollowedByMatcher {
  private readonly firstPredicate: CompiledExpr | undefined;
  /** The second filter's conjuncts that read only the event, and those that read tags. */
  private readonly secondEventPredicate: CompiledExpr | undefined;
  private readonly secondTagPredicate: CompiledExpr | undefined;
  private readonly keyOf: CompiledExpr | undefined;
  private readonly keyProperty: string | undefined;
  private readonly byKey = new Map<unknown, WaitList>();
  private readonly plain: WaitList = { items: [], dead: 0 };
  private readonly deadlines = new DeadlineQueue<Wait>();
  /** Tags seen by expressions: reused, the first tag set to the wait's event before each call. */
  private readonly tags: Record<string, unknown> = {};
  private readonly evalCtx: EvalContext & { tags: Record<string, unknown> };
  private readonly expire = (due: number) => this.onDeadline(due);
  private readonly match: (first: Row, second: Row) => MatchState;
  private firstActive = false;
  private armed = false;
  private pending: MatchState[] = [];
  private dispatch = 0;
  private live = 0;
  private capReached = 0;
  private examined = 0;

  constructor(
    private readonly shape: EveryFollowedByShape,
    private readonly ctx: PatternContext,
  ) {
    const { first, second } = shape;
    this.firstPredicate = first.predicate === undefined ? undefined : ctx.compile(first.predicate);
    const split = splitByTags(second.predicate);
    this.secondEventPredicate = split.event === undefined ? undefined : ctx.compile(split.event);
    this.secondTagPredicate = split.tags === undefined ? undefined : ctx.compile(split.tags);
    this.keyOf = second.correlation === undefined ? undefined : ctx.compile(second.correlation.tagSide);
    this.keyProperty = second.correlation?.property;
    if (first.tag !== undefined) this.tags[first.tag] = undefined;
    this.evalCtx = { aggValues: [], prev: () => undefined, prior: () => undefined, tags: this.tags };
    this.match = matchBuilder(first.tag, second.tag);
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
    const seq = ++this.dispatch;
    // The general matcher tests filters in plan order: the first filter, then the second.
    if (stream === first.stream && this.firstActive) this.onFirst(event);
    if (stream === second.stream) this.onSecond(event, seq);
    if (this.pending.length === 0) return;
    const matches = this.pending;
    this.pending = [];
    this.ctx.emit(matches);
  }

  /** `every` re-arms the first filter: one instance, counted live, subject to the cap. */
  private startFirst(): void {
    if (this.live >= this.ctx.maxLiveInstances) {
      this.capped();
      this.firstActive = false;
      return;
    }
    this.firstActive = true;
    this.live++;
  }

  private onFirst(event: Row): void {
    this.examined++;
    if (this.firstPredicate !== undefined) {
      this.setFirstTag(undefined);
      if (this.firstPredicate(event, this.evalCtx) !== true) return;
    }
    this.live--;
    this.startFirst();
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
      this.setFirstTag(first);
      key = this.keyOf(EMPTY_ROW, this.evalCtx);
      // An equality with null is never true: such a wait could never complete.
      if (key === null || key === undefined) return;
      const found = this.byKey.get(key);
      if (found === undefined) {
        list = { items: [], dead: 0 };
        this.byKey.set(key, list);
      } else list = found;
    }
    const wait: Wait = { first, key, list, seq: this.dispatch, active: true };
    list.items.push(wait);
    this.live++;
    if (this.shape.withinMs !== undefined) {
      this.deadlines.push(this.ctx.now() + this.shape.withinMs, wait);
      this.arm();
    }
  }

  private onSecond(event: Row, seq: number): void {
    if (this.secondEventPredicate !== undefined) {
      this.setFirstTag(undefined);
      if (this.secondEventPredicate(event, this.evalCtx) !== true) return;
    }
    const list = this.keyProperty === undefined ? this.plain : this.byKey.get(event[this.keyProperty]);
    if (list === undefined) return;
    // Waits started by this very event are skipped (seq), and those it appends lie past `n`.
    const items = list.items;
    const n = items.length;
    for (let i = 0; i < n; i++) {
      const wait = items[i] as Wait;
      if (!wait.active || wait.seq === seq) continue;
      this.examined++;
      if (this.secondTagPredicate !== undefined) {
        this.setFirstTag(wait.first);
        if (this.secondTagPredicate(event, this.evalCtx) !== true) continue;
      }
      this.end(wait);
      this.pending.push(this.match(wait.first, event));
    }
  }

  private end(wait: Wait): void {
    wait.active = false;
    this.live--;
    const list = wait.list;
    list.dead++;
    if (list.dead === list.items.length) {
      if (list === this.plain) {
        list.items = [];
        list.dead = 0;
      } else this.byKey.delete(wait.key);
    } else if (list.dead > COMPACT_MIN_DEAD && list.dead * 2 > list.items.length) {
      list.items = list.items.filter((w) => w.active);
      list.dead = 0;
    }
  }

  /** One engine timer at a time, due at the earliest deadline of a live wait. */
  private arm(): void {
    if (this.armed) return;
    while (this.deadlines.headItem()?.active === false) this.deadlines.shift();
    const due = this.deadlines.headDeadline();
    if (due === undefined) return;
    this.armed = true;
    this.ctx.schedule(due, this.expire);
  }

  /** The guard ends every wait due by now (they turn false: nothing is posted). */
  private onDeadline(due: number): void {
    this.armed = false;
    for (let at = this.deadlines.headDeadline(); at !== undefined && at <= due; ) {
      const wait = this.deadlines.shift() as Wait;
      if (wait.active) this.end(wait);
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
