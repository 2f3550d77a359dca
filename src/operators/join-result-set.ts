/**
 * Esper's join result is a set of event combinations: when several streams post in one step,
 * a combination of two new events is found from both sides but posted once. Combinations are
 * compared by event identity, one nested map level per stream.
 */
import type { Row } from '../common/row.js';

type Level = Map<Row | undefined, Level | true>;

export class JoinResultSet {
  private root: Level = new Map();

  /** Adds the combination; false when it was already there. */
  add(events: readonly (Row | undefined)[]): boolean {
    let level = this.root;
    const last = events.length - 1;
    for (let i = 0; i < last; i++) {
      const e = events[i];
      let next = level.get(e) as Level | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(e, next);
      }
      level = next;
    }
    const e = events[last];
    if (level.has(e)) return false;
    level.set(e, true);
    return true;
  }

  clear(): void {
    if (this.root.size > 0) this.root = new Map();
  }
}
