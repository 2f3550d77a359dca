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
import type { DataWindow, TimerId, WindowContext, WindowDef } from './window-def.js';

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
export function createWindowChain(stages: readonly ChainStage[], ctx: WindowContext): DataWindow {
  let postedNew: Row[] | null = null;
  let postedOld: Row[] | null = null;
  const window = createChain(
    stages,
    memberContext(ctx, (inserted, removed) => {
      const outerNew = postedNew;
      const outerOld = postedOld;
      postedNew = inserted;
      postedOld = removed;
      try {
        ctx.emit(inserted, removed);
      } finally {
        postedNew = outerNew;
        postedOld = outerOld;
      }
    }),
  );
  const prevOf = window.prev;
  if (prevOf === undefined) return window;
  return {
    insert: (row) => window.insert(row),
    remove: (row) => window.remove(row),
    contents: () => window.contents(),
    size: () => window.size(),
    prev(row, n) {
      if (postedOld?.includes(row) && !(postedNew?.includes(row) ?? false)) return undefined;
      return prevOf.call(window, row, n);
    },
    // The state is the inner window's (postedNew/postedOld only live during a post).
    ...stateOf(window),
  };
}

/** The inner window's state contract methods, for a wrapper around it. */
function stateOf(window: DataWindow): Partial<Stateful> {
  const { snapshot, restore, stop } = window;
  return {
    ...(snapshot === undefined ? {} : { snapshot: (w: StateWriter) => snapshot.call(window, w) }),
    ...(restore === undefined ? {} : { restore: (s: unknown, r: StateReader) => restore.call(window, s, r) }),
    ...(stop === undefined ? {} : { stop: () => stop.call(window) }),
  };
}

function createChain(stages: readonly ChainStage[], ctx: WindowContext): DataWindow {
  const [first, ...rest] = stages;
  if (first === undefined) throw new Error('empty window chain');
  if (first.def.name === 'groupwin') {
    return groupWindows((first.params as { keys: readonly BoundExpr[] }).keys, rest, ctx);
  }
  if (rest.length === 0) return first.def.create(first.params, ctx);
  const batchIndex = stages.findIndex((s) => s.def.traits.batching);
  return batchIndex < 0 ? intersect(stages, ctx) : intersectWithBatch(stages, batchIndex, ctx);
}

function groupWindows(
  keys: readonly BoundExpr[],
  rest: readonly ChainStage[],
  ctx: WindowContext,
): DataWindow {
  const keyOf = makeKeyFn(keys, ctx);
  const groups = new Map<unknown, DataWindow>();
  return {
    insert(row) {
      const key = keyOf(row);
      let window = groups.get(key);
      if (window === undefined) {
        window = createChain(rest, ctx);
        groups.set(key, window);
      }
      window.insert(row);
    },
    remove: (row) => groups.get(keyOf(row))?.remove(row) ?? false,
    contents() {
      const all: Row[] = [];
      for (const w of groups.values()) for (const r of w.contents()) all.push(r);
      return all;
    },
    size() {
      let n = 0;
      for (const w of groups.values()) n += w.size();
      return n;
    },
    // prev() under groupwin reads the window of the event's own group (EPL-SEMANTICS.md).
    prev: (row, n) => groups.get(keyOf(row))?.prev?.(row, n),
  };
}

/** The context a member window sees: the engine's, except that its posts go to `emit`. */
function memberContext(ctx: WindowContext, emit: WindowContext['emit']): WindowContext {
  return {
    now: () => ctx.now(),
    timers: ctx.timers,
    schedule: (due, onDue, spent) => ctx.schedule(due, onDue, spent),
    cancel: (id: TimerId) => ctx.cancel(id),
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

/** The members' contents, size and prev() are the first member's (Esper iterates views[0]). */
function firstMemberAccess(first: DataWindow): Pick<DataWindow, 'contents' | 'size'> {
  return { contents: () => first.contents(), size: () => first.size() };
}

function removeFromAll(windows: readonly DataWindow[], row: Row): boolean {
  let found = false;
  for (const w of windows) found = w.remove(row) || found;
  return found;
}

/**
 * What the member windows posted while one arrival went into them (Esper's local state of
 * the intersection views): the old events each posted, and whether each posted the arrival
 * as new. Reused across arrivals.
 */
class Capture {
  active = false;
  readonly postedNew: boolean[];
  readonly oldPerView: (Row[] | null)[];

  constructor(n: number) {
    this.postedNew = new Array<boolean>(n).fill(false);
    this.oldPerView = new Array<Row[] | null>(n).fill(null);
  }

  start(): void {
    this.active = true;
    this.postedNew.fill(false);
    this.oldPerView.fill(null);
  }

  record(i: number, arrival: Row, ins: Row[] | null, rem: Row[] | null): void {
    if (ins?.includes(arrival)) this.postedNew[i] = true;
    // Esper keeps the last post's old events per view (a copy: the window may reuse its array).
    if (rem !== null && rem.length > 0) this.oldPerView[i] = [...rem];
  }
}

/** Intersection without a batch window (Esper's IntersectDefaultView / IntersectAsymetricView). */
function intersect(stages: readonly ChainStage[], ctx: WindowContext): DataWindow {
  const asymmetric = stages.some((s) => FIRST_X.has(s.def.name));
  const capture = new Capture(stages.length);
  let arrival: Row | undefined;
  const windows: DataWindow[] = stages.map((stage, i) =>
    stage.def.create(
      stage.params,
      memberContext(ctx, (ins, rem) => {
        if (capture.active) {
          capture.record(i, arrival as Row, ins, rem);
          return;
        }
        // A window's own timer (expiry): the events leave the other windows and are posted.
        if (rem === null || rem.length === 0) return;
        removeFromOthers(windows, rem, i);
        ctx.emit(null, rem);
      }),
    ),
  );
  return {
    insert(row) {
      arrival = row;
      capture.start();
      try {
        for (const w of windows) w.insert(row);
      } finally {
        capture.active = false;
      }
      // A set (Esper's HashSet): an event evicted by two windows is posted once.
      const removal = new Set<Row>();
      if (asymmetric && !capture.postedNew.every(Boolean)) {
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
      if (!asymmetric) {
        // IntersectDefaultView posts the arrival as new even when a window evicted it at once.
        ctx.emit([row], evicted ? [...removal] : null);
        return;
      }
      // IntersectAsymetricView: the old events are posted only when some window evicted
      // (then with a refused arrival among them); the arrival is new unless it was removed.
      const newRows = removal.has(row) ? null : [row];
      const oldRows = evicted ? [...removal] : null;
      if (newRows !== null || oldRows !== null) ctx.emit(newRows, oldRows);
    },
    remove: (row) => removeFromAll(windows, row),
    ...firstMemberAccess(windows[0] as DataWindow),
  };
}

/** Intersection with exactly one batch window (Esper's IntersectBatchView). */
function intersectWithBatch(
  stages: readonly ChainStage[],
  batchIndex: number,
  ctx: WindowContext,
): DataWindow {
  const asymmetric = stages.some((s) => FIRST_X.has(s.def.name));
  const capture = new Capture(stages.length);
  let arrival: Row | undefined;
  let ignorePosts = false;
  const windows: DataWindow[] = [];
  stages.forEach((stage, i) => {
    const member = memberContext(ctx, (ins, rem) => {
      if (ignorePosts) return;
      if (capture.active) {
        capture.record(i, arrival as Row, ins, rem);
        return;
      }
      const hasNew = ins !== null && ins.length > 0;
      if (i === batchIndex) {
        // The batch posts (its timer, or its count filled): downstream sees it, and the
        // posted events leave the other windows. Both sides are empty only under
        // FORCE_UPDATE, which posts the empty interval on purpose.
        const hasOld = rem !== null && rem.length > 0;
        ctx.emit(hasNew ? ins : null, hasOld ? rem : null);
        if (hasNew) {
          ignorePosts = true;
          try {
            removeFromOthers(windows, ins, batchIndex);
          } finally {
            ignorePosts = false;
          }
        }
        return;
      }
      // Another window's own expiry: the events leave every other window, silently.
      if (rem === null || rem.length === 0) return;
      ignorePosts = true;
      try {
        removeFromOthers(windows, rem, i);
      } finally {
        ignorePosts = false;
      }
    });
    windows.push(stage.def.create(stage.params, member));
  });
  const batch = windows[batchIndex] as DataWindow;
  return {
    insert(row) {
      arrival = row;
      capture.start();
      try {
        for (let i = 0; i < windows.length; i++) if (i !== batchIndex) (windows[i] as DataWindow).insert(row);
      } finally {
        capture.active = false;
      }
      let removed = false;
      for (let i = 0; i < windows.length; i++) {
        const old = capture.oldPerView[i];
        if (old === null || old === undefined) continue;
        removeFromOthers(windows, old, i);
        if (old.includes(row)) removed = true;
      }
      // With a first-X window the arrival passes only if some other window posted it as new.
      const posted = !asymmetric || capture.postedNew.some((p, i) => p && i !== batchIndex);
      if (!removed && posted) batch.insert(row);
    },
    remove: (row) => removeFromAll(windows, row),
    contents: () => batch.contents(),
    size: () => batch.size(),
    prev: (row, n) => batch.prev?.(row, n),
  };
}

/** Esper's asymmetric data windows: they post nothing for an arrival they refuse. */
const FIRST_X = new Set(['firstlength', 'firstunique', 'firstevent']);
