/**
 * A stream's whole `#a(…)#b(…)` list at runtime.
 *
 * Several windows intersect, exactly as Esper's three intersection views do (ported rule
 * for rule, quirks included, since Esper's output is the reference):
 * - IntersectDefaultView (no batch, no first-X window): an arrival goes to every window;
 *   whatever each evicts is removed from the others; the step posts the arrival as new and
 *   the union of the evictions as old (the arrival too, if a window evicted it at once: a
 *   sort window it does not make). A window's own expiry removes the events from the others
 *   and posts them as old.
 * - IntersectAsymetricView (a first-X window: firstlength, firstunique, firstevent): an
 *   arrival that some window does not post as new (a full first-X window) is removed from
 *   every window and not posted as new; when some window also evicted events in that step,
 *   the refused arrival is posted as old with them (Esper adds it to the removal set).
 * - IntersectBatchView (one batch window): the arrival goes to the other windows first;
 *   what they evict leaves every window (the batch too); the arrival reaches the batch
 *   unless evicted (and, with a first-X window, only if some window posted it as new). Only
 *   the batch posts; a posted batch leaves the other windows; the other windows' own
 *   expiries leave every window silently.
 * Within an intersection Esper uses its remove-stream window variants, in which every window
 * drops an event a partner removed (DataWindow.remove).
 *
 * `#groupwin(keys)` runs the windows after it once per key value (Esper's GroupByView).
 */
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { Span } from '../common/span.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { makeKeyFn } from './key-fn.js';
import { postStep } from './post-step.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';
import { UnionWindows } from './window-union.js';

export interface ChainStage {
  readonly def: WindowDef;
  readonly params: unknown;
}

function invalid(message: string, span: Span): WeirError {
  return new WeirError('analyze/invalid-window-parameter', message, { span });
}

/** Compile-time checks on a window list, with the span of the offending window. */
export function validateWindowChain(stages: readonly ChainStage[], spans: readonly Span[]): void {
  const spanAt = (i: number) => spans[i] ?? (spans[0] as Span);
  stages.forEach((stage, i) => {
    if (stage.def.name !== 'groupwin') return;
    if (i !== 0) {
      throw invalid(
        '#groupwin must come first in the window list, as in #groupwin(symbol)#length(10)',
        spanAt(i),
      );
    }
    if (stages.length === 1) {
      throw invalid(
        '#groupwin must be followed by a data window, as in #groupwin(symbol)#length(10) (or use group by)',
        spanAt(i),
      );
    }
  });
  let batchAt = -1;
  stages.forEach((stage, i) => {
    if (!stage.def.traits.batching) return;
    if (batchAt >= 0) {
      throw invalid(
        `Cannot combine multiple batch windows (#${stages[batchAt]?.def.name} and #${stage.def.name}) into an intersection`,
        spanAt(i),
      );
    }
    batchAt = i;
  });
}

/**
 * The runtime window for a whole window list. prev() answers only for rows of the insert
 * stream: Esper evaluates prev() to null for rows of the remove stream (ExprPreviousNode
 * returns null when not isNewData), so while a post is being processed, an event it posts
 * only as old has no prev.
 */
export function createWindowChain(
  stages: readonly ChainStage[],
  ctx: WindowContext,
  union = false,
): DataWindow {
  return new ChainWindow(stages, ctx, union);
}

/**
 * The chain is its window's context (clock, timers and start time are its own context's; a
 * post goes through `emit`): no context object and closures per window (a context's
 * partitions each have one).
 */
class ChainWindow implements DataWindow, Stateful, WindowContext {
  private readonly window: DataWindow;
  /** The post being processed downstream (only set during a post). */
  private postedNew: Row[] | null = null;
  private postedOld: Row[] | null = null;
  readonly timers: WindowContext['timers'];
  readonly seesEmptyPosts: boolean | undefined;

  constructor(
    stages: readonly ChainStage[],
    private readonly ctx: WindowContext,
    union: boolean,
  ) {
    this.timers = ctx.timers;
    this.seesEmptyPosts = ctx.seesEmptyPosts;
    this.window = createChain(stages, union, this);
    if (this.window.prev === undefined) this.prev = undefined;
  }

  now(): number {
    return this.ctx.now();
  }

  get startTime(): number {
    return this.ctx.startTime;
  }

  compile(expr: BoundExpr): (row: Row) => unknown {
    return this.ctx.compile(expr);
  }

  emit(inserted: Row[] | null, removed: Row[] | null): void {
    const outerNew = this.postedNew;
    const outerOld = this.postedOld;
    this.postedNew = inserted;
    this.postedOld = removed;
    try {
      this.ctx.emit(inserted, removed);
    } finally {
      this.postedNew = outerNew;
      this.postedOld = outerOld;
    }
  }

  start(): void {
    this.window.start?.();
  }

  insert(row: Row): void {
    this.window.insert(row);
  }

  update(inserted: readonly Row[], removed: readonly Row[]): void {
    this.window.update(inserted, removed);
  }

  remove(row: Row): boolean {
    return this.window.remove(row);
  }

  contents(): Row[] {
    return this.window.contents();
  }

  size(): number {
    return this.window.size();
  }

  prev?(row: Row, n: number): Row | undefined {
    if (this.postedOld?.includes(row) && !(this.postedNew?.includes(row) ?? false)) return undefined;
    return this.window.prev?.(row, n);
  }

  snapshot(w: StateWriter): unknown {
    return this.window.snapshot(w);
  }

  restore(state: unknown, r: StateReader): void {
    this.window.restore(state, r);
  }

  stop(): void {
    this.window.stop();
  }
}

function createChain(stages: readonly ChainStage[], union: boolean, ctx: WindowContext): DataWindow {
  const [first, ...rest] = stages;
  if (first === undefined) throw new Error('empty window chain');
  if (union && rest.length > 0) return new UnionWindows(stages, ctx, (emit) => memberContext(ctx, emit));
  if (first.def.name === 'groupwin') {
    return new GroupWindows(makeKeyFn((first.params as { keys: readonly BoundExpr[] }).keys, ctx), rest, ctx);
  }
  if (rest.length === 0) return first.def.create(first.params, ctx);
  const batchIndex = stages.findIndex((s) => s.def.traits.batching);
  return batchIndex < 0 ? new Intersection(stages, ctx) : new BatchIntersection(stages, batchIndex, ctx);
}

interface GroupsState {
  /** Each group's key (plain data: a property value or a JSON string) and window state. */
  readonly groups: [unknown, unknown][];
}

/** #groupwin(keys): the windows after it, once per key value (Esper's GroupByView). */
class GroupWindows implements DataWindow, Stateful<GroupsState> {
  private readonly groups = new Map<unknown, DataWindow>();

  constructor(
    private readonly keyOf: (row: Row) => unknown,
    private readonly rest: readonly ChainStage[],
    private readonly ctx: WindowContext,
  ) {}

  start(): void {
    for (const w of this.groups.values()) w.start?.();
  }

  insert(row: Row): void {
    this.groupOf(row).insert(row);
  }

  /**
   * GroupByViewImpl: the rows are sorted into their groups (old rows too, making a group when
   * needed), then each group touched gets its (new, old) and posts on its own. Esper visits
   * the groups in its hash order; here, in the order they were first touched.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    const [only] = inserted;
    if (removed.length === 0 && inserted.length === 1 && only !== undefined) {
      this.insert(only);
      return;
    }
    const touched = new Map<DataWindow, { inserted: Row[]; removed: Row[] }>();
    const sides = (row: Row) => {
      const window = this.groupOf(row);
      let entry = touched.get(window);
      if (entry === undefined) {
        entry = { inserted: [], removed: [] };
        touched.set(window, entry);
      }
      return entry;
    };
    for (const row of inserted) sides(row).inserted.push(row);
    for (const row of removed) sides(row).removed.push(row);
    for (const [window, entry] of touched) window.update(entry.inserted, entry.removed);
  }

  /** The row's group window, made (and started: it was not restored) on first use. */
  private groupOf(row: Row): DataWindow {
    const key = this.keyOf(row);
    let window = this.groups.get(key);
    if (window === undefined) {
      window = createChain(this.rest, false, this.ctx);
      this.groups.set(key, window);
      window.start?.();
    }
    return window;
  }

  remove(row: Row): boolean {
    return this.groups.get(this.keyOf(row))?.remove(row) ?? false;
  }

  contents(): Row[] {
    const all: Row[] = [];
    for (const w of this.groups.values()) for (const r of w.contents()) all.push(r);
    return all;
  }

  size(): number {
    let n = 0;
    for (const w of this.groups.values()) n += w.size();
    return n;
  }

  /** prev() under groupwin reads the window of the event's own group (EPL-SEMANTICS.md). */
  prev(row: Row, n: number): Row | undefined {
    return this.groups.get(this.keyOf(row))?.prev?.(row, n);
  }

  snapshot(w: StateWriter): GroupsState {
    return { groups: [...this.groups].map(([key, window]) => [key, window.snapshot(w)]) };
  }

  restore(state: GroupsState, r: StateReader): void {
    this.groups.clear();
    for (const [key, windowState] of state.groups) {
      const window = createChain(this.rest, false, this.ctx);
      window.restore(windowState, r);
      this.groups.set(key, window);
    }
  }

  stop(): void {
    for (const w of this.groups.values()) w.stop();
    this.groups.clear();
  }
}

/** The context a member window sees: the engine's, except that its posts go to `emit`. */
function memberContext(ctx: WindowContext, emit: WindowContext['emit']): WindowContext {
  return {
    now: () => ctx.now(),
    timers: ctx.timers,
    emit,
    compile: (expr: BoundExpr) => ctx.compile(expr),
    startTime: ctx.startTime,
    seesEmptyPosts: ctx.seesEmptyPosts,
  };
}

/** Removes `rows` from every member window except `except` (Esper's update(null, rows)). */
function removeFromOthers(windows: readonly DataWindow[], rows: readonly Row[], except: number): void {
  for (let j = 0; j < windows.length; j++) {
    if (j === except) continue;
    const w = windows[j] as DataWindow;
    for (const r of rows) w.remove(r);
  }
}

/**
 * What the member windows posted while one arrival went into them (Esper's local state of
 * the intersection views): the old events each posted, and whether each posted the arrival
 * as new. Only set during an arrival, so never part of a snapshot.
 */
class Capture {
  active = false;
  arrival: Row | undefined;
  readonly postedNew: boolean[];
  readonly oldPerView: (Row[] | null)[];
  /** The new events of each view's last post (Esper's newDataChildView / newEventsPerView). */
  readonly newPerView: (Row[] | null)[];

  constructor(n: number) {
    this.postedNew = new Array<boolean>(n).fill(false);
    this.oldPerView = new Array<Row[] | null>(n).fill(null);
    this.newPerView = new Array<Row[] | null>(n).fill(null);
  }

  /**
   * Recording starts: for one arrival (insert: whether each view posted it as new), or for
   * an update (no arrival: the new events of each view's last post).
   */
  start(arrival: Row | undefined): void {
    this.active = true;
    this.arrival = arrival;
    this.oldPerView.fill(null);
    if (arrival === undefined) this.newPerView.fill(null);
    else this.postedNew.fill(false);
  }

  stop(): void {
    this.active = false;
    this.arrival = undefined;
  }

  record(i: number, ins: Row[] | null, rem: Row[] | null): void {
    if (this.arrival === undefined) this.newPerView[i] = ins === null ? null : [...ins];
    else if (ins?.includes(this.arrival)) this.postedNew[i] = true;
    // Esper keeps the last post's old events per view (a copy: the window may reuse its array).
    if (rem !== null && rem.length > 0) this.oldPerView[i] = [...rem];
  }
}

interface MembersState {
  readonly members: unknown[];
}

/** Members of an intersection: built, started, snapshotted and stopped together. */
abstract class Members implements DataWindow, Stateful<MembersState> {
  protected readonly windows: DataWindow[] = [];
  protected readonly capture: Capture;
  /** With a first-X window (Esper's AsymetricDataWindowViewForge). */
  protected readonly asymmetric: boolean;

  constructor(stages: readonly ChainStage[]) {
    this.capture = new Capture(stages.length);
    this.asymmetric = stages.some((s) => FIRST_X.has(s.def.name));
  }

  abstract insert(row: Row): void;
  abstract update(inserted: readonly Row[], removed: readonly Row[]): void;
  abstract contents(): Row[];
  abstract size(): number;

  start(): void {
    for (const w of this.windows) w.start?.();
  }

  remove(row: Row): boolean {
    let found = false;
    for (const w of this.windows) found = w.remove(row) || found;
    return found;
  }

  snapshot(w: StateWriter): MembersState {
    return { members: this.windows.map((window) => window.snapshot(w)) };
  }

  restore(state: MembersState, r: StateReader): void {
    this.windows.forEach((window, i) => window.restore(state.members[i], r));
  }

  stop(): void {
    for (const w of this.windows) w.stop();
  }

  /** Esper's update(null, rows) of every member in discard mode: the rows leave, silently. */
  protected removeFromAll(rows: readonly Row[]): void {
    for (const w of this.windows) for (const r of rows) w.remove(r);
  }
}

/** Intersection without a batch window (Esper's IntersectDefaultView / IntersectAsymetricView). */
class Intersection extends Members {
  constructor(stages: readonly ChainStage[], ctx: WindowContext) {
    super(stages);
    stages.forEach((stage, i) => {
      const member = memberContext(ctx, (ins, rem) => {
        if (this.capture.active) {
          this.capture.record(i, ins, rem);
          return;
        }
        // A window's own timer (expiry): the events leave the other windows and are posted.
        if (rem === null || rem.length === 0) return;
        removeFromOthers(this.windows, rem, i);
        ctx.emit(null, rem);
      });
      this.windows.push(stage.def.create(stage.params, member));
    });
    this.out = ctx;
  }

  /** Where the intersection posts (the context the members' posts are captured from). */
  private readonly out: WindowContext;

  insert(row: Row): void {
    const { windows, capture } = this;
    capture.start(row);
    try {
      for (const w of windows) w.insert(row);
    } finally {
      capture.stop();
    }
    // A set (Esper's HashSet): an event evicted by two windows is posted once.
    const removal = new Set<Row>();
    if (this.asymmetric && !capture.postedNew.every(Boolean)) {
      // A window posted no new event for it (a full first-X window): it leaves every window.
      removal.add(row);
      for (const w of windows) w.remove(row);
    }
    let evicted = false;
    for (let i = 0; i < windows.length; i++) {
      const old = capture.oldPerView[i];
      if (old === null || old === undefined) continue;
      evicted = true;
      for (const r of old) removal.add(r);
      removeFromOthers(windows, old, i);
    }
    if (!this.asymmetric) {
      // IntersectDefaultView posts the arrival as new even when a window evicted it at once.
      this.out.emit([row], evicted ? [...removal] : null);
      return;
    }
    // IntersectAsymetricView: the old events are posted only when some window evicted
    // (then with a refused arrival among them); the arrival is new unless it was removed.
    const newRows = removal.has(row) ? null : [row];
    const oldRows = evicted ? [...removal] : null;
    if (newRows !== null || oldRows !== null) this.out.emit(newRows, oldRows);
  }

  /**
   * An update with old rows (a named window's change): IntersectDefaultView /
   * IntersectAsymetricView.update(newData, oldData), step by step.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    if (this.asymmetric) this.updateAsymmetric(inserted, removed);
    else this.updateDefault(inserted, removed);
  }

  private updateDefault(inserted: readonly Row[], removed: readonly Row[]): void {
    const { windows, capture } = this;
    if (inserted.length === 0) {
      if (removed.length === 0) return;
      this.removeFromAll(removed);
      postStep(this.out, null, removed);
      return;
    }
    capture.start(undefined);
    try {
      for (const w of windows) w.update(inserted, removed);
    } finally {
      capture.stop();
    }
    // When some member posted old events, they (as a set) replace the old rows given.
    let old: readonly Row[] = removed;
    const removal = new Set<Row>();
    for (let i = 0; i < windows.length; i++) {
      const viewOld = capture.oldPerView[i];
      if (viewOld === null || viewOld === undefined) continue;
      for (const r of viewOld) removal.add(r);
      removeFromOthers(windows, viewOld, i);
      old = [...removal];
    }
    postStep(this.out, inserted, old);
  }

  private updateAsymmetric(inserted: readonly Row[], removed: readonly Row[]): void {
    const { windows, capture } = this;
    // Esper's oldEvents and removalEvents are sets.
    const oldEvents = new Set<Row>(removed);
    if (removed.length > 0) this.removeFromAll(removed);
    let newPosted: Row[] | null = null;
    if (inserted.length > 0) {
      const removal = new Set<Row>();
      capture.start(undefined);
      try {
        windows.forEach((w, i) => {
          w.update(inserted, removed);
          // A first-X window posts no new event for rows it refuses: those leave. (Esper
          // compares the i-th posted event with the i-th new row, position by position.)
          const posted = capture.newPerView[i] ?? null;
          inserted.forEach((row, k) => {
            if (posted === null || posted[k] !== row) removal.add(row);
          });
        });
      } finally {
        capture.stop();
      }
      if (removal.size > 0) this.removeFromAll([...removal]);
      const someOld = capture.oldPerView.some((old) => old !== null);
      for (let i = 0; i < windows.length; i++) {
        const viewOld = capture.oldPerView[i];
        if (viewOld === null || viewOld === undefined) continue;
        for (const r of viewOld) removal.add(r);
        removeFromOthers(windows, viewOld, i);
      }
      if (someOld) for (const r of removal) oldEvents.add(r);
      newPosted = inserted.filter((row) => !removal.has(row));
    }
    postStep(this.out, newPosted, [...oldEvents]);
  }

  /** The members' contents and size are the first member's (Esper iterates views[0]). */
  contents(): Row[] {
    return (this.windows[0] as DataWindow).contents();
  }

  size(): number {
    return (this.windows[0] as DataWindow).size();
  }
}

/** Intersection with exactly one batch window (Esper's IntersectBatchView). */
class BatchIntersection extends Members {
  /** Set while removing posted or expired events from the other windows (their posts are ignored). */
  private ignorePosts = false;

  constructor(
    stages: readonly ChainStage[],
    private readonly batchIndex: number,
    ctx: WindowContext,
  ) {
    super(stages);
    stages.forEach((stage, i) => {
      const member = memberContext(ctx, (ins, rem) => {
        if (this.ignorePosts) return;
        if (this.capture.active) {
          this.capture.record(i, ins, rem);
          return;
        }
        const hasNew = ins !== null && ins.length > 0;
        if (i === batchIndex) {
          // The batch posts (its timer, or its count filled): downstream sees it, and the
          // posted events leave the other windows. Both sides are empty only under
          // FORCE_UPDATE, which posts the empty interval on purpose.
          const hasOld = rem !== null && rem.length > 0;
          ctx.emit(hasNew ? ins : null, hasOld ? rem : null);
          if (hasNew) this.removeQuietly(ins, batchIndex);
          return;
        }
        // Another window's own expiry: the events leave every other window, silently.
        if (rem !== null && rem.length > 0) this.removeQuietly(rem, i);
      });
      this.windows.push(stage.def.create(stage.params, member));
    });
  }

  insert(row: Row): void {
    const { windows, capture, batchIndex } = this;
    capture.start(row);
    try {
      for (let i = 0; i < windows.length; i++) if (i !== batchIndex) (windows[i] as DataWindow).insert(row);
    } finally {
      capture.stop();
    }
    let removed = false;
    for (let i = 0; i < windows.length; i++) {
      const old = capture.oldPerView[i];
      if (old === null || old === undefined) continue;
      removeFromOthers(windows, old, i);
      if (old.includes(row)) removed = true;
    }
    // With a first-X window the arrival passes only if some other window posted it as new.
    const posted = !this.asymmetric || capture.postedNew.some((p, i) => p && i !== batchIndex);
    if (!removed && posted) (windows[batchIndex] as DataWindow).insert(row);
  }

  /**
   * IntersectBatchView.update(newData, oldData) with old rows, literally: first every member
   * gets (new, old) with its posts ignored (the batch member takes the new rows there too),
   * then the other members get (new, old) again with their posts captured, what they posted
   * as old leaves the other members, and the batch member gets the new rows nobody removed
   * (with a first-X member: that some member posted as new). Members holding sets do not
   * add a row twice; what the batch member posts when it fills is the intersection's post.
   */
  update(inserted: readonly Row[], removed: readonly Row[]): void {
    const { windows, capture, batchIndex } = this;
    if (removed.length > 0) {
      this.ignorePosts = true;
      try {
        for (const w of windows) w.update(inserted, removed);
      } finally {
        this.ignorePosts = false;
      }
    }
    if (inserted.length === 0) return;
    capture.start(undefined);
    try {
      windows.forEach((w, i) => {
        if (i !== batchIndex) w.update(inserted, removed);
      });
    } finally {
      capture.stop();
    }
    const removedEvents = new Set<Row>();
    for (let i = 0; i < windows.length; i++) {
      const old = capture.oldPerView[i];
      if (old === null || old === undefined) continue;
      this.removeQuietly(old, i);
      for (const r of old) removedEvents.add(r);
    }
    const passing = inserted.filter(
      (row) =>
        !removedEvents.has(row) &&
        (!this.asymmetric || capture.newPerView.some((posted) => posted?.includes(row) ?? false)),
    );
    if (passing.length > 0) (windows[batchIndex] as DataWindow).update(passing, []);
  }

  contents(): Row[] {
    return (this.windows[this.batchIndex] as DataWindow).contents();
  }

  size(): number {
    return (this.windows[this.batchIndex] as DataWindow).size();
  }

  prev(row: Row, n: number): Row | undefined {
    return (this.windows[this.batchIndex] as DataWindow).prev?.(row, n);
  }

  private removeQuietly(rows: readonly Row[], except: number): void {
    this.ignorePosts = true;
    try {
      removeFromOthers(this.windows, rows, except);
    } finally {
      this.ignorePosts = false;
    }
  }
}

/** Esper's asymmetric data windows: they post nothing for an arrival they refuse. */
const FIRST_X = new Set(['firstlength', 'firstunique', 'firstevent']);
