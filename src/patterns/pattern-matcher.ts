/**
 * The pattern automaton of one statement, evaluated as Esper evaluates it (the state nodes
 * in state-nodes/ mirror Esper's EvalXxxStateNode classes): the root instance starts when
 * the statement starts; each event goes to the live filters of its type, each timer to its
 * owner, and every complete match is posted to the statement as it is found. The statement's
 * output delivers all matches of one event, or of one time instant, in one listener call.
 *
 * Live filters are indexed per filter by their correlation key (`b=B(user = a.user)` waits
 * under the value of a.user), so an arriving event finds its candidates with one hash lookup.
 * All filters an event passes are collected before any is processed (a filter started while
 * the event is processed does not see it; one ended meanwhile ignores it), deeper filters
 * first, then in the order they started (filter-depth.ts).
 */
import { assertNever } from '../common/assert-never.js';
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { TimerService, TimerState } from '../common/timers.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';
import { filterDepth } from './filter-depth.js';
import { type MatchState, copyMatch } from './matched-events.js';
import { type MatchFilterNode, type PatternNode, type PatternPlan, childrenOf } from './pattern-plan.js';
import { PatternScheduler, type ScheduledOwner } from './pattern-scheduler.js';
import { type TreeData, TreeReader, TreeWriter, timeFreeKey } from './pattern-snapshot.js';
import { SMALL_STATE, SilentPeriodSkipper, isTimeShiftInvariant } from './silent-period.js';
import {
  type Evaluator,
  type LiveFilter,
  type PatternRuntime,
  SpawnEvaluator,
  StateNode,
} from './state-node.js';
import { AndStateNode } from './state-nodes/and-state-node.js';
import { EveryDistinctStateNode } from './state-nodes/every-distinct-state-node.js';
import { EveryStateNode } from './state-nodes/every-state-node.js';
import { FilterStateNode } from './state-nodes/filter-state-node.js';
import { FollowedByStateNode } from './state-nodes/followed-by-state-node.js';
import { GuardStateNode } from './state-nodes/guard-state-node.js';
import { MatchUntilStateNode } from './state-nodes/match-until-state-node.js';
import { NotStateNode } from './state-nodes/not-state-node.js';
import { ObserverStateNode } from './state-nodes/observer-state-node.js';
import { OrStateNode } from './state-nodes/or-state-node.js';
import { RootStateNode } from './state-nodes/root-state-node.js';

export type { MatchState } from './matched-events.js';

export interface PatternContext {
  /** Event time and the engine timers (owner/tag, common/timers.ts). */
  readonly timers: TimerService;
  compile(expr: BoundExpr): CompiledExpr;
  /** One complete match (the statement's output groups the matches of one step into one call). */
  emit(match: MatchState): void;
  /** Cap on live filter instances; reaching it is counted and reported. */
  readonly maxLiveInstances: number;
  onCapReached(): void;
}

/**
 * Filters waiting under one key, in start order. Ended filters are only counted, and the
 * list is compacted when they dominate, so removal is O(1) amortised.
 */
interface WaitList {
  items: LiveFilter[];
  dead: number;
}

/** Live filters of one pattern filter node, indexed by correlation key. */
class FilterRegistry {
  readonly byKey = new Map<unknown, WaitList>();
  readonly plain: WaitList = { items: [], dead: 0 };
  readonly predicate: CompiledExpr | undefined;
  readonly tagSide: CompiledExpr | undefined;
  readonly depth: number;

  constructor(
    readonly node: MatchFilterNode,
    compile: (e: BoundExpr) => CompiledExpr,
  ) {
    this.predicate = node.predicate === undefined ? undefined : compile(node.predicate);
    this.tagSide = node.correlation === undefined ? undefined : compile(node.correlation.tagSide);
    this.depth = filterDepth(node);
  }
}

const EMPTY_ROW: Row = Object.freeze({}) as Row;

/** The matcher's snapshot: the state tree, the scheduler and the counters. */
export interface PatternMatcherState {
  readonly tree: TreeData;
  readonly top: number | null;
  readonly scheduler: { nextSlot: number; timer: TimerState | null };
  /** filterSeq, live, capReached, examined. */
  readonly counters: number[];
}

export class PatternMatcher implements PatternRuntime, Stateful<PatternMatcherState> {
  private readonly registries = new Map<number, FilterRegistry>();
  /** Per stream, its filters' registries, deepest first. */
  private readonly byStream = new Map<string, FilterRegistry[]>();
  private readonly compiled = new Map<BoundExpr, CompiledExpr>();
  readonly evalCtx: EvalFrame & { tags: Record<string, unknown> };
  readonly scheduler: PatternScheduler;
  private readonly root: RootStateNode;
  /** Filters read tags from a snapshot when a repetition may later write into their begin state. */
  private readonly snapshotTags: boolean;
  private readonly emptyMatch: MatchState;
  /** Plan nodes in depth-first order: a snapshot names a node's plan node by its position. */
  private readonly planNodes: PatternNode[] = [];
  private readonly planIndex = new Map<PatternNode, number>();
  private filterSeq = 0;
  private live = 0;
  private capReached = 0;
  private examined = 0;
  /** Matches posted plus events dispatched: a timer firing between two equal counts was silent. */
  private changes = 0;
  /** Skips repeated silent firings across a clock jump; undefined when time matters absolutely. */
  private readonly skipper: SilentPeriodSkipper | undefined;

  constructor(
    private readonly plan: PatternPlan,
    private readonly ctx: PatternContext,
  ) {
    this.evalCtx = { aggValues: [], prev: () => undefined, prior: () => undefined, tags: {} };
    this.skipper =
      ctx.timers.quietUntil !== undefined && isTimeShiftInvariant(plan.root)
        ? new SilentPeriodSkipper()
        : undefined;
    this.scheduler = new PatternScheduler(
      ctx.timers,
      this.skipper === undefined ? undefined : (due) => this.afterFiring(due),
    );
    this.emptyMatch = Object.fromEntries(plan.tags.map((t) => [t.name, null]));
    this.snapshotTags = hasRepeat(plan.root);
    this.collectFilters(plan.root);
    for (const list of this.byStream.values()) list.sort((a, b) => b.depth - a.depth);
    this.root = new RootStateNode(this, plan.root);
    const number = (n: PatternNode) => {
      this.planIndex.set(n, this.planNodes.length);
      this.planNodes.push(n);
      for (const c of childrenOf(n)) number(c);
    };
    number(plan.root);
  }

  private collectFilters(node: PatternNode): void {
    if (node.kind === 'MatchFilter') {
      const registry = new FilterRegistry(node, (e) => this.compile(e));
      this.registries.set(node.id, registry);
      this.byStream.set(node.stream, [...(this.byStream.get(node.stream) ?? []), registry]);
      return;
    }
    for (const child of childrenOf(node)) this.collectFilters(child);
  }

  compile(expr: BoundExpr): CompiledExpr {
    let fn = this.compiled.get(expr);
    if (fn === undefined) {
      fn = this.ctx.compile(expr);
      this.compiled.set(expr, fn);
    }
    return fn;
  }

  now(): number {
    return this.ctx.timers.now();
  }

  /** `examined`: filter instances an event was tested against (the cost the index keeps low). */
  stats(): { liveInstances: number; capReached: number; examined: number } {
    return { liveInstances: this.live, capReached: this.capReached, examined: this.examined };
  }

  /**
   * Statement start: the root instance begins (arming initial timers). `initial`: tags set
   * before the pattern starts (a context's end pattern reads the partition's starting events).
   */
  start(initial?: MatchState): void {
    this.root.start(initial === undefined ? copyMatch(this.emptyMatch) : { ...this.emptyMatch, ...initial });
  }

  newState(node: PatternNode, parent: Evaluator): StateNode {
    switch (node.kind) {
      case 'MatchFilter':
        return new FilterStateNode(parent, this, node);
      case 'MatchEvery':
        return new EveryStateNode(parent, this, node);
      case 'MatchEveryDistinct':
        return new EveryDistinctStateNode(parent, this, node);
      case 'MatchFollowedBy':
        return new FollowedByStateNode(parent, this, node);
      case 'MatchAnd':
        return new AndStateNode(parent, this, node);
      case 'MatchOr':
        return new OrStateNode(parent, this, node);
      case 'MatchNot':
        return new NotStateNode(parent, this, node);
      case 'MatchRepeat':
        return new MatchUntilStateNode(parent, this, node);
      case 'MatchWithin':
      case 'MatchWhile':
        return new GuardStateNode(parent, this, node);
      case 'MatchInterval':
      case 'MatchAt':
        return new ObserverStateNode(parent, this, node);
      default:
        return assertNever(node, 'pattern node');
    }
  }

  matchFound(match: MatchState): void {
    this.changes++;
    this.ctx.emit(copyMatch(match));
  }

  /** After the pattern timers due at `due` fired: skips whole periods of a silent repetition. */
  private afterFiring(due: number): void {
    const shift = (this.skipper as SilentPeriodSkipper).afterFiring(
      due,
      this.changes,
      this.live <= SMALL_STATE && this.scheduler.size <= SMALL_STATE && this.root.top !== null,
      () => timeFreeKey(this.writeTree(identityWriter()).tree, due),
      () => {
        // The engine timer the firings armed is this matcher's own, not "something else".
        this.scheduler.disarm();
        return (this.ctx.timers.quietUntil as () => number)();
      },
    );
    if (shift > 0) this.scheduler.shift(shift);
  }

  addFilter(f: LiveFilter): void {
    const registry = this.registries.get(f.plan.id) as FilterRegistry;
    f.tags = this.snapshotTags ? copyMatch(f.beginState) : f.beginState;
    f.seq = ++this.filterSeq;
    if (this.live >= this.ctx.maxLiveInstances) {
      // Bounded memory: the filter stays inert, and the loss is counted and reported.
      this.capReached++;
      this.ctx.onCapReached();
      return;
    }
    if (registry.tagSide !== undefined) {
      this.evalCtx.tags = f.tags;
      const key = registry.tagSide(EMPTY_ROW, this.evalCtx);
      // An equality with null is never true: such a filter can never match.
      if (key === null || key === undefined) return;
      f.key = key;
    }
    this.register(f);
  }

  /** Puts a started filter (its key computed) into its registry's list. */
  private register(f: LiveFilter): void {
    const registry = this.registries.get(f.plan.id) as FilterRegistry;
    let list = registry.plain;
    if (registry.tagSide !== undefined) {
      const found = registry.byKey.get(f.key);
      if (found === undefined) {
        list = { items: [], dead: 0 };
        registry.byKey.set(f.key, list);
      } else list = found;
    }
    list.items.push(f);
    f.registered = true;
    this.live++;
  }

  removeFilter(f: LiveFilter): void {
    if (!f.registered) return;
    f.registered = false;
    this.live--;
    const registry = this.registries.get(f.plan.id) as FilterRegistry;
    const correlated = registry.tagSide !== undefined;
    const list = correlated ? registry.byKey.get(f.key) : registry.plain;
    if (list === undefined) return;
    list.dead++;
    if (list.dead === list.items.length) {
      if (correlated) registry.byKey.delete(f.key);
      else {
        list.items = [];
        list.dead = 0;
      }
    } else if (list.dead > 16 && list.dead * 2 > list.items.length) {
      list.items = list.items.filter((i) => i.registered);
      list.dead = 0;
    }
  }

  snapshot(w: StateWriter): PatternMatcherState {
    const { tree, top } = this.writeTree(w);
    return {
      tree,
      top,
      scheduler: this.scheduler.snapshotState(w),
      counters: [this.filterSeq, this.live, this.capReached, this.examined],
    };
  }

  private writeTree(w: StateWriter): { tree: TreeData; top: number | null } {
    const writer = new TreeWriter(
      w,
      this.plan.tags,
      (n) => this.planIndex.get(n.plan) as number,
      (n) => (n.parent === this.root ? 'root' : n.parent instanceof StateNode ? n.parent : 'spawn'),
      ownerNode,
    );
    const top = writer.node(this.root.top);
    writer.flush();
    // Timers whose owner left the tree still fire (as in Esper): their owners are written too.
    for (const e of this.scheduler.entries()) writer.entry(e);
    writer.flush();
    return { tree: writer.data, top };
  }

  restore(state: PatternMatcherState, r: StateReader): void {
    const { tree } = state;
    const nodes = tree.nodes.map((n) => this.newState(this.planNodes[n.plan] as PatternNode, this.root));
    const reader = new TreeReader(r, tree, this.plan.tags, nodes, (e, owner) =>
      this.scheduler.restoreEntry(e, owner),
    );
    tree.nodes.forEach((n, i) => {
      const node = nodes[i] as StateNode;
      node.parent =
        n.parent === -1
          ? this.root
          : n.parent === -2
            ? new SpawnEvaluator()
            : (nodes[n.parent] as unknown as Evaluator);
      node.load(n.state, reader);
    });
    this.root.top = reader.node(state.top);
    this.scheduler.restoreState(state.scheduler, r);
    const [filterSeq, , capReached, examined] = state.counters;
    this.filterSeq = filterSeq ?? 0;
    this.capReached = capReached ?? 0;
    this.examined = examined ?? 0;
    // Filters go back into the dispatch in their registration order.
    const filters = nodes.filter((n): n is FilterStateNode => n instanceof FilterStateNode && n.registered);
    filters.sort((a, b) => a.seq - b.seq);
    this.live = 0;
    for (const f of filters) this.register(f);
  }

  stop(): void {
    this.root.top = null;
    this.scheduler.stop();
    for (const registry of this.registries.values()) {
      registry.byKey.clear();
      registry.plain.items = [];
      registry.plain.dead = 0;
    }
    this.live = 0;
  }

  onEvent(stream: string, event: Row): void {
    const registries = this.byStream.get(stream);
    if (registries === undefined || this.root.top === null) return;
    this.changes++;
    let matched: LiveFilter[] | undefined;
    let depthOfFirst = -1;
    let mixed = false;
    for (const registry of registries) {
      const list =
        registry.tagSide === undefined
          ? registry.plain
          : registry.byKey.get(event[registry.node.correlation?.property as string]);
      if (list === undefined || list.items.length === list.dead) continue;
      for (const f of list.items) {
        if (!f.registered) continue;
        this.examined++;
        if (registry.predicate !== undefined) {
          this.evalCtx.tags = f.tags;
          if (registry.predicate(event, this.evalCtx) !== true) continue;
        }
        if (matched === undefined) {
          matched = [f];
          depthOfFirst = registry.depth;
        } else {
          if (registry.depth !== depthOfFirst) mixed = true;
          matched.push(f);
        }
      }
    }
    if (matched === undefined) return;
    // Registries come deepest first; equal depths interleave by start order.
    if (mixed || registries.length > 1) matched.sort(byDepthThenStart(this.registries));
    for (const f of matched) f.matchFound(event);
  }
}

function byDepthThenStart(
  registries: ReadonlyMap<number, FilterRegistry>,
): (a: LiveFilter, b: LiveFilter) => number {
  return (a, b) => {
    const da = (registries.get(a.plan.id) as FilterRegistry).depth;
    const db = (registries.get(b.plan.id) as FilterRegistry).depth;
    return da !== db ? db - da : a.seq - b.seq;
  };
}

/** A StateWriter numbering events by identity (for keys compared within one process). */
function identityWriter(): StateWriter {
  const ids = new Map<Row, number>();
  const event = (row: Row): number => {
    let id = ids.get(row);
    if (id === undefined) {
      id = ids.size;
      ids.set(row, id);
    }
    return id;
  };
  return { event, events: (rows) => rows.map(event), timer: () => null };
}

/** The state node owning a pattern timer: an observer, or the guard node of a guard. */
function ownerNode(owner: ScheduledOwner): StateNode {
  if (owner instanceof StateNode) return owner;
  return (owner as unknown as { readonly quitable: StateNode }).quitable;
}

function hasRepeat(node: PatternNode): boolean {
  return node.kind === 'MatchRepeat' || childrenOf(node).some(hasRepeat);
}
