/**
 * The rows an event makes in an outer join, assembled over its lookup tree as Esper's
 * LookupInstructionExecNode and assembly nodes do:
 * - an event looks up its children's partners, required children first; when a required
 *   child finds none, the event makes no row;
 * - a child's rows are those of each partner found; an event combines its children's rows
 *   (a cartesian product), a child that made no row leaving its streams null;
 * - an event whose children made no row at all makes a row alone (its children's streams
 *   null) when every child is optional, and none otherwise;
 * - when a strict stream (plan/outer-join-plan.ts) met events but none found its required
 *   partners, the root event makes no row at all.
 * Rows are slot arrays (one event or undefined per stream).
 */
import type { Row } from '../common/row.js';
import type { JoinLookup, JoinProbe } from './join-index.js';

export type Slots = (Row | undefined)[];

export interface OuterLookupRuntime {
  readonly stream: number;
  readonly required: boolean;
  /** undefined: every event of the stream is a candidate (`scan`). */
  readonly index: JoinLookup | undefined;
  /** Keys taken from the parent's event, one per index key. */
  readonly probes: readonly JoinProbe[];
  readonly children: readonly OuterLookupRuntime[];
}

export interface OuterPlanRuntime {
  readonly root: OuterLookupRuntime;
  readonly strict: readonly number[];
}

export class OuterJoinRows {
  /** Per stream, how many of its events found their required partners (for `strict`). */
  private readonly passed: number[];

  constructor(
    private readonly streamCount: number,
    /** A stream's current events, for lookups without an equality. */
    private readonly all: (stream: number) => Set<Row> | undefined,
  ) {
    this.passed = new Array<number>(streamCount).fill(0);
  }

  /** The rows of `event`, arriving (or leaving) on the plan's root stream. */
  rowsOf(plan: OuterPlanRuntime, event: Row): Slots[] {
    this.passed.fill(0);
    const rows = this.assemble(plan.root, event);
    for (const s of plan.strict) if (this.passed[s] === 0) return [];
    return rows;
  }

  private assemble(node: OuterLookupRuntime, event: Row): Slots[] {
    const children = node.children;
    if (children.length === 0) return [this.alone(node.stream, event)];
    const found: (Set<Row> | undefined)[] = [];
    for (const child of children) {
      const partners = this.lookup(child, event);
      if (child.required && (partners === undefined || partners.size === 0)) return [];
      found.push(partners);
    }
    this.passed[node.stream] = (this.passed[node.stream] ?? 0) + 1;
    let rows: Slots[] | undefined;
    let allOptional = true;
    children.forEach((child, i) => {
      if (child.required) allOptional = false;
      const childRows: Slots[] = [];
      for (const partner of found[i] ?? []) {
        for (const r of this.assemble(child, partner)) childRows.push(r);
      }
      if (childRows.length > 0) rows = rows === undefined ? childRows : product(rows, childRows);
    });
    if (rows === undefined) return allOptional ? [this.alone(node.stream, event)] : [];
    for (const r of rows) r[node.stream] = event;
    return rows;
  }

  private lookup(child: OuterLookupRuntime, parentEvent: Row): Set<Row> | undefined {
    const index = child.index;
    if (index === undefined) return this.all(child.stream);
    const probes = child.probes;
    if (probes.length === 1) return index.lookup1((probes[0] as JoinProbe).key(parentEvent));
    return index.lookup(probes.map((p) => p.key(parentEvent)));
  }

  private alone(stream: number, event: Row): Slots {
    const slots: Slots = new Array<Row | undefined>(this.streamCount).fill(undefined);
    slots[stream] = event;
    return slots;
  }
}

/** Every combination of a row of `a` with a row of `b` (their streams are disjoint). */
function product(a: readonly Slots[], b: readonly Slots[]): Slots[] {
  const out: Slots[] = [];
  for (const left of a) {
    for (const right of b) {
      const merged = left.slice();
      for (let k = 0; k < right.length; k++) if (right[k] !== undefined) merged[k] = right[k];
      out.push(merged);
    }
  }
  return out;
}
