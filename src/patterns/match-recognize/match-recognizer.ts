/**
 * match_recognize at runtime: per partition, the live threads of the row-pattern NFA. Each
 * row advances every thread whose waiting variable's `define` holds (other variables read
 * as their last assigned row, `prev` as the partition's previous rows). As in Esper, a match
 * is posted as soon as a thread reaches the accepting state; among matches ending on the
 * same row the earliest start (then the preferred path) wins unless `all matches`, and the
 * skip strategy decides which live threads survive it.
 */
import type { Row } from '../../common/row.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import type { CompiledExpr, EvalFrame } from '../../expr/eval-frame.js';
import type { TimerId } from '../../windows/window-def.js';
import type { MatchRecognizePlan, MeasureAggregate } from './mr-plan.js';
import { closure } from './nfa.js';

export interface MatchRecognizeContext {
  now(): number;
  schedule(due: number, onDue: (due: number) => void): TimerId;
  cancel(id: TimerId): void;
  compile(expr: BoundExpr): CompiledExpr;
  /** The measures rows of every match completed by one row, in one call. */
  emit(rows: Row[]): void;
  readonly maxLiveThreads: number;
  onCapReached(): void;
}

interface Thread {
  readonly state: number;
  readonly assigned: readonly (readonly [string, Row])[];
  /** Sequence number of the first and of the last row consumed. */
  readonly start: number;
  readonly end: number;
}

interface Partition {
  threads: Thread[];
  last: Row | undefined;
  /** With `interval`: the longest accepting thread per start, and the interval's timer per start. */
  readonly pending: Map<number, Thread>;
  readonly timers: Map<number, TimerId>;
}

function aggregate(a: MeasureAggregate, rows: readonly Row[]): unknown {
  const values = rows.map((r) => r[a.property] ?? null);
  const nums = values.filter((v): v is number => typeof v === 'number');
  switch (a.fn) {
    case 'first':
      return values.length === 0 ? null : values[0];
    case 'last':
      return values.length === 0 ? null : values[values.length - 1];
    case 'count':
      return values.filter((v) => v !== null).length;
    case 'sum':
      return nums.length === 0 ? null : nums.reduce((x, y) => x + y, 0);
    case 'avg':
      return nums.length === 0 ? null : nums.reduce((x, y) => x + y, 0) / nums.length;
    case 'min':
      return nums.length === 0 ? null : Math.min(...nums);
    case 'max':
      return nums.length === 0 ? null : Math.max(...nums);
  }
}

export class MatchRecognizer {
  private readonly partitions = new Map<unknown, Partition>();
  private readonly previous = new WeakMap<Row, Row | undefined>();
  private readonly defines = new Map<string, CompiledExpr>();
  private readonly partitionKey: (row: Row) => unknown;
  private readonly measures: { name: string; fn: CompiledExpr }[];
  private readonly evalCtx: EvalFrame & { tags: Record<string, unknown> };
  private seq = 0;
  private live = 0;
  private dropped = 0;

  constructor(
    private readonly plan: MatchRecognizePlan,
    private readonly ctx: MatchRecognizeContext,
  ) {
    for (const [variable, condition] of plan.defines) this.defines.set(variable, ctx.compile(condition));
    const keys = plan.partitionBy.map((p) => ctx.compile(p));
    this.evalCtx = {
      aggValues: [],
      prior: () => undefined,
      prev: (row, n) => {
        let r: Row | undefined = row as Row;
        for (let i = 0; i < n && r !== undefined; i++) r = this.previous.get(r);
        return r;
      },
      tags: {},
    };
    this.partitionKey =
      keys.length === 0 ? () => 0 : (row) => JSON.stringify(keys.map((k) => k(row, this.evalCtx)));
    this.measures = plan.measures.map((m) => ({ name: m.name, fn: ctx.compile(m.expr) }));
  }

  liveThreads(): number {
    return this.live;
  }

  /** Partial matches discarded because the cap was reached. */
  droppedThreads(): number {
    return this.dropped;
  }

  private lastRows(assigned: Thread['assigned']): Record<string, unknown> {
    const tags: Record<string, unknown> = {};
    for (const [variable, row] of assigned) tags[variable] = row;
    return tags;
  }

  private holds(variable: string, row: Row, assigned: Thread['assigned']): boolean {
    const condition = this.defines.get(variable);
    if (condition === undefined) return true;
    this.evalCtx.tags = this.lastRows(assigned);
    return condition(row, this.evalCtx) === true;
  }

  private measureRow(thread: Thread): Row {
    const tags = this.lastRows(thread.assigned);
    for (const a of this.plan.aggregates) {
      const rows = thread.assigned.filter(([v]) => v === a.variable).map(([, r]) => r);
      tags[a.tag] = aggregate(a, rows);
    }
    this.evalCtx.tags = tags;
    const out: Row = {};
    for (const m of this.measures) out[m.name] = m.fn({}, this.evalCtx);
    return out;
  }

  onEvent(row: Row): void {
    const key = this.partitionKey(row);
    let part = this.partitions.get(key);
    if (part === undefined) {
      part = { threads: [], last: undefined, pending: new Map(), timers: new Map() };
      this.partitions.set(key, part);
    }
    this.previous.set(row, part.last);
    part.last = row;
    const seq = ++this.seq;
    const { nfa } = this.plan;
    const fresh = closure(nfa, nfa.start)
      .filter((s) => nfa.states[s]?.kind === 'var')
      .map((state) => ({ state, assigned: [], start: seq, end: seq }));
    const next: Thread[] = [];
    const accepted: Thread[] = [];
    const seen = new Set<string>();
    for (const thread of [...part.threads, ...fresh]) {
      const st = nfa.states[thread.state];
      if (st?.kind !== 'var' || !this.holds(st.variable, row, thread.assigned)) continue;
      const assigned = [...thread.assigned, [st.variable, row] as const];
      for (const s of closure(nfa, st.next)) {
        const successor = { state: s, assigned, start: thread.start, end: seq };
        if (nfa.states[s]?.kind === 'accept') accepted.push(successor);
        else {
          // Without `all matches`, one thread per (state, start) suffices: the first is preferred.
          const id = `${s}:${thread.start}`;
          if (!this.plan.allMatches && seen.has(id)) continue;
          seen.add(id);
          next.push(successor);
        }
      }
    }
    if (this.plan.interval === undefined) part.threads = this.emitMatches(accepted, next, seq);
    else this.holdForInterval(part, accepted, next, seq);
    this.live = 0;
    for (const p of this.partitions.values()) this.live += p.threads.length;
    if (this.live > this.ctx.maxLiveThreads) {
      // Bounded memory: the oldest attempts of this partition go, counted and reported.
      const keep = part.threads.slice(-Math.max(1, this.ctx.maxLiveThreads));
      this.dropped += part.threads.length - keep.length;
      part.threads = keep;
      this.ctx.onCapReached();
    }
  }

  /**
   * `interval p`: a match is not posted on acceptance but when p has passed since its first
   * row, as the longest accepting match (greedy quantifiers keep extending it meanwhile);
   * `or terminated` also posts it as soon as it can no longer be extended.
   */
  private holdForInterval(part: Partition, accepted: Thread[], next: Thread[], seq: number): void {
    const interval = this.plan.interval as { readonly ms: number; readonly orTerminated: boolean };
    for (const a of accepted) part.pending.set(a.start, a);
    part.threads = next;
    const started = next.some((t) => t.start === seq) || part.pending.has(seq);
    if (started) {
      part.timers.set(
        seq,
        this.ctx.schedule(this.ctx.now() + interval.ms, () => this.finishInterval(part, seq)),
      );
    }
    if (!interval.orTerminated) return;
    for (const start of [...part.pending.keys()].sort((a, b) => a - b)) {
      if (!part.threads.some((t) => t.start === start)) this.finishInterval(part, start);
    }
  }

  /** Ends the interval of the match attempt that started at `start`, posting it if it accepted. */
  private finishInterval(part: Partition, start: number): void {
    const timer = part.timers.get(start);
    if (timer !== undefined) this.ctx.cancel(timer);
    part.timers.delete(start);
    const match = part.pending.get(start);
    part.pending.delete(start);
    part.threads = part.threads.filter((t) => t.start !== start);
    if (match === undefined) return;
    this.ctx.emit([this.measureRow(match)]);
    // The skip strategy decides which overlapping attempts survive the match.
    const keep = (s: number) =>
      this.plan.skip === 'past-last-row'
        ? s > match.end
        : this.plan.skip === 'to-current-row'
          ? s >= match.end
          : s > match.start;
    part.threads = part.threads.filter((t) => keep(t.start));
    for (const s of [...part.pending.keys()]) {
      if (keep(s)) continue;
      part.pending.delete(s);
      const t = part.timers.get(s);
      if (t !== undefined) this.ctx.cancel(t);
      part.timers.delete(s);
    }
  }

  private emitMatches(accepted: Thread[], next: Thread[], seq: number): Thread[] {
    if (accepted.length === 0) return next;
    const ordered = [...accepted].sort((a, b) => a.start - b.start);
    const chosen: Thread[] = [];
    if (this.plan.allMatches) chosen.push(...ordered);
    else {
      let lastStart = Number.NEGATIVE_INFINITY;
      for (const a of ordered) {
        if (a.start <= lastStart) continue;
        chosen.push(a);
        lastStart = a.start;
        if (this.plan.skip === 'past-last-row') break;
      }
    }
    this.ctx.emit(chosen.map((t) => this.measureRow(t)));
    switch (this.plan.skip) {
      case 'past-last-row':
        return [];
      case 'to-next-row': {
        const first = chosen[chosen.length - 1]?.start ?? seq;
        return next.filter((t) => t.start > first);
      }
      case 'to-current-row':
        return next.filter((t) => t.start >= seq);
    }
  }
}
