/**
 * What a named window's data window does when an `on` action hands it new rows (inserted or
 * updated copies) and old rows (deleted, or replaced by their copies) in one step: Esper's
 * `view.update(newData, oldData)` of the remove-stream view variants a named window uses,
 * kind by kind (the views' code is the reference, quirks included):
 * - length (LengthWindowViewRStream): drop the old rows, append the new, expire the overflow;
 *   post the new rows and the expired rows, or the old rows when nothing expired.
 * - time, keepall, ext_timed, time_accum and chains: drop the old rows, add the new (a time
 *   window stamps them now: an updated row gets a fresh expiry); post the new rows and the
 *   old rows as given.
 * - sort: drop the old rows it holds, add the new; post the removed and the displaced rows.
 * - unique (UniqueByPropertyView): the new rows first (each replaces its key's row, posted as
 *   old), then the old rows that are still their key's row.
 * - firstunique / firstevent: the old rows first, then the new ones the window accepts.
 * - firstlength: the new rows while there is room (only those are posted), then the old.
 * - lastevent: the new rows (each replaces the last, posted as old), then an old row that is
 *   still the last.
 * - batch windows (TimeBatchViewRStream, LengthBatchViewRStream…): the old rows leave the
 *   current batch silently (a released batch keeps them: they are posted as old with it), the
 *   new rows join the batch (a length batch may fill and flush).
 * Built on the window's insert/remove: `insert` posts are captured and combined into one post.
 */
import type { Row } from '../common/row.js';
import type { DataWindow } from '../windows/window-def.js';

export type UpdatePolicy =
  | 'length'
  | 'as-given'
  | 'sort'
  | 'unique'
  | 'old-first'
  | 'firstlength'
  | 'lastevent'
  | 'batch';

/** The policy of a window chain: by its single window's kind; chains and others post the old rows as given. */
export function updatePolicy(
  stages: readonly {
    readonly def: { readonly name: string; readonly traits: { readonly batching: boolean } };
  }[],
): UpdatePolicy {
  if (stages.some((s) => s.def.traits.batching)) return 'batch';
  if (stages.length !== 1) return 'as-given';
  switch (stages[0]?.def.name) {
    case 'length':
      return 'length';
    case 'unique':
      return 'unique';
    case 'firstunique':
    case 'firstevent':
      return 'old-first';
    case 'firstlength':
      return 'firstlength';
    case 'lastevent':
      return 'lastevent';
    case 'sort':
      return 'sort';
    default:
      return 'as-given';
  }
}

/** What the window posts during `run` (its insert calls), gathered into one step. */
export interface Capture {
  readonly ins: Row[];
  readonly rem: Row[];
}

/**
 * Applies (new, old) to `window`; `capture(run)` runs `run` with the window's posts gathered.
 * Returns the one (new, old) post the step makes.
 */
export function applyUpdate(
  policy: UpdatePolicy,
  window: DataWindow,
  newRows: readonly Row[],
  oldRows: readonly Row[],
  capture: (run: () => void) => Capture,
): Capture {
  const insertAll = () => {
    for (const row of newRows) window.insert(row);
  };
  switch (policy) {
    case 'length': {
      for (const row of oldRows) window.remove(row);
      const posted = capture(insertAll);
      return { ins: posted.ins, rem: posted.rem.length > 0 ? posted.rem : [...oldRows] };
    }
    case 'as-given': {
      for (const row of oldRows) window.remove(row);
      const posted = capture(insertAll);
      return { ins: posted.ins, rem: [...oldRows, ...posted.rem] };
    }
    case 'sort': {
      // SortWindowView posts the old rows it held and the rows the new ones push out.
      const removed = oldRows.filter((row) => window.remove(row));
      const posted = capture(insertAll);
      return { ins: posted.ins, rem: [...removed, ...posted.rem] };
    }
    case 'unique':
    case 'lastevent': {
      const posted = capture(insertAll);
      const removed = oldRows.filter((row) => window.remove(row));
      return { ins: posted.ins, rem: [...posted.rem, ...removed] };
    }
    case 'old-first': {
      const removed = oldRows.filter((row) => window.remove(row));
      const posted = capture(insertAll);
      return { ins: posted.ins, rem: [...removed, ...posted.rem] };
    }
    case 'firstlength': {
      const posted = capture(insertAll);
      const removed = oldRows.filter((row) => window.remove(row));
      return { ins: posted.ins, rem: [...posted.rem, ...removed] };
    }
    case 'batch': {
      for (const row of oldRows) window.remove(row);
      return capture(insertAll);
    }
  }
}
