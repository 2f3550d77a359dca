/**
 * A stream's whole `#a(…)#b(…)` list at runtime.
 *
 * Several windows intersect (Esper's IntersectDefaultView / IntersectAsymetricView): an event
 * stays only while every window keeps it; when one window evicts it, it is removed from the
 * others and the step posts it once as old. With one batch window (IntersectBatchView) the
 * other windows act as gates: an arrival reaches the batch only if they all accept it, their
 * later evictions do not leave the batch (Esper's batch views ignore removals), only the batch
 * posts, and a posted batch is removed from the other windows.
 *
 * `#groupwin(keys)` runs the windows after it once per key value (Esper's GroupByView).
 */
import { WeirError } from '../common/errors.js';
import type { Row } from '../common/row.js';
import type { Span } from '../common/span.js';
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

export function createWindowChain(stages: readonly ChainStage[], ctx: WindowContext): DataWindow {
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
        window = createWindowChain(rest, ctx);
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
    // prev() under groupwin counts within the event's own group (EPL-SEMANTICS.md).
    relative: (row, n) => groups.get(keyOf(row))?.relative(row, n),
  };
}

/** The context a member window sees: the engine's, except that its posts go to `emit`. */
function memberContext(ctx: WindowContext, emit: WindowContext['emit']): WindowContext {
  return {
    now: () => ctx.now(),
    schedule: (due: number, onDue: (due: number) => void): TimerId => ctx.schedule(due, onDue),
    cancel: (id: TimerId) => ctx.cancel(id),
    emit,
    compile: (expr: BoundExpr) => ctx.compile(expr),
    startTime: ctx.startTime,
  };
}

function pushUnique(into: Row[], rows: readonly Row[]): void {
  for (const r of rows) if (!into.includes(r)) into.push(r);
}

/**
 * What the member windows posted while one arrival went into them: whether each posted the
 * arrival as new, and what each evicted. Reused across arrivals (no allocation per event).
 */
class Capture {
  active = false;
  arrival: Row | undefined;
  readonly accepted: boolean[];
  readonly evicted: Row[][];

  constructor(n: number) {
    this.accepted = new Array<boolean>(n).fill(false);
    this.evicted = Array.from({ length: n }, () => [] as Row[]);
  }

  start(row: Row): void {
    this.active = true;
    this.arrival = row;
    this.accepted.fill(false);
    for (const e of this.evicted) e.length = 0;
  }

  record(i: number, ins: Row[] | null, rem: Row[] | null): void {
    if (ins !== null && this.arrival !== undefined && ins.includes(this.arrival)) this.accepted[i] = true;
    if (rem !== null) for (const r of rem) (this.evicted[i] as Row[]).push(r);
  }

  stop(): void {
    this.active = false;
    this.arrival = undefined;
  }
}

/** Removes `rows` from every member window except `except` (silently: no posts). */
function removeFromOthers(windows: readonly DataWindow[], rows: readonly Row[], except: number): void {
  for (let j = 0; j < windows.length; j++) {
    if (j === except) continue;
    const w = windows[j] as DataWindow;
    for (const r of rows) w.remove(r);
  }
}

/**
 * Intersection without a batch window. First-X windows (firstlength, firstunique, firstevent)
 * post nothing for an arrival they refuse: it then leaves every window unposted. An arrival a
 * window evicts at once (a sort window it does not make) is posted as new and old.
 */
function intersect(stages: readonly ChainStage[], ctx: WindowContext): DataWindow {
  const capture = new Capture(stages.length);
  const windows: DataWindow[] = stages.map((stage, i) =>
    stage.def.create(
      stage.params,
      memberContext(ctx, (ins, rem) => {
        if (capture.active) {
          capture.record(i, ins, rem);
          return;
        }
        // A window's own timer (expiry): the events leave every window, posted once.
        if (rem !== null && rem.length > 0) removeFromOthers(windows, rem, i);
        const hasNew = ins !== null && ins.length > 0;
        const hasOld = rem !== null && rem.length > 0;
        if (hasNew || hasOld) ctx.emit(hasNew ? ins : null, hasOld ? rem : null);
      }),
    ),
  );
  const first = windows[0] as DataWindow;
  return {
    insert(row) {
      capture.start(row);
      try {
        for (const w of windows) w.insert(row);
      } finally {
        capture.stop();
      }
      const kept = capture.accepted.every(Boolean);
      let removed: Row[] | null = null;
      for (let i = 0; i < windows.length; i++) {
        const evicted = capture.evicted[i] as Row[];
        if (evicted.length === 0) continue;
        removeFromOthers(windows, evicted, i);
        removed ??= [];
        pushUnique(removed, evicted);
      }
      if (!kept) {
        // Refused by a first-X window: not in the intersection, so never posted at all.
        for (const w of windows) w.remove(row);
        if (removed !== null) {
          const at = removed.indexOf(row);
          if (at >= 0) removed.splice(at, 1);
          if (removed.length === 0) removed = null;
        }
      }
      if (kept || removed !== null) ctx.emit(kept ? [row] : null, removed);
    },
    remove(row) {
      let found = false;
      for (const w of windows) found = w.remove(row) || found;
      return found;
    },
    contents: () => first.contents(),
    size: () => first.size(),
    relative: (row, n) => first.relative(row, n),
  };
}

/** Intersection with exactly one batch window (Esper's IntersectBatchView). */
function intersectWithBatch(
  stages: readonly ChainStage[],
  batchIndex: number,
  ctx: WindowContext,
): DataWindow {
  const capture = new Capture(stages.length);
  const windows: DataWindow[] = [];
  const removeFromGates = (rows: readonly Row[], except: number) => {
    for (let j = 0; j < windows.length; j++) {
      if (j === except || j === batchIndex) continue;
      const w = windows[j] as DataWindow;
      for (const r of rows) w.remove(r);
    }
  };
  stages.forEach((stage, i) => {
    const member = memberContext(ctx, (ins, rem) => {
      if (i === batchIndex) {
        // The batch posts (on its timer or when its count fills): downstream sees it, and
        // the posted events leave the other windows.
        const hasNew = ins !== null && ins.length > 0;
        const hasOld = rem !== null && rem.length > 0;
        if (hasNew) removeFromOthers(windows, ins, batchIndex);
        // Both sides empty only under FORCE_UPDATE, which posts the empty interval on purpose.
        ctx.emit(hasNew ? ins : null, hasOld ? rem : null);
        return;
      }
      if (capture.active) {
        capture.record(i, ins, rem);
        return;
      }
      // A gate window's own expiry: gone from the other gates, not posted, still batched.
      if (rem !== null && rem.length > 0) removeFromGates(rem, i);
    });
    windows.push(stage.def.create(stage.params, member));
  });
  const batch = windows[batchIndex] as DataWindow;
  return {
    insert(row) {
      capture.start(row);
      try {
        for (let i = 0; i < windows.length; i++) if (i !== batchIndex) (windows[i] as DataWindow).insert(row);
      } finally {
        capture.stop();
      }
      let admitted = true;
      for (let i = 0; i < windows.length; i++) {
        if (i === batchIndex) continue;
        if (!capture.accepted[i]) admitted = false;
        const evicted = capture.evicted[i] as Row[];
        if (evicted.length === 0) continue;
        if (evicted.includes(row)) admitted = false;
        removeFromGates(evicted, i);
      }
      if (admitted) batch.insert(row);
      else removeFromGates([row], -1);
    },
    remove(row) {
      let found = false;
      for (const w of windows) found = w.remove(row) || found;
      return found;
    },
    contents: () => batch.contents(),
    size: () => batch.size(),
    relative: (row, n) => batch.relative(row, n),
  };
}
