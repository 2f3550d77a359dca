/**
 * Routes each event of one stream to the statements that read it. Statements filtering on
 * `property = constant` are found by one hash lookup per indexed property (Esper's filter
 * service), so a thousand statements on distinct symbols cost one lookup, not a thousand
 * predicate evaluations. The routing function is generated for the current set of indexed
 * properties (regenerated when it changes), so each lookup reads a named property.
 *
 * Order matters when statements interact within one event (an `on` action changing a named
 * window another statement reads, a variable another statement tests): as Esper's filter
 * service does, statements with a filter of their own are reached before statements without
 * one (FilterHandleSetNode matches its indexes, then its unfiltered callbacks), each group in
 * deployment order.
 */
import type { Row } from '../common/row.js';
import type { StatementEntry } from '../physical/physical-env.js';

export class StreamRouter {
  /** Read by the generated route function: entries with a filter not answered by an index. */
  unindexed: StatementEntry[] = [];
  /** Read by the generated route function: entries without any filter, reached last. */
  unfiltered: StatementEntry[] = [];
  /** property → value → entries whose filter requires property = value. */
  private readonly indexes = new Map<string, Map<unknown, StatementEntry[]>>();
  /** Shared windows register one entry for several statements. */
  private readonly refs = new Map<StatementEntry, number>();

  /**
   * Delivers one event to every entry whose indexed equality it satisfies. Entry arrays are
   * replaced, never mutated, so a statement deployed by a listener mid-route is safe.
   */
  route: (row: Row) => void = () => {};

  /**
   * `route` for a row lent for this call only (Engine.sendTransient): entries that can test
   * it (StatementEntry.transient) test the lent row, and the first entry that keeps the
   * event gets `copy(row)`, made once and shared by the entries after it, exactly the row
   * `route` would have delivered to all of them. The same entries in the same order, each
   * called once: an event that every filter refuses is never copied.
   */
  routeTransient: (row: Row, copy: (row: Row) => Row) => void = () => {};

  add(entry: StatementEntry): void {
    const refs = this.refs.get(entry) ?? 0;
    this.refs.set(entry, refs + 1);
    if (refs > 0) return;
    const key = entry.indexed[0];
    if (key === undefined) {
      if (entry.filtered === true) this.unindexed = [...this.unindexed, entry];
      else this.unfiltered = [...this.unfiltered, entry];
      this.regenerate();
      return;
    }
    let index = this.indexes.get(key.property);
    if (index === undefined) {
      index = new Map();
      this.indexes.set(key.property, index);
      this.regenerate();
    }
    index.set(key.value, [...(index.get(key.value) ?? []), entry]);
  }

  remove(entry: StatementEntry): void {
    const refs = this.refs.get(entry);
    if (refs === undefined) return;
    if (refs > 1) {
      this.refs.set(entry, refs - 1);
      return;
    }
    this.refs.delete(entry);
    const key = entry.indexed[0];
    if (key === undefined) {
      this.unindexed = this.unindexed.filter((e) => e !== entry);
      this.unfiltered = this.unfiltered.filter((e) => e !== entry);
      this.regenerate();
      return;
    }
    const index = this.indexes.get(key.property);
    const list = index?.get(key.value)?.filter((e) => e !== entry);
    if (index === undefined || list === undefined) return;
    if (list.length > 0) index.set(key.value, list);
    else index.delete(key.value);
  }

  get size(): number {
    return this.refs.size;
  }

  /** Generated for what is routed now: no loop over an empty list (route inlines better when small). */
  private regenerate(): void {
    const indexes = [...this.indexes.values()];
    const build = (name: string, params: string, prologue: string[], deliver: (entry: string) => string) => {
      const lines: string[] = [...prologue];
      if (this.unindexed.length > 0) {
        lines.push(
          'const unindexed = router.unindexed;',
          `for (let i = 0; i < unindexed.length; i++) ${deliver('unindexed[i]')}`,
        );
      }
      if (indexes.length > 0) lines.push('let hits;');
      [...this.indexes.keys()].forEach((property, i) => {
        lines.push(
          `hits = indexes[${i}].get(row[${JSON.stringify(property)}]);`,
          `if (hits !== undefined) for (let j = 0; j < hits.length; j++) ${deliver('hits[j]')}`,
        );
      });
      if (this.unfiltered.length > 0) {
        lines.push(
          'const unfiltered = router.unfiltered;',
          `for (let i = 0; i < unfiltered.length; i++) ${deliver('unfiltered[i]')}`,
        );
      }
      return new Function(
        'router',
        'indexes',
        `return function ${name}(${params}) {\n${lines.join('\n')}\n};`,
      )(this, indexes);
    };
    this.route = build('route', 'row', [], (entry) => `${entry}.accept(row);`) as (row: Row) => void;
    // The lent row's copy, made by the first entry that keeps the event.
    this.routeTransient = build('routeTransient', 'row, copy', ['let kept;'], (entry) =>
      [
        `{ const e = ${entry};`,
        '  if (e.transient !== true) e.accept(kept === undefined ? (kept = copy(row)) : kept);',
        '  else if (e.test(row)) e.take(e.copies === true ? row : kept === undefined ? (kept = copy(row)) : kept); }',
      ].join('\n'),
    ) as (row: Row, copy: (row: Row) => Row) => void;
  }
}
