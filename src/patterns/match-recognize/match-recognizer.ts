/**
 * match_recognize at runtime, as Esper's RowRecogNFAView runs it. Per partition, the live
 * threads (Esper's state entries) each wait in one NFA state; a row advances every thread
 * whose state's `define` holds, into each next state (threads are never merged), and starts
 * a thread at each start state it satisfies. Threads reaching the end are matches.
 *
 * Without `all matches`, the matches one row completes are ranked: per partition, by first
 * row (earliest first; a later-starting match inside a posted one is dropped by `skip past
 * last row` and `to next row`), and among matches with the same first row by the greedy
 * counts (nfa.ts). After posting, `skip past last row` ends the threads that began within
 * the match, `to next row` those that began at or before its first row, `to current row`
 * none. With `interval`, a match is held until the interval has passed since its first row
 * (unless, by Esper's arithmetic, it is already older than half of it) and posted then with
 * every other match due at that instant; `or terminated` also posts it once the thread that
 * could extend it fails.
 */
import { OrderedMap } from '@js-sdsl/ordered-map';
import { createAggregator } from '../../aggregates/create-aggregator.js';
import { lookupAggregate } from '../../aggregates/registry.js';
import type { SkipStrategy } from '../../ast/ast.js';
import type { Row } from '../../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../../common/state.js';
import type { Timer, TimerOwner, TimerService, TimerState } from '../../common/timers.js';
import { valueKey } from '../../common/value-key.js';
import type { BoundExpr } from '../../expr/bound-expr.js';
import type { CompiledExpr, EvalFrame } from '../../expr/eval-frame.js';
import type { MatchRecognizePlan, MeasureAggregate } from './mr-plan.js';
import { END, type NfaState } from './nfa.js';

export interface MatchRecognizeContext {
  /** Event time and the engine timers (owner/tag, common/timers.ts). */
  readonly timers: TimerService;
  compile(expr: BoundExpr): CompiledExpr;
  /** The measures rows of the matches posted by one row or one interval expiry, in one call. */
  emit(rows: Row[]): void;
  readonly maxLiveThreads: number;
  onCapReached(): void;
}

/** One thread (Esper's RowRecogNFAStateEntry). Arrays are owned by the thread. */
class Entry {
  endSeq = 0;

  constructor(
    readonly beginSeq: number,
    readonly beginTime: number,
    /** The state it waits in; for a match, the state that consumed its last row. */
    public state: number,
    readonly events: (Row | null)[],
    readonly greedy: number[],
    /** Rows per multi-row variable (null until the first). */
    readonly multi: (Row[] | null)[],
    readonly partitionKey: unknown,
  ) {}
}

class Partition {
  threads: Entry[] = [];
  /** The partition's last rows, newest last (only when `prev` is used). */
  readonly history: Row[] | undefined;

  constructor(
    readonly key: unknown,
    keepHistory: boolean,
  ) {
    this.history = keepHistory ? [] : undefined;
  }
}

const EMPTY_ROW: Row = Object.freeze({}) as Row;

/** A thread as snapshot data: beginSeq, beginTime, state, event ids, greedy counts, multi-row ids, endSeq, partition key. */
type EntryData = [number, number, number, (number | null)[], number[], (number[] | null)[], number, unknown];

/** The recognizer's snapshot. */
export interface MatchRecognizerState {
  /** Per partition (in creation order): its key, threads and `prev` rows. */
  readonly partitions: { key: unknown; threads: EntryData[]; history: number[] | null }[];
  /** Matches held for their interval, by first-row time. */
  readonly scheduled: [number, EntryData[]][];
  readonly timer: TimerState | null;
  /** seq, collectAt, live, dropped. */
  readonly counters: number[];
}

/** The interval timer's tag. */
const INTERVAL = 0;

export class MatchRecognizer implements TimerOwner, Stateful<MatchRecognizerState> {
  private readonly partitions = new Map<unknown, Partition>();
  private readonly single: Partition | undefined;
  private readonly defines: (CompiledExpr | undefined)[];
  private readonly partitionKeys: readonly CompiledExpr[];
  private readonly measures: { name: string; fn: CompiledExpr }[];
  private readonly aggregateArgs: CompiledExpr[];
  private readonly evalFrame: EvalFrame & { tags: Record<string, unknown> };
  private readonly defineTags: Record<string, unknown>;
  private readonly states: readonly NfaState[];
  private readonly numStreams: number;
  /** Matches held for their interval, by first-row time (Esper's schedule state). */
  private readonly scheduled = new OrderedMap<number, Entry[]>();
  /** The interval timer (kept after firing for reuse). */
  private timer: Timer | undefined;
  /** The row whose `prev` is being evaluated: the partition it belongs to. */
  private current: Partition | undefined;
  private seq = 0;
  private collectAt = 100;
  private live = 0;
  private dropped = 0;

  constructor(
    private readonly plan: MatchRecognizePlan,
    private readonly ctx: MatchRecognizeContext,
  ) {
    const nfa = plan.nfa;
    this.states = nfa.states;
    this.numStreams = nfa.singles.length + nfa.multiples.length;
    this.defines = nfa.states.map((s) => {
      const d = plan.defines.get(s.variable);
      return d === undefined ? undefined : ctx.compile(d);
    });
    this.partitionKeys = plan.partitionBy.map((p) => ctx.compile(p));
    this.evalFrame = {
      aggValues: [],
      prior: () => undefined,
      prev: (_row, n) => this.previous(n as number),
      tags: {},
    };
    this.defineTags = Object.fromEntries(nfa.singles.map((v) => [v, null]));
    this.measures = plan.measures.map((m) => ({ name: m.name, fn: ctx.compile(m.expr) }));
    this.aggregateArgs = plan.aggregates.map((a) => ctx.compile(a.arg));
    this.single = plan.partitionBy.length === 0 ? new Partition(null, plan.maxPrev > 0) : undefined;
  }

  liveThreads(): number {
    return this.live;
  }

  /** Partial matches discarded because the cap was reached. */
  droppedThreads(): number {
    return this.dropped;
  }

  private previous(n: number): Row | undefined {
    const history = this.current?.history;
    if (history === undefined) return undefined;
    return history[history.length - 1 - n];
  }

  private partitionKey(row: Row): unknown {
    const keys = this.partitionKeys;
    if (keys.length === 1) return (keys[0] as CompiledExpr)(row, this.evalFrame) ?? null;
    return valueKey(keys.map((k) => k(row, this.evalFrame) ?? null));
  }

  /** The row's partition, created if new; idle partitions are collected as Esper does. */
  private partitionOf(row: Row): Partition {
    if (this.single !== undefined) return this.single;
    if (this.partitions.size >= this.collectAt) {
      let removed = 0;
      for (const [key, p] of this.partitions) {
        // Esper drops a partition without threads even when it keeps `prev` rows.
        if (p.threads.length === 0) {
          this.partitions.delete(key);
          removed++;
        }
      }
      if (removed < this.collectAt / 5) this.collectAt *= 2;
    }
    const key = this.partitionKey(row);
    let p = this.partitions.get(key);
    if (p === undefined) {
      p = new Partition(key, this.plan.maxPrev > 0);
      this.partitions.set(key, p);
    }
    return p;
  }

  private stateOf(key: unknown): Partition | undefined {
    return this.single ?? this.partitions.get(key);
  }

  private holds(state: NfaState, events: (Row | null)[], row: Row): boolean {
    const define = this.defines[state.index];
    if (define === undefined) return true;
    const tags = this.defineTags;
    const singles = this.plan.nfa.singles;
    for (let i = 0; i < singles.length; i++) tags[singles[i] as string] = events[i] ?? null;
    this.evalFrame.tags = tags;
    return define(row, this.evalFrame) === true;
  }

  onEvent(row: Row): void {
    const seq = ++this.seq;
    const part = this.partitionOf(row);
    if (part.history !== undefined) {
      part.history.push(row);
      if (part.history.length > this.plan.maxPrev + 1) part.history.shift();
    }
    this.current = part;
    const endStates: Entry[] = [];
    const next: Entry[] = [];
    const terminated = this.step(part, row, seq, next, endStates);
    part.threads = next;
    this.countLive(part);
    if (endStates.length === 0 && (this.plan.interval?.orTerminated !== true || terminated === undefined))
      return;
    let ranked = this.plan.allMatches ? endStates : this.rankMultiPartition(endStates);
    if (this.plan.interval !== undefined) {
      ranked = this.holdForInterval(ranked, terminated);
      if (ranked.length === 0) return;
    } else this.skipThreads(ranked, this.plan.skip);
    this.post(ranked, true);
  }

  /** Esper's step: advances the partition's threads by one row and starts new ones. */
  private step(
    part: Partition,
    row: Row,
    seq: number,
    next: Entry[],
    endStates: Entry[],
  ): Entry[] | undefined {
    const states = this.states;
    const orTerminated = this.plan.interval?.orTerminated === true;
    let terminated: Entry[] | undefined;
    for (const current of part.threads) {
      const state = states[current.state] as NfaState;
      const events = current.events;
      events[state.stream] = row;
      if (this.holds(state, events, row)) {
        const copy = state.next.length > 1;
        for (const n of state.next) {
          this.advance(current, state, n, copy, row, seq, next, endStates);
        }
      } else if (orTerminated) {
        events[state.stream] = null;
        if (state.next.includes(END)) {
          const t = new Entry(
            current.beginSeq,
            current.beginTime,
            END,
            events,
            current.greedy,
            current.multi,
            part.key,
          );
          if (terminated === undefined) terminated = [t];
          else terminated.push(t);
        }
      }
    }
    const time = this.plan.interval === undefined ? 0 : this.ctx.timers.now();
    for (const si of this.plan.nfa.start) {
      const state = states[si] as NfaState;
      const events: (Row | null)[] = new Array(this.numStreams).fill(null);
      events[state.stream] = row;
      if (!this.holds(state, events, row)) continue;
      const copy = state.next.length > 1;
      for (const n of state.next) {
        const ev = copy ? events.slice() : events;
        const multi: (Row[] | null)[] = new Array(this.plan.nfa.multiples.length).fill(null);
        const greedy: number[] = new Array(states.length).fill(0);
        if (state.multiple) {
          addRow(multi, state.stream - this.plan.nfa.singles.length, row);
          ev[state.stream] = null;
        }
        if (state.greedy === true) greedy[si] = (greedy[si] as number) + 1;
        const entry = new Entry(seq, time, si, ev, greedy, multi, part.key);
        if (n === END) {
          entry.endSeq = seq;
          endStates.push(entry);
        } else {
          entry.state = n;
          next.push(entry);
        }
      }
    }
    return terminated;
  }

  private advance(
    current: Entry,
    state: NfaState,
    n: number,
    copy: boolean,
    row: Row,
    seq: number,
    next: Entry[],
    endStates: Entry[],
  ): void {
    const events = copy ? current.events.slice() : current.events;
    const greedy = copy ? current.greedy.slice() : current.greedy;
    const multi = copy ? current.multi.map((m) => (m === null ? null : m.slice())) : current.multi;
    if (state.multiple) {
      addRow(multi, state.stream - this.plan.nfa.singles.length, row);
      events[state.stream] = null;
    }
    if (state.greedy === true) greedy[state.index] = (greedy[state.index] as number) + 1;
    const entry = new Entry(
      current.beginSeq,
      current.beginTime,
      state.index,
      events,
      greedy,
      multi,
      current.partitionKey,
    );
    if (n === END) {
      entry.endSeq = seq;
      endStates.push(entry);
    } else {
      entry.state = n;
      next.push(entry);
    }
  }

  /** Ends threads that overlap the posted matches (not with `interval`, as in Esper). */
  private skipThreads(matches: readonly Entry[], skip: SkipStrategy): void {
    if (skip === 'to-current-row') return;
    for (const m of matches) {
      const part = this.stateOf(m.partitionKey);
      if (part === undefined) continue;
      const limit = skip === 'past-last-row' ? m.endSeq : m.beginSeq;
      part.threads = part.threads.filter((t) => t.beginSeq > limit);
    }
    this.countAll();
  }

  /** Measures rows of the matches, in one call; partitions left empty are dropped. */
  private post(matches: readonly Entry[], dropEmpty: boolean): void {
    const rows = matches.map((m) => this.measureRow(m));
    if (dropEmpty && this.single === undefined) {
      for (const m of matches) {
        if (m.partitionKey === null) continue;
        const part = this.partitions.get(m.partitionKey);
        if (part !== undefined && part.threads.length === 0 && part.history === undefined) {
          this.partitions.delete(m.partitionKey);
        }
      }
    }
    this.ctx.emit(rows);
  }

  private measureRow(m: Entry): Row {
    const nfa = this.plan.nfa;
    const tags: Record<string, unknown> = {};
    nfa.singles.forEach((v, i) => {
      tags[v] = m.events[i] ?? null;
    });
    nfa.multiples.forEach((v, i) => {
      tags[v] = m.multi[i] ?? null;
    });
    this.evalFrame.tags = tags;
    const values: unknown[] = [];
    this.plan.aggregates.forEach((a, i) => {
      const rows = m.multi[nfa.multiples.indexOf(a.variable)] ?? [];
      values[a.slot] = aggregate(a, rows, this.aggregateArgs[i] as CompiledExpr, this.evalFrame);
    });
    this.evalFrame.aggValues = values;
    const out: Row = {};
    for (const measure of this.measures) out[measure.name] = measure.fn(EMPTY_ROW, this.evalFrame);
    return out;
  }

  // ───────────── ranking (Esper's rankEndStatesMultiPartition) ─────────────

  private rankMultiPartition(endStates: Entry[]): Entry[] {
    if (endStates.length <= 1) return endStates;
    if (this.single !== undefined) return this.rankWithinPartition(endStates);
    const perPartition = new Map<unknown, Entry[]>();
    for (const e of endStates) {
      const list = perPartition.get(e.partitionKey);
      if (list === undefined) perPartition.set(e.partitionKey, [e]);
      else list.push(e);
    }
    const out: Entry[] = [];
    for (const list of perPartition.values()) {
      if (list.length === 1) out.push(list[0] as Entry);
      else out.push(...this.rankWithinPartition(list));
    }
    return out;
  }

  private rankWithinPartition(endStates: Entry[]): Entry[] {
    if (endStates.length <= 1) return endStates;
    const byBegin = new Map<number, Entry[] | null>();
    for (const e of endStates) {
      const list = byBegin.get(e.beginSeq);
      if (list === undefined || list === null) byBegin.set(e.beginSeq, [e]);
      else list.push(e);
    }
    const keys = [...byBegin.keys()].sort((a, b) => a - b);
    if (keys.length === 1) {
      const list = byBegin.get(keys[0] as number) as Entry[];
      if (this.plan.allMatches) return list;
      return [this.rankEndStates(list)];
    }
    const ranked: Entry[] = [];
    for (const key of keys) {
      const list = byBegin.get(key);
      byBegin.delete(key);
      if (list === undefined || list === null || list.length === 0) continue;
      const taken = list.length === 1 ? (list[0] as Entry) : this.rankEndStates(list);
      if (this.plan.allMatches) ranked.push(...list);
      else ranked.push(taken);
      const skip = this.plan.skip;
      if (skip === 'past-last-row' || skip === 'to-next-row') {
        const limit = skip === 'past-last-row' ? taken.endSeq : taken.beginSeq;
        for (const [k, rest] of byBegin) {
          if (rest === null) continue;
          const kept = rest.filter((e) => e.beginSeq > limit);
          byBegin.set(k, kept.length === 0 && rest.length === 1 ? null : kept);
        }
      }
    }
    return ranked;
  }

  /** Esper's rankEndStates: the earliest first row, then the greedy counts. */
  private rankEndStates(endStates: Entry[]): Entry {
    // Newest end first (stable, as Java's sort).
    endStates.sort((a, b) => b.endSeq - a.endSeq);
    let min = Number.POSITIVE_INFINITY;
    for (const e of endStates) if (e.beginSeq < min) min = e.beginSeq;
    let best: Entry | undefined;
    for (const e of endStates) {
      if (e.beginSeq !== min) continue;
      if (best === undefined || this.prefers(e.greedy, best.greedy)) best = e;
    }
    return best as Entry;
  }

  /** Esper's compare: true when any state favours `current` (more greedy rows, or fewer reluctant ones). */
  private prefers(current: readonly number[], best: readonly number[]): boolean {
    for (const state of this.states) {
      if (state.greedy === null) continue;
      const c = current[state.index] as number;
      const b = best[state.index] as number;
      if (state.greedy ? c > b : c < b) return true;
    }
    return false;
  }

  // ───────────── interval (Esper's schedule state) ─────────────

  /** Holds matches for their interval; returns those to post now. */
  private holdForInterval(endStates: Entry[], terminated: Entry[] | undefined): Entry[] {
    const interval = this.plan.interval as { ms: number; orTerminated: boolean };
    const now = this.ctx.timers.now();
    const postNow: Entry[] = [];
    for (const e of endStates) {
      if (this.stateOf(e.partitionKey) === undefined) {
        postNow.push(e);
        continue;
      }
      const state = this.states[e.state] as NfaState;
      // With `or terminated`, a match that cannot be extended is not held.
      const canExtend = !(interval.orTerminated && state.next.length === 1 && state.next[0] === END);
      if (!canExtend) {
        postNow.push(e);
        continue;
      }
      const deltaFromStart = now - e.beginTime;
      const deltaUntil = interval.ms - deltaFromStart;
      if (this.scheduled.getElementByKey(e.beginTime) !== undefined || deltaFromStart < deltaUntil) {
        this.schedule(deltaUntil, e);
      } else postNow.push(e);
    }
    let out = postNow;
    if (interval.orTerminated && terminated !== undefined) {
      for (const t of terminated) {
        if (this.stateOf(t.partitionKey) === undefined) continue;
        this.removeScheduled(t, out);
      }
      if (!this.plan.allMatches) out = this.rankMultiPartition(out);
    }
    return out;
  }

  private schedule(delta: number, e: Entry): void {
    const list = this.scheduled.getElementByKey(e.beginTime);
    if (this.scheduled.size() === 0) {
      this.scheduled.setElement(e.beginTime, [e]);
      this.arm(delta);
      return;
    }
    // Esper re-arms only when the new first row is older than the first held one, comparing
    // after inserting it, which is never: the timer stays due for the oldest match held before.
    if (list !== undefined) list.push(e);
    else this.scheduled.setElement(e.beginTime, [e]);
  }

  /** Moves the held matches the terminated thread could have extended into `out`. */
  private removeScheduled(t: Entry, out: Entry[]): void {
    const list = this.scheduled.getElementByKey(t.beginTime);
    if (list === undefined) return;
    let removed = false;
    const kept = list.filter((held) => {
      if (!this.terminationMatches(t, held)) return true;
      out.push(held);
      removed = true;
      return false;
    });
    if (kept.length === 0) this.scheduled.eraseElementByKey(t.beginTime);
    else this.scheduled.setElement(t.beginTime, kept);
    if (removed && this.scheduled.size() === 0) this.ctx.timers.cancel(this.timer);
  }

  /** Esper's RowRecogPartitionTerminationStateComparator: same first row, the held match's rows a prefix. */
  private terminationMatches(t: Entry, held: Entry): boolean {
    if (t.beginSeq !== held.beginSeq) return false;
    const nfa = this.plan.nfa;
    for (let i = 0; i < nfa.singles.length; i++) {
      if ((held.events[i] ?? null) !== (t.events[i] ?? null)) return false;
    }
    for (let i = 0; i < nfa.multiples.length; i++) {
      const h = held.multi[i];
      if (h === null || h === undefined) continue;
      const term = t.multi[i];
      if (term === null || term === undefined) return false;
      for (let j = 0; j < h.length; j++) if (j < term.length && h[j] !== term[j]) return false;
    }
    return true;
  }

  private arm(delta: number): void {
    this.ctx.timers.cancel(this.timer);
    this.timer = this.ctx.timers.schedule(this, INTERVAL, this.ctx.timers.now() + delta, this.timer);
  }

  /** The interval of the oldest held matches is up: post every match held at least that long. */
  onTimer(): void {
    if (this.scheduled.size() === 0) return;
    const interval = (this.plan.interval as { ms: number }).ms;
    const now = this.ctx.timers.now();
    let due: Entry[] = [];
    for (let first = this.scheduled.front(); first !== undefined; first = this.scheduled.front()) {
      if (first[0] > now - interval) break;
      this.scheduled.eraseElementByKey(first[0]);
      due.push(...first[1]);
    }
    const next = this.scheduled.front();
    if (next !== undefined) this.arm(next[0] + interval - now);
    if (!this.plan.allMatches) due = this.rankMultiPartition(due);
    this.ctx.emit(due.map((m) => this.measureRow(m)));
  }

  snapshot(w: StateWriter): MatchRecognizerState {
    const entry = (e: Entry): EntryData => [
      e.beginSeq,
      e.beginTime,
      e.state,
      e.events.map((row) => (row === null || row === undefined ? null : w.event(row))),
      e.greedy.slice(),
      e.multi.map((rows) => (rows === null ? null : w.events(rows))),
      e.endSeq,
      e.partitionKey ?? null,
    ];
    const parts = this.single === undefined ? [...this.partitions.values()] : [this.single];
    const scheduled: [number, EntryData[]][] = [];
    this.scheduled.forEach(([time, list]) => {
      scheduled.push([time, list.map(entry)]);
    });
    return {
      partitions: parts.map((p) => ({
        key: p.key ?? null,
        threads: p.threads.map(entry),
        history: p.history === undefined ? null : w.events(p.history),
      })),
      scheduled,
      timer: w.timer(this.timer),
      counters: [this.seq, this.collectAt, this.live, this.dropped],
    };
  }

  restore(state: MatchRecognizerState, r: StateReader): void {
    const entry = ([beginSeq, beginTime, st, events, greedy, multi, endSeq, key]: EntryData): Entry => {
      const e = new Entry(
        beginSeq,
        beginTime,
        st,
        events.map((id) => (id === null ? null : r.event(id))),
        greedy.slice(),
        multi.map((ids) => (ids === null ? null : r.events(ids))),
        key,
      );
      e.endSeq = endSeq;
      return e;
    };
    this.partitions.clear();
    for (const p of state.partitions) {
      const part = this.single ?? new Partition(p.key, this.plan.maxPrev > 0);
      if (this.single === undefined) this.partitions.set(p.key, part);
      part.threads = p.threads.map(entry);
      if (part.history !== undefined && p.history !== null) {
        part.history.length = 0;
        part.history.push(...r.events(p.history));
      }
    }
    this.scheduled.clear();
    for (const [time, list] of state.scheduled) this.scheduled.setElement(time, list.map(entry));
    this.timer = r.timer(this, state.timer);
    [this.seq, this.collectAt, this.live, this.dropped] = state.counters as [number, number, number, number];
  }

  stop(): void {
    this.ctx.timers.cancel(this.timer);
    this.timer = undefined;
    this.partitions.clear();
    if (this.single !== undefined) this.single.threads = [];
    this.scheduled.clear();
  }

  private countLive(changed: Partition): void {
    this.countAll();
    if (this.live <= this.ctx.maxLiveThreads) return;
    // Bounded memory: the oldest attempts of this partition go, counted and reported.
    const keep = changed.threads.slice(-Math.max(1, this.ctx.maxLiveThreads));
    this.dropped += changed.threads.length - keep.length;
    changed.threads = keep;
    this.ctx.onCapReached();
    this.countAll();
  }

  private countAll(): void {
    let live = this.single?.threads.length ?? 0;
    for (const p of this.partitions.values()) live += p.threads.length;
    this.live = live;
  }
}

function addRow(multi: (Row[] | null)[], index: number, row: Row): void {
  const list = multi[index];
  if (list === null || list === undefined) multi[index] = [row];
  else list.push(row);
}

/** An aggregate over a multi-row variable's rows, computed by the aggregate registry's function. */
function aggregate(a: MeasureAggregate, rows: readonly Row[], arg: CompiledExpr, frame: EvalFrame): unknown {
  const def = lookupAggregate(a.fn);
  if (def === undefined) throw new Error(`unknown aggregate ${a.fn}`);
  const agg = createAggregator(def, { distinct: a.distinct });
  for (const row of rows) {
    const value = arg(row, frame) ?? null;
    if (value === null && !def.seesNulls) continue;
    agg.add(value, row);
  }
  return agg.value() ?? null;
}
