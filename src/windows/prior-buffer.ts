/**
 * The buffer behind `prior(n, x)`: the event n positions before an event in the sequence of
 * events the statement's data window posted as new (Esper's PriorEventView, which Esper
 * appends at the END of the view chain, so it sees what the windows post, not the raw
 * arrivals). Each event keeps its own history from the moment it was posted:
 *
 * - bound (a data window below): when the window posts e as new, e's prior events are fixed
 *   (Esper's PriorEventBufferSingle/Multi); rows of the remove stream, posted later, read the
 *   history of their own posting. `prior(0, x)` is the event itself. An event stays looked-up
 *   until the window posts it as old (it is forgotten once that post has been processed).
 *   A batch window posts its events when the batch flushes, in batch order; a first-X window
 *   posts only the events it keeps, so refused events are no one's prior.
 * - unbound (no data window): prior(n) is the n-th newest arrival at evaluation time
 *   (Esper's PriorEventBufferUnbound); there are no old rows.
 *
 * State is in fields (the rolling ring and the per-event history) so it snapshots as data.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';

/** No event (a prior before the first posted event): −1 in a snapshot's id lists. */
const NONE = -1;

interface PriorBufferState {
  /** The last depth + 1 posted events, oldest first. */
  readonly recent: number[];
  /**
   * Bound mode: per event still looked up, depth + 1 ids: the event, then its prior
   * 1..depth events (−1: none), in the order the events were posted.
   */
  readonly history: Int32Array | null;
}

export class PriorBuffer implements Stateful<PriorBufferState> {
  /** The last `depth + 1` events posted as new, oldest first. */
  private recent: Row[] = [];
  /** Bound mode: per posted event, the events 1..depth before it (undefined: none). */
  private readonly history: Map<Row, (Row | undefined)[]> | undefined;

  constructor(
    /** The largest n any `prior(n, …)` of the statement asks for. */
    readonly depth: number,
    /** Whether a data window posts to it (otherwise every arrival is posted once). */
    readonly bound: boolean,
  ) {
    this.history = bound ? new Map() : undefined;
  }

  /** The window posted `inserted` as new: remember each one's prior events, oldest first. */
  posted(inserted: readonly Row[] | null): void {
    if (inserted === null) return;
    const recent = this.recent;
    const history = this.history;
    for (let i = 0; i < inserted.length; i++) {
      const row = inserted[i] as Row;
      recent.push(row);
      if (recent.length > this.depth + 1) recent.shift();
      if (history === undefined) continue;
      const before = new Array<Row | undefined>(this.depth);
      for (let n = 1; n <= this.depth; n++) before[n - 1] = recent[recent.length - 1 - n];
      history.set(row, before);
    }
  }

  /** The rows a post removed have been processed downstream: their history is no longer read. */
  forget(removed: readonly Row[] | null): void {
    if (removed === null || this.history === undefined) return;
    for (let i = 0; i < removed.length; i++) this.history.delete(removed[i] as Row);
  }

  /** `prior(n)` of `row`; undefined when there is none. */
  lookup(row: Row, n: number): Row | undefined {
    if (this.history === undefined) return this.recent[this.recent.length - 1 - n];
    const before = this.history.get(row);
    if (before === undefined) return undefined;
    return n === 0 ? row : before[n - 1];
  }

  snapshot(w: StateWriter): PriorBufferState {
    const history = this.history;
    if (history === undefined) return { recent: w.events(this.recent), history: null };
    const width = this.depth + 1;
    const flat = new Int32Array(history.size * width);
    let at = 0;
    for (const [row, before] of history) {
      flat[at++] = w.event(row);
      for (let n = 0; n < this.depth; n++) {
        const b = before[n];
        flat[at++] = b === undefined ? NONE : w.event(b);
      }
    }
    return { recent: w.events(this.recent), history: flat };
  }

  restore(state: PriorBufferState, r: StateReader): void {
    this.recent = r.events(state.recent);
    const history = this.history;
    if (history === undefined || state.history === null) return;
    history.clear();
    const flat = state.history;
    const width = this.depth + 1;
    for (let at = 0; at + width <= flat.length; at += width) {
      const before = new Array<Row | undefined>(this.depth);
      for (let n = 0; n < this.depth; n++) {
        const id = flat[at + 1 + n] as number;
        before[n] = id === NONE ? undefined : r.event(id);
      }
      history.set(r.event(flat[at] as number), before);
    }
  }

  stop(): void {
    this.recent = [];
    this.history?.clear();
  }
}
