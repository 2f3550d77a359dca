/**
 * A pattern's state tree as snapshot data (common/state.ts). Nodes, match records and timer
 * entries are written once each and referenced by number, so sharing survives a restore: a
 * record several nodes hold (an `every`'s begin state and its children's) comes back as one
 * object, which matters because a repetition writes into the record it received. Nodes are
 * reached from the root through children and parents, and from every pending timer (a
 * guard's timer may outlive its node's place in the tree, as in Esper, and still fire).
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter } from '../common/state.js';
import { valueKey } from '../common/value-key.js';
import type { MatchState } from './matched-events.js';
import type { PatternTag } from './pattern-plan.js';
import type { ScheduledOwner, TimerEntry, TimerEntryState } from './pattern-scheduler.js';
import type { NodeReader, NodeWriter, StateNode } from './state-node.js';

/** A value as data: events as `{ e: id }`, arrays as `{ a: […] }`, scalars as they are. */
type ValueData = null | number | string | boolean | { readonly e: number } | { readonly a: ValueData[] };

export interface NodeData {
  /** The node's plan node, by its depth-first position in the plan. */
  readonly plan: number;
  /** Its parent node; -1: the root; -2: a spawn evaluator (an instance `every` quit as it started). */
  readonly parent: number;
  readonly state: unknown;
}

export interface EntryData extends TimerEntryState {
  readonly owner: number;
}

export interface TreeData {
  readonly nodes: NodeData[];
  /** Match records: per plan tag, its value. */
  readonly records: ValueData[][];
  readonly entries: EntryData[];
}

export class TreeWriter implements NodeWriter {
  private readonly nodeIds = new Map<StateNode, number>();
  private readonly order: StateNode[] = [];
  private readonly recordIds = new Map<MatchState, number>();
  private readonly entryIds = new Map<TimerEntry, number>();
  readonly data: TreeData = { nodes: [], records: [], entries: [] };

  constructor(
    private readonly w: StateWriter,
    private readonly tags: readonly PatternTag[],
    private readonly planIndex: (n: StateNode) => number,
    private readonly parentOf: (n: StateNode) => StateNode | 'root' | 'spawn',
    private readonly ownerOf: (owner: ScheduledOwner) => StateNode,
  ) {}

  node(n: StateNode | null): number | null {
    if (n === null) return null;
    let id = this.nodeIds.get(n);
    if (id === undefined) {
      id = this.order.length;
      this.nodeIds.set(n, id);
      this.order.push(n);
    }
    return id;
  }

  /** Writes every node reached so far and everything they reach. */
  flush(): void {
    for (let i = this.data.nodes.length; i < this.order.length; i++) {
      const n = this.order[i] as StateNode;
      for (const c of n.children()) this.node(c);
      const parent = this.parentOf(n);
      const parentId = parent === 'root' ? -1 : parent === 'spawn' ? -2 : (this.node(parent) as number);
      this.data.nodes.push({ plan: this.planIndex(n), parent: parentId, state: n.save(this) });
    }
  }

  record(m: MatchState): number {
    let id = this.recordIds.get(m);
    if (id === undefined) {
      id = this.data.records.length;
      this.recordIds.set(m, id);
      this.data.records.push([]);
      this.data.records[id] = this.tags.map((t) => this.value(m[t.name]) as ValueData);
    }
    return id;
  }

  entry(e: TimerEntry | undefined): number | null {
    if (e === undefined || !e.queued) return null;
    let id = this.entryIds.get(e);
    if (id === undefined) {
      id = this.data.entries.length;
      this.entryIds.set(e, id);
      this.data.entries.push({ due: e.due, slot: e.slot, owner: this.node(this.ownerOf(e.owner)) as number });
    }
    return id;
  }

  value(v: unknown): ValueData {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
    if (Array.isArray(v)) return { a: v.map((x) => this.value(x)) };
    return { e: this.w.event(v as Row) };
  }
}

export class TreeReader implements NodeReader {
  private readonly records = new Map<number, MatchState>();
  private readonly entries = new Map<number, TimerEntry>();

  constructor(
    private readonly r: StateReader,
    private readonly data: TreeData,
    private readonly tags: readonly PatternTag[],
    private readonly nodes: readonly StateNode[],
    private readonly restoreEntry: (state: TimerEntryState, owner: ScheduledOwner) => TimerEntry,
  ) {}

  node(id: number | null): StateNode | null {
    return id === null ? null : (this.nodes[id] ?? null);
  }

  record(id: number): MatchState {
    let m = this.records.get(id);
    if (m === undefined) {
      const values = this.data.records[id] ?? [];
      m = {};
      this.tags.forEach((t, i) => {
        (m as MatchState)[t.name] = this.value(values[i] ?? null);
      });
      this.records.set(id, m);
    }
    return m;
  }

  entry(id: number | null, owner: ScheduledOwner): TimerEntry | undefined {
    if (id === null) return undefined;
    let e = this.entries.get(id);
    if (e === undefined) {
      const state = this.data.entries[id] as EntryData;
      e = this.restoreEntry(state, owner);
      this.entries.set(id, e);
    }
    return e;
  }

  value(v: unknown): unknown {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'object') return v;
    if ('a' in v) return (v.a as unknown[]).map((x) => this.value(x));
    return this.r.event((v as { e: number }).e);
  }
}

/**
 * The tree as a key that is the same for two states that differ only by a time shift: timer
 * due times relative to `now`, and schedule slots (`slot`, timer entries' and guards') and
 * filter registration numbers (`seq`) replaced by their rank, as only their order matters.
 * Used to find a pattern repeating itself (silent-period.ts).
 */
export function timeFreeKey(data: TreeData, now: number): string {
  const slots = new Set<number>();
  const seqs = new Set<number>();
  const collect = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      for (const x of v) collect(x);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'slot' && typeof x === 'number') slots.add(x);
      else if (k === 'seq' && typeof x === 'number') seqs.add(x);
      else collect(x);
    }
  };
  for (const n of data.nodes) collect(n.state);
  for (const e of data.entries) slots.add(e.slot);
  const slotRank = rankOf(slots);
  const seqRank = rankOf(seqs);
  const renumber = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map(renumber);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'slot' && typeof x === 'number') out[k] = slotRank.get(x);
      else if (k === 'seq' && typeof x === 'number') out[k] = seqRank.get(x);
      else out[k] = renumber(x);
    }
    return out;
  };
  return valueKey({
    nodes: data.nodes.map((n) => [n.plan, n.parent, renumber(n.state)]),
    records: data.records,
    entries: data.entries.map((e) => [e.due - now, slotRank.get(e.slot), e.owner]),
  });
}

function rankOf(values: Set<number>): Map<number, number> {
  return new Map([...values].sort((a, b) => a - b).map((v, i) => [v, i]));
}
