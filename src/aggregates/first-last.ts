/**
 * first(x) / last(x): the value of the oldest / newest event aggregated, even when that
 * value is null (Esper). Events are kept in arrival order by identity, so a window removing
 * from the middle (unique, sort) costs O(1).
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import type { AggregateDef, Aggregator } from './aggregate-def.js';
import { InsertionList } from './state/insertion-list.js';

function positional(name: 'first' | 'last'): AggregateDef {
  return {
    name,
    syntax: `${name}(x)`,
    doc: `Value of x for the ${name === 'first' ? 'oldest' : 'newest'} event aggregated (null values included).`,
    signature: { minArgs: 1, maxArgs: 1, star: false, distinct: false },
    invertible: false,
    seesNulls: true,
    readsEvent: true,
    resultType: (types) => types[0] ?? 'any',
    create: () => new Positional(name),
  };
}

export const first = positional('first');
export const last = positional('last');

/**
 * first(x) / last(x) over a stream without a data window (no remove stream): Esper plans them
 * as firstever/lastever (AggregatorFirstEver / AggregatorLastEver), which skip null values and
 * keep one value, not the events.
 */
function ever(name: 'first' | 'last'): AggregateDef {
  return {
    name,
    syntax: `${name}(x)`,
    doc: `Value of x for the ${name === 'first' ? 'oldest' : 'newest'} event with a non-null x (no data window).`,
    signature: { minArgs: 1, maxArgs: 1, star: false, distinct: false },
    invertible: false,
    seesNulls: false,
    resultType: (types) => types[0] ?? 'any',
    create: () => new Ever(name),
  };
}

export const firstEver = ever('first');
export const lastEver = ever('last');

class Positional implements Aggregator {
  private readonly list = new InsertionList<unknown>();

  constructor(private readonly kind: 'first' | 'last') {}

  add(v: unknown, row: Row): void {
    this.list.append(row, v);
  }
  remove(_v: unknown, row: Row): void {
    this.list.remove(row);
  }
  value(): unknown {
    const list = this.list;
    return list.size === 0 ? null : ((this.kind === 'first' ? list.first() : list.last()) ?? null);
  }
  snapshot(w: StateWriter): unknown {
    return this.list.snapshot(w);
  }
  restore(state: unknown, r: StateReader): void {
    this.list.restore(state, r);
  }
}

class Ever implements Aggregator {
  private current: unknown = null;
  private set = false;

  constructor(private readonly kind: 'first' | 'last') {}

  add(v: unknown): void {
    if (this.kind === 'last' || !this.set) this.current = v;
    this.set = true;
  }
  remove(): void {}
  value(): unknown {
    return this.current;
  }
  snapshot(): unknown {
    return [this.current, this.set];
  }
  restore(state: unknown): void {
    [this.current, this.set] = state as [unknown, boolean];
  }
}

/**
 * first(x) / last(x) over join rows (Esper's AggregatorAccessLinearJoin): the events of the
 * argument's stream, each kept once at the place it first entered, with a count of the join
 * rows holding it; it leaves when its last row leaves. Keyed by the event (GroupState passes
 * it as the identity; a null-padded stream of an outer join adds nothing).
 */
function joined(name: 'first' | 'last'): AggregateDef {
  return { ...positional(name), create: () => new JoinedPositional(name) };
}

export const firstJoined = joined('first');
export const lastJoined = joined('last');

class JoinedPositional implements Aggregator {
  private readonly list = new InsertionList<unknown>();
  /** Join rows currently holding each event. */
  private readonly counts = new Map<Row, number>();

  constructor(private readonly kind: 'first' | 'last') {}

  add(v: unknown, event: Row): void {
    const n = this.counts.get(event) ?? 0;
    this.counts.set(event, n + 1);
    if (n === 0) this.list.append(event, v);
  }
  remove(_v: unknown, event: Row): void {
    const n = this.counts.get(event);
    if (n === undefined) return;
    if (n > 1) {
      this.counts.set(event, n - 1);
      return;
    }
    this.counts.delete(event);
    this.list.remove(event);
  }
  value(): unknown {
    const list = this.list;
    return list.size === 0 ? null : ((this.kind === 'first' ? list.first() : list.last()) ?? null);
  }
  snapshot(w: StateWriter): unknown {
    return [this.list.snapshot(w), [...this.counts].map(([event, n]) => [w.event(event), n])];
  }
  restore(state: unknown, r: StateReader): void {
    const [list, counts] = state as [unknown, [number, number][]];
    this.list.restore(list, r);
    for (const [id, n] of counts) this.counts.set(r.event(id), n);
  }
}
