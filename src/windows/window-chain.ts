import { WeirError } from '../common/errors.js';
/**
 * A stream's whole `#a(…)#b(…)` list at runtime. Several windows intersect (Esper): an
 * event stays only while every window keeps it; when one window evicts it, it is removed
 * from the others and posted once as old. `#groupwin(keys)` runs the windows after it once
 * per key value.
 */
import type { Row } from '../common/row.js';
import type { Span } from '../common/span.js';
import type { BoundExpr } from '../plan/expr.js';
import { makeKeyFn } from './key-fn.js';
import type { DataWindow, WindowContext, WindowDef } from './window-def.js';

export interface ChainStage {
  readonly def: WindowDef;
  readonly params: unknown;
}

/** Compile-time checks on a window list, with the span of the offending window. */
export function validateWindowChain(stages: readonly ChainStage[], spans: readonly Span[]): void {
  stages.forEach((stage, i) => {
    const span = spans[i] as Span;
    if (stage.def.name === 'groupwin') {
      if (i !== 0) {
        throw new WeirError(
          'analyze/invalid-window-parameter',
          '#groupwin must come first in the window list',
          { span },
        );
      }
      if (stages.length === 1) {
        throw new WeirError(
          'analyze/invalid-window-parameter',
          '#groupwin must be followed by a data window, as in #groupwin(symbol)#length(10)',
          { span },
        );
      }
    }
  });
  const data = stages.filter((s) => s.def.name !== 'groupwin');
  const batches = data.filter((s) => s.def.traits.batching);
  if (batches.length > 0 && data.length > 1) {
    const at = stages.indexOf(batches[batches.length > 1 ? 1 : 0] as ChainStage);
    const message =
      batches.length > 1
        ? 'An intersection may contain at most one batch window'
        : `Intersecting the batch window #${batches[0]?.def.name} with other windows is not supported yet`;
    throw new WeirError('analyze/invalid-window-parameter', message, { span: spans[at] as Span });
  }
}

export function createWindowChain(stages: readonly ChainStage[], ctx: WindowContext): DataWindow {
  const [first, ...rest] = stages;
  if (first === undefined) throw new Error('empty window chain');
  if (first.def.name === 'groupwin')
    return groupWindows((first.params as { keys: BoundExpr[] }).keys, rest, ctx);
  if (rest.length === 0) return first.def.create(first.params, ctx);
  return intersect(stages, ctx);
}

function groupWindows(
  keys: readonly BoundExpr[],
  rest: readonly ChainStage[],
  ctx: WindowContext,
): DataWindow {
  const keyOf = makeKeyFn(keys, ctx);
  const groups = new Map<unknown, DataWindow>();
  const groupOf = (row: Row) => groups.get(keyOf(row));
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
    remove: (row) => groupOf(row)?.remove(row) ?? false,
    contents: () => [...groups.values()].flatMap((w) => w.contents()),
    size: () => {
      let n = 0;
      for (const w of groups.values()) n += w.size();
      return n;
    },
    relative: (row, n) => groupOf(row)?.relative(row, n),
  };
}

interface Capture {
  readonly row: Row;
  readonly accepted: boolean[];
  readonly removed: Row[];
  current: number;
}

function intersect(stages: readonly ChainStage[], ctx: WindowContext): DataWindow {
  let capture: Capture | undefined;
  const windows: DataWindow[] = [];
  const removeEverywhere = (rows: readonly Row[], except: number) => {
    for (const r of rows) windows.forEach((w, j) => j !== except && w.remove(r));
  };
  stages.forEach((stage, i) => {
    const emit = (ins: Row[] | null, rem: Row[] | null) => {
      if (capture !== undefined) {
        if (ins?.includes(capture.row)) capture.accepted[capture.current] = true;
        if (rem !== null) capture.removed.push(...rem);
        return;
      }
      // A timer in one window (expiry): the events leave every window, posted once.
      if (rem !== null && rem.length > 0) {
        removeEverywhere(rem, i);
        ctx.emit(ins, rem);
      } else if (ins !== null && ins.length > 0) ctx.emit(ins, null);
    };
    windows.push(stage.def.create(stage.params, { ...ctx, emit }));
  });
  const first = windows[0] as DataWindow;
  return {
    insert(row) {
      const c: Capture = { row, accepted: windows.map(() => false), removed: [], current: 0 };
      capture = c;
      try {
        windows.forEach((w, i) => {
          c.current = i;
          w.insert(row);
        });
      } finally {
        capture = undefined;
      }
      const keptByAll = c.accepted.every(Boolean);
      let removed = [...new Set(c.removed)];
      if (!keptByAll) {
        // Not in every window, so not in the intersection: take it out where it went in.
        for (const w of windows) w.remove(row);
        removed = removed.filter((r) => r !== row);
      }
      removeEverywhere(removed, -1);
      const newRows = keptByAll ? [row] : null;
      if (newRows !== null || removed.length > 0) ctx.emit(newRows, removed.length > 0 ? removed : null);
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
