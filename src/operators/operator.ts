/**
 * The push protocol every operator shares. One call is one causal step: the insert stream
 * and the remove stream travel together because Esper delivers them in one listener call
 * (a length window posts the arrival and the evicted event at once). Null means an absent side.
 */
import type { Row } from '../common/row.js';

export interface Operator {
  /**
   * `force`: deliver even when both sides are empty. Set only by output rate limiting for a
   * time-driven output with nothing to report, which Esper posts as a listener call with
   * both sides null; operators in between pass it on.
   */
  onUpdate(inserted: Row[] | null, removed: Row[] | null, force?: boolean): void;
}

/** True when a side carries rows. */
export function hasRows(rows: Row[] | null | undefined): rows is Row[] {
  return rows !== null && rows !== undefined && rows.length > 0;
}
