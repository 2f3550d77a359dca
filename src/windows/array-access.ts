/**
 * Contents and size for windows that keep their current events in a plain array (batch
 * windows, time_accum).
 */
import type { Row } from '../common/row.js';
import type { DataWindow } from './window-def.js';

export function arrayAccess(rows: () => Row[]): Pick<DataWindow, 'contents' | 'size'> {
  return {
    contents: () => [...rows()],
    size: () => rows().length,
  };
}
