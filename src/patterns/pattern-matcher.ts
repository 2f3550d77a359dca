import { assertNever } from '../common/assert-never.js';
/**
 * The pattern automaton, evaluated as Esper does: every operator node spawns state
 * instances; an instance reports to its parent when it turns true (with the events matched
 * so far, and whether it is finished) or permanently false. `every` restarts its child when
 * the child turns true or false, `->` starts its next child once per result of the previous
 * one, `not X` is true from the start and turns false when X occurs, guards end their child.
 *
 * Filter instances waiting for events are indexed per filter by their correlation key
 * (`b=B(user = a.user)` waits under the value of a.user), so an arriving event finds its
 * candidates with one hash lookup. All matches completed by one event or timer are emitted
 * in one call.
 */
import type { Row } from '../common/row.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';
import type { TimerId } from '../windows/window-def.js';
import { nextCronTime } from './crontab.js';
import type { MatchFilterNode, PatternNode, PatternPlan } from './pattern-plan.js';

/** Tag → event (or array of events for repeat tags). */
export type MatchState = Readonly<Record<string, unknown>>;

export interface PatternContext {
  now(): number;
  schedule(due: number, onDue: (due: number) => void): TimerId;
  cancel(id: TimerId): void;
  compile(expr: BoundExpr): CompiledExpr;
  /** All matches completed by one event or timer, in one call. */
  emit(matches: MatchState[]): void;
  /** Cap on live filter instances; reaching it is counted and reported. */
  readonly maxLiveInstances: number;
  onCapReached(): void;
}

interface Instance {
  quit(): void;
}

interface Parent {
  onTrue(state: MatchState, child: Instance, quitted: boolean): void;
  onFalse(child: Instance): void;
}

interface FilterInstance extends Instance {
  readonly state: MatchState;
  readonly parent: Parent;
  readonly createdAt: number;
  active: boolean;
  key: unknown;
}

/**
 * Instances waiting under one key, in start order. Finished instances are only marked and
 * counted, and the list is compacted when they dominate, so removal is O(1) amortised and
 * the order in which simultaneous matches are found stays the order instances started.
 */
interface WaitList {
  items: FilterInstance[];
  dead: number;
}

/** Live instances of one filter node, indexed by correlation key. */
class FilterRegistry {
  readonly byKey = new Map<unknown, WaitList>();
  readonly plain: WaitList = { items: [], dead: 0 };
  readonly predicate: CompiledExpr | undefined;
  readonly tagSide: CompiledExpr | undefined;

  constructor(
    readonly node: MatchFilterNode,
    ctx: PatternContext,
  ) {
    this.predicate = node.predicate === undefined ? undefined : ctx.compile(node.predicate);
    this.tagSide = node.correlation === undefined ? undefined : ctx.compile(node.correlation.tagSide);
  }
}

const EMPTY_ROW: Row = Object.freeze({}) as Row;

export class PatternMatcher {
  private readonly registries = new Map<number, FilterRegistry>();
  private readonly byStream = new Map<string, FilterRegistry[]>();
  private readonly evalCtx: EvalFrame & { tags: Record<string, unknown> };
  private pending: MatchState[] = [];
  private dispatch = 0;
  private live = 0;
  private capReached = 0;
  private examined = 0;
  private finished = false;

  constructor(
    private readonly plan: PatternPlan,
    private readonly ctx: PatternContext,
  ) {
    this.evalCtx = { aggValues: [], prev: () => undefined, prior: () => undefined, tags: {} };
    this.collectFilters(plan.root);
  }

  private collectFilters(node: PatternNode): void {
    switch (node.kind) {
      case 'MatchFilter': {
        const registry = new FilterRegistry(node, this.ctx);
        this.registries.set(node.id, registry);
        this.byStream.set(node.stream, [...(this.byStream.get(node.stream) ?? []), registry]);
        return;
      }
      case 'MatchFollowedBy':
      case 'MatchAnd':
      case 'MatchOr':
        for (const c of node.children) this.collectFilters(c);
        return;
      case 'MatchRepeat':
        this.collectFilters(node.child);
        if (node.until !== undefined) this.collectFilters(node.until);
        return;
      case 'MatchEvery':
      case 'MatchEveryDistinct':
      case 'MatchNot':
      case 'MatchWithin':
      case 'MatchWhile':
        this.collectFilters(node.child);
        return;
      case 'MatchInterval':
      case 'MatchAt':
        return;
      default:
        assertNever(node, 'pattern node');
    }
  }

  /** `examined`: filter instances an event was tested against (the cost the index keeps low). */
  stats(): { liveInstances: number; capReached: number; examined: number } {
    return { liveInstances: this.live, capReached: this.capReached, examined: this.examined };
  }

  /** Statement start: the root instance begins (arming initial timers). */
  start(): void {
    const root: Parent = {
      onTrue: (state, _child, quitted) => {
        this.pending.push(state);
        if (quitted) this.finished = true;
      },
      onFalse: () => {
        this.finished = true;
      },
    };
    this.startNode(this.plan.root, {}, root);
    this.flush();
  }

  onEvent(stream: string, event: Row): void {
    const registries = this.byStream.get(stream);
    if (registries === undefined || this.finished) return;
    const seq = ++this.dispatch;
    for (const registry of registries) {
      const list =
        registry.node.correlation === undefined
          ? registry.plain
          : registry.byKey.get(event[registry.node.correlation.property]);
      if (list === undefined || list.items.length === list.dead) continue;
      // Snapshot: instances started while this event is processed must not see it.
      const candidates = list.items.slice();
      for (const inst of candidates) {
        if (!inst.active || inst.createdAt >= seq) continue;
        this.examined++;
        if (registry.predicate !== undefined) {
          this.evalCtx.tags = inst.state as Record<string, unknown>;
          if (registry.predicate(event, this.evalCtx) !== true) continue;
        }
        this.unregister(registry, inst);
        const tag = registry.node.tag;
        inst.parent.onTrue(tag === undefined ? inst.state : { ...inst.state, [tag]: event }, inst, true);
      }
    }
    this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const matches = this.pending;
    this.pending = [];
    this.ctx.emit(matches);
  }

  private timer(ms: number, onDue: () => void): TimerId {
    return this.ctx.schedule(this.ctx.now() + ms, () => {
      onDue();
      this.flush();
    });
  }

  private unregister(registry: FilterRegistry, inst: FilterInstance): void {
    if (!inst.active) return;
    inst.active = false;
    this.live--;
    const correlated = registry.node.correlation !== undefined;
    const list = correlated ? registry.byKey.get(inst.key) : registry.plain;
    if (list === undefined) return;
    list.dead++;
    if (list.dead === list.items.length) {
      if (correlated) registry.byKey.delete(inst.key);
      else {
        list.items = [];
        list.dead = 0;
      }
    } else if (list.dead > 16 && list.dead * 2 > list.items.length) {
      list.items = list.items.filter((i) => i.active);
      list.dead = 0;
    }
  }

  private startNode(node: PatternNode, state: MatchState, parent: Parent): Instance {
    switch (node.kind) {
      case 'MatchFilter':
        return this.startFilter(node, state, parent);
      case 'MatchEvery':
      case 'MatchEveryDistinct':
        return this.startEvery(node, state, parent);
      case 'MatchFollowedBy':
        return this.startFollowedBy(node.children, state, parent);
      case 'MatchAnd':
        return this.startAnd(node.children, state, parent);
      case 'MatchOr':
        return this.startOr(node.children, state, parent);
      case 'MatchNot':
        return this.startNot(node.child, state, parent);
      case 'MatchRepeat':
        return this.startRepeat(node, state, parent);
      case 'MatchWithin':
        return this.startWithin(node.child, node.ms, node.maxMatches, state, parent);
      case 'MatchWhile':
        return this.startWhile(node.child, node.condition, state, parent);
      case 'MatchInterval': {
        const inst: Instance = { quit: () => this.ctx.cancel(id) };
        const id = this.timer(node.ms, () => parent.onTrue(state, inst, true));
        return inst;
      }
      case 'MatchAt': {
        const inst: Instance = { quit: () => this.ctx.cancel(id) };
        const due = nextCronTime(this.ctx.now(), node.fields);
        const id = this.timer(due - this.ctx.now(), () => parent.onTrue(state, inst, true));
        return inst;
      }
      default:
        return assertNever(node, 'pattern node');
    }
  }

  private startFilter(node: MatchFilterNode, state: MatchState, parent: Parent): Instance {
    const registry = this.registries.get(node.id) as FilterRegistry;
    const inst: FilterInstance = {
      state,
      parent,
      createdAt: this.dispatch,
      active: false,
      key: undefined,
      quit: () => this.unregister(registry, inst),
    };
    if (this.live >= this.ctx.maxLiveInstances) {
      // Bounded memory: the instance stays inert, and the loss is counted and reported.
      this.capReached++;
      this.ctx.onCapReached();
      return inst;
    }
    if (registry.tagSide !== undefined) {
      this.evalCtx.tags = state as Record<string, unknown>;
      const key = registry.tagSide(EMPTY_ROW, this.evalCtx);
      // An equality with null is never true: such an instance can never match.
      if (key === null || key === undefined) return inst;
      inst.key = key;
      const list = registry.byKey.get(key);
      if (list === undefined) registry.byKey.set(key, { items: [inst], dead: 0 });
      else list.items.push(inst);
    } else registry.plain.items.push(inst);
    inst.active = true;
    this.live++;
    return inst;
  }

  /** `every` (and every-distinct): restart the child whenever it turns true or false. */
  private startEvery(
    node: Extract<PatternNode, { kind: 'MatchEvery' | 'MatchEveryDistinct' }>,
    state: MatchState,
    parent: Parent,
  ): Instance {
    const children = new Set<Instance>();
    let stopped = false;
    const seen = new Map<string, number>();
    const keyFns = node.kind === 'MatchEveryDistinct' ? node.keys.map((k) => this.ctx.compile(k)) : [];
    const inst: Instance = {
      quit: () => {
        stopped = true;
        for (const c of children) c.quit();
        children.clear();
      },
    };
    const isDuplicate = (s: MatchState): boolean => {
      if (node.kind !== 'MatchEveryDistinct') return false;
      this.evalCtx.tags = s as Record<string, unknown>;
      const key = JSON.stringify(keyFns.map((f) => f(EMPTY_ROW, this.evalCtx)));
      const now = this.ctx.now();
      const at = seen.get(key);
      if (at !== undefined && (node.periodMs === undefined || now - at < node.periodMs)) return true;
      seen.set(key, now);
      return false;
    };
    const childParent: Parent = {
      onTrue: (s, child, quitted) => {
        if (quitted) {
          children.delete(child);
          spawn();
        }
        if (!isDuplicate(s)) parent.onTrue(s, inst, false);
      },
      onFalse: (child) => {
        children.delete(child);
        spawn();
      },
    };
    const spawn = () => {
      if (stopped) return;
      children.add(this.startNode(node.child, state, childParent));
    };
    spawn();
    return inst;
  }

  /** `a -> b -> c`: each result of child i starts an instance of child i + 1. */
  private startFollowedBy(nodes: readonly PatternNode[], state: MatchState, parent: Parent): Instance {
    const active = new Set<Instance>();
    const inst: Instance = {
      quit: () => {
        for (const c of active) c.quit();
        active.clear();
      },
    };
    const startAt = (i: number, s: MatchState) => {
      const childParent: Parent = {
        onTrue: (result, child, quitted) => {
          if (quitted) active.delete(child);
          if (i === nodes.length - 1) parent.onTrue(result, inst, active.size === 0);
          else startAt(i + 1, result);
        },
        onFalse: (child) => {
          active.delete(child);
          if (active.size === 0) parent.onFalse(inst);
        },
      };
      active.add(this.startNode(nodes[i] as PatternNode, s, childParent));
    };
    startAt(0, state);
    return inst;
  }

  /** `a and b`: true once every child has been true, combining their events. */
  private startAnd(nodes: readonly PatternNode[], state: MatchState, parent: Parent): Instance {
    const results: MatchState[][] = nodes.map(() => []);
    const children: (Instance | undefined)[] = [];
    const finished = nodes.map(() => false);
    let done = false;
    const inst: Instance = {
      quit: () => {
        done = true;
        for (const c of children) c?.quit();
      },
    };
    nodes.forEach((node, i) => {
      const childParent: Parent = {
        onTrue: (s, _child, quitted) => {
          if (done) return;
          if (quitted) finished[i] = true;
          const others = results.filter((_, j) => j !== i);
          results[i]?.push(s);
          if (others.some((r) => r.length === 0)) return;
          let combos: MatchState[] = [s];
          results.forEach((r, j) => {
            if (j !== i) combos = combos.flatMap((c) => r.map((o) => ({ ...o, ...c })));
          });
          // Once every child that can still produce something is a `not`, nothing new can come.
          const complete = nodes.every((n, j) => finished[j] || n.kind === 'MatchNot');
          if (complete) inst.quit();
          for (const c of combos) parent.onTrue(c, inst, complete);
        },
        onFalse: () => {
          if (done) return;
          inst.quit();
          parent.onFalse(inst);
        },
      };
      if (!done) children[i] = this.startNode(node, state, childParent);
    });
    return inst;
  }

  /** `a or b`: the first child to finish true ends the others. */
  private startOr(nodes: readonly PatternNode[], state: MatchState, parent: Parent): Instance {
    const active = new Set<Instance>();
    let done = false;
    const inst: Instance = {
      quit: () => {
        done = true;
        for (const c of active) c.quit();
        active.clear();
      },
    };
    const childParent: Parent = {
      onTrue: (s, child, quitted) => {
        if (done) return;
        if (quitted) {
          active.delete(child);
          inst.quit();
        }
        parent.onTrue(s, inst, quitted);
      },
      onFalse: (child) => {
        active.delete(child);
        if (!done && active.size === 0) parent.onFalse(inst);
      },
    };
    for (const node of nodes) if (!done) active.add(this.startNode(node, state, childParent));
    return inst;
  }

  /** `not x`: true from the start; permanently false once x occurs. */
  private startNot(node: PatternNode, state: MatchState, parent: Parent): Instance {
    // Assigned once, but read by quit() during the child's own start: a const would be in its TDZ.
    // biome-ignore lint/style/useConst: see above
    let child: Instance | undefined;
    let done = false;
    const inst: Instance = {
      quit: () => {
        done = true;
        child?.quit();
      },
    };
    child = this.startNode(node, state, {
      onTrue: () => {
        if (done) return;
        inst.quit();
        parent.onFalse(inst);
      },
      onFalse: () => {},
    });
    parent.onTrue(state, inst, false);
    return inst;
  }

  /** `[n] x`, `[n:m] x until y`: collects x's events into arrays. */
  private startRepeat(
    node: Extract<PatternNode, { kind: 'MatchRepeat' }>,
    state: MatchState,
    parent: Parent,
  ): Instance {
    let count = 0;
    let done = false;
    const arrays = new Map<string, unknown[]>(node.arrayTags.map((t) => [t, []]));
    let child: Instance | undefined;
    let until: Instance | undefined;
    const inst: Instance = {
      quit: () => {
        done = true;
        child?.quit();
        until?.quit();
      },
    };
    const collected = (extra: MatchState): MatchState => {
      const out: Record<string, unknown> = { ...state, ...extra };
      for (const [tag, events] of arrays) out[tag] = [...events];
      return out;
    };
    const finish = (extra: MatchState) => {
      inst.quit();
      parent.onTrue(collected(extra), inst, true);
    };
    const childParent: Parent = {
      onTrue: (s, _c, quitted) => {
        if (done) return;
        count++;
        for (const [tag, events] of arrays) if (s[tag] !== undefined) events.push(s[tag]);
        if (count >= node.max) return finish({});
        if (node.until === undefined && count >= node.min && node.min === node.max) return finish({});
        if (quitted) child = this.startNode(node.child, state, childParent);
      },
      onFalse: () => {
        if (done) return;
        inst.quit();
        parent.onFalse(inst);
      },
    };
    if (node.until !== undefined) {
      until = this.startNode(node.until, state, {
        onTrue: (s) => {
          if (done) return;
          if (count >= node.min) finish(s);
          else {
            inst.quit();
            parent.onFalse(inst);
          }
        },
        onFalse: () => {},
      });
    }
    if (!done) child = this.startNode(node.child, state, childParent);
    return inst;
  }

  /** `x where timer:within(p)`: x ends (false) p after it started; withinmax also caps matches. */
  private startWithin(
    node: PatternNode,
    ms: number,
    maxMatches: number | undefined,
    state: MatchState,
    parent: Parent,
  ): Instance {
    let matches = 0;
    let done = false;
    // Assigned once, but read by quit() during the child's own start: a const would be in its TDZ.
    // biome-ignore lint/style/useConst: see above
    let child: Instance | undefined;
    const inst: Instance = {
      quit: () => {
        done = true;
        this.ctx.cancel(timer);
        child?.quit();
      },
    };
    const timer = this.timer(ms, () => {
      if (done) return;
      inst.quit();
      parent.onFalse(inst);
    });
    child = this.startNode(node, state, {
      onTrue: (s, _c, quitted) => {
        if (done) return;
        matches++;
        const last = quitted || (maxMatches !== undefined && matches >= maxMatches);
        if (last) inst.quit();
        parent.onTrue(s, inst, last);
      },
      onFalse: () => {
        if (done) return;
        inst.quit();
        parent.onFalse(inst);
      },
    });
    return inst;
  }

  /** `x while (cond)`: each result of x must satisfy cond, or x ends false. */
  private startWhile(node: PatternNode, condition: BoundExpr, state: MatchState, parent: Parent): Instance {
    const test = this.ctx.compile(condition);
    let done = false;
    // Assigned once, but read by quit() during the child's own start: a const would be in its TDZ.
    // biome-ignore lint/style/useConst: see above
    let child: Instance | undefined;
    const inst: Instance = {
      quit: () => {
        done = true;
        child?.quit();
      },
    };
    child = this.startNode(node, state, {
      onTrue: (s, _c, quitted) => {
        if (done) return;
        this.evalCtx.tags = s as Record<string, unknown>;
        if (test(EMPTY_ROW, this.evalCtx) === true) parent.onTrue(s, inst, quitted);
        else {
          inst.quit();
          parent.onFalse(inst);
        }
      },
      onFalse: () => {
        if (done) return;
        inst.quit();
        parent.onFalse(inst);
      },
    });
    return inst;
  }
}
