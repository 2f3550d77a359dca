/**
 * The DataWindow accessors for windows that keep their current events in a plain array
 * (batch windows, time_accum): removal by identity, contents, size and prev() by position.
 */
import type { Row } from '../common/row.js';
import type { DataWindow } from './window-def.js';

export function arrayAccess(
  rows: () => Row[],
): Pick<DataWindow, 'remove' | 'contents' | 'size' | 'relative'> {
  return {
    remove(row) {
      const list = rows();
      const i = list.indexOf(row);
      if (i < 0) return false;
      list.splice(i, 1);
      return true;
    },
    contents: () => [...rows()],
    size: () => rows().length,
    relative(row, n) {
      const list = rows();
      const i = list.indexOf(row);
      return i < 0 ? undefined : list[i - n];
    },
  };
}
