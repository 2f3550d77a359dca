import { exprKey } from '../expr/simplify-expr.js';
/**
 * One window instance for statements of one deployment that read the same stream through
 * the same stream filter and the same window stages.
 * Law: a data window's output depends only on the events that reach it and the clock;
 * statements deployed together see the same events from the same start time, so they see
 * identical window output (pinned by test/golden/shared-window-*).
 *   Before: A: Window #length(100) ← StreamFilter (symbol = 'S1') ← EventSource StockTick
 *           B: Window #length(100) ← StreamFilter (symbol = 'S1') ← EventSource StockTick
 *   After:  A, B: Window #length(100) shared=w0 ← …
 */
import type { LogicalPlan, ModulePlan, WindowNode } from '../plan/logical-plan.js';
import { forEachNode } from '../plan/logical-plan.js';
import { mapNodes } from './map-statements.js';
import type { OptimizerRule } from './rule.js';

/** A key for everything below and including the window, or undefined when it can't be shared. */
function windowKey(node: WindowNode): string | undefined {
  const parts: string[] = [];
  let shareable = true;
  forEachNode(node, (n) => {
    switch (n.kind) {
      case 'Window':
        parts.push(
          `W:${n.union === true ? 'U' : ''}${n.stages.map((s) => `${s.def.name}(${safeJson(s.params)})`).join('')}`,
        );
        break;
      case 'StreamFilter':
        parts.push(`F:${JSON.stringify(n.indexed)}:${n.predicate === undefined ? '' : exprKey(n.predicate)}`);
        break;
      case 'EventSource':
        parts.push(`S:${n.stream}`);
        break;
      default:
        // prior buffers and pruned copies are per statement
        shareable = false;
    }
  });
  return shareable ? parts.join('|') : undefined;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'undefined';
  } catch {
    return `unshareable:${Math.random()}`;
  }
}

export const shareWindows: OptimizerRule = {
  name: 'share-windows',
  law: 'identical (stream, filter, window) subtrees deployed together produce identical output',
  rewrite(plan: ModulePlan): ModulePlan {
    const counts = new Map<string, number>();
    for (const stmt of plan.statements) {
      forEachNode(stmt.root, (n) => {
        if (n.kind !== 'Window' || n.shareKey !== undefined) return;
        const key = windowKey(n);
        if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
      });
    }
    const ids = new Map<string, string>();
    for (const [key, count] of counts) if (count > 1) ids.set(key, `w${ids.size}`);
    if (ids.size === 0) return plan;
    return mapNodes(plan, (n: LogicalPlan) => {
      if (n.kind !== 'Window' || n.shareKey !== undefined) return n;
      const key = windowKey(n);
      const id = key === undefined ? undefined : ids.get(key);
      return id === undefined ? n : { ...n, shareKey: id };
    });
  },
};
