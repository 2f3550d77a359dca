/**
 * Routes each event of one stream to the statements that read it. Statements filtering on
 * `property = constant` are found by one hash lookup per indexed property (Esper's filter
 * service), so a thousand statements on distinct symbols cost one lookup, not a thousand
 * predicate evaluations.
 */
import type { Row } from '../common/row.js';
import type { StatementEntry } from '../physical/plan-operators.js';

export class StreamRouter {
  private unindexed: StatementEntry[] = [];
  /** property → value → entries whose filter requires property = value. */
  private readonly indexes = new Map<string, Map<unknown, StatementEntry[]>>();
  private indexList: [string, Map<unknown, StatementEntry[]>][] = [];
  /** Shared windows register one entry for several statements. */
  private readonly refs = new Map<StatementEntry, number>();

  add(entry: StatementEntry): void {
    const refs = this.refs.get(entry) ?? 0;
    this.refs.set(entry, refs + 1);
    if (refs > 0) return;
    const key = entry.indexed[0];
    if (key === undefined) {
      this.unindexed = [...this.unindexed, entry];
      return;
    }
    let index = this.indexes.get(key.property);
    if (index === undefined) {
      index = new Map();
      this.indexes.set(key.property, index);
      this.indexList = [...this.indexes];
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

  /** Arrays are replaced, never mutated, so a statement deployed by a listener mid-route is safe. */
  route(row: Row): void {
    const unindexed = this.unindexed;
    for (let i = 0; i < unindexed.length; i++) (unindexed[i] as StatementEntry).accept(row);
    const indexes = this.indexList;
    for (let i = 0; i < indexes.length; i++) {
      const [property, index] = indexes[i] as [string, Map<unknown, StatementEntry[]>];
      const hits = index.get(row[property]);
      if (hits === undefined) continue;
      for (let j = 0; j < hits.length; j++) (hits[j] as StatementEntry).accept(row);
    }
  }
}
