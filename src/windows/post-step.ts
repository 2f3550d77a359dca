/** Posting one step of a window's update(new, old) (window-def.ts, DataWindow.update). */
import type { Row } from '../common/row.js';
import type { WindowContext } from './window-def.js';

/**
 * Posts `inserted` as new and `removed` as old in one step, an empty side as null, and
 * nothing when both are empty (Esper calls its child with two nulls; nothing downstream
 * reacts to that outside FORCE_UPDATE batches, which post through their flush). Copies: the
 * caller's arrays may be reused.
 */
export function postStep(
  ctx: Pick<WindowContext, 'emit'>,
  inserted: readonly Row[] | null,
  removed: readonly Row[] | null,
): void {
  const ins = inserted === null || inserted.length === 0 ? null : [...inserted];
  const rem = removed === null || removed.length === 0 ? null : [...removed];
  if (ins !== null || rem !== null) ctx.emit(ins, rem);
}

/** Pushes the rows of `rows` that `held` does not hold yet (Esper's LinkedHashSet.add). */
export function addAbsent(
  held: { indexOf(row: Row): number; push(row: Row): void },
  rows: readonly Row[],
): void {
  for (const row of rows) if (held.indexOf(row) < 0) held.push(row);
}
