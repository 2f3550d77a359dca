/**
 * A context at runtime (Esper's ContextManager with one controller): its partitions, when
 * they start and end, and which partitions an event of a context statement belongs to.
 * - keyed: a partition per key, created by the key's first event (of any stream the context
 *   names) and living as long as the context; an event goes to its key's partition.
 * - category: a partition per category from the start; an event goes to each category whose
 *   condition it satisfies.
 * - initiated: each initiating event starts a partition (overlapping ones); `terminated
 *   after` ends it by a timer, `terminated by F` at the next event matching F.
 * - start-end: as initiated, but only while no partition is live.
 * - pattern conditions (`start pattern […]`, `terminated by pattern […]`): a run of the pattern
 *   (context-pattern.ts) while the condition is armed. A start pattern's match starts a
 *   partition whose `context.<tag>` are the match's events (`@inclusive`: its statements
 *   also count them, in tag order); an end pattern runs per partition, from the events that
 *   started it, and a keyed partition's end pattern sees only its key's events of the
 *   partitioned streams (Esper's filter addendum).
 * An event reaches a partition's statements on the step it creates the partition (Esper
 * hands the creating event to the new instances at once), and the other live partitions in
 * creation order: the new partition's output comes first (EPL's context-partition order).
 * Every context statement has an instance per live partition (runtime/context-statement.ts); ending a
 * partition stops them (timers cancelled, state released).
 * State (common/state.ts): the live partitions (id, key, start time, properties, pending end
 * timer, addressed by the partition id as its tag) and the next id; each context statement
 * writes its own instances, by partition id.
 */
import type { Row } from '../common/row.js';
import type { StateReader, StateWriter, Stateful } from '../common/state.js';
import type { Timer, TimerOwner, TimerService, TimerState } from '../common/timers.js';
import { valueKey } from '../common/value-key.js';
import type { CompiledExpr, EvalFrame } from '../expr/eval-frame.js';
import { nextCronTime } from '../patterns/crontab.js';
import type { MatchState } from '../patterns/matched-events.js';
import type { PatternMatcherState } from '../patterns/pattern-matcher.js';
import type { ContextConditionDef, ContextDef, ContextFilter, ContextKind } from '../plan/infra-defs.js';
import type { IndexedEquality } from '../plan/logical-plan.js';
import type { CrontabSchedule } from '../plan/output-limit.js';
import { ConditionPattern, type ConditionPatternEnv } from './context-pattern.js';

/** One live partition: its properties (`context.*`) and the instance of each context statement. */
export interface ContextPartition {
  readonly id: number;
  readonly key: unknown;
  readonly properties: Record<string, unknown>;
  readonly startTime: number;
  /** The event that created it: statements skip it for this event (they got it already). */
  createdBy: Row | undefined;
  alive: boolean;
  endTimer: Timer | undefined;
  /** `initiated by distinct(…)`: the distinct values of its initiating event. */
  distinctKey?: unknown;
  /** The name its starting event has among its properties (`as t`), if any. */
  startedAs?: string;
  /** Its end pattern's run (`terminated by pattern […]`). */
  endRun?: ConditionPattern;
}

/** Where the engine routes a stream's events (physical-env's StatementEntry, structurally). */
export interface RoutedEntry {
  readonly stream: string;
  readonly indexed: readonly IndexedEquality[];
  accept(row: Row): void;
}

/** A context statement as the context drives it (context-statement.ts). */
export interface PartitionedStatement {
  /**
   * Creates this statement's instance for `partition`, which then receives the `creating`
   * events (the event that started it; a start pattern's tagged events with `@inclusive`).
   */
  open(partition: ContextPartition, creating: readonly CreatingEvent[]): void;
  /** Ends the instance of `partition` (`output … when terminated` posts first). */
  close(partition: ContextPartition): void;
}

/** An event a new partition's statements receive at once, and its stream. */
export type CreatingEvent = readonly [row: Row, stream: string];

/** What the context runtime needs from the engine. */
export interface ContextEnv {
  now(): number;
  /** Timers by owner and tag (the context, the partition id). */
  readonly timers: TimerService;
  compile(expr: NonNullable<ContextFilter['filter']>): CompiledExpr;
  /** Runs `callback` after every timer due at this instant fired. */
  atStepEnd(callback: () => void): void;
  readonly frame: EvalFrame;
  /** Cap on a pattern condition's live filter instances (the engine's maxPartialMatches). */
  readonly maxPartialMatches: number;
  onPatternCapReached(): void;
}

type PatternCondition = Extract<ContextConditionDef, { kind: 'pattern' }>;

interface CompiledFilter {
  readonly stream: string;
  readonly test: ((row: Row) => boolean) | undefined;
  readonly alias: string | undefined;
}

type Detail = ContextKind;

/** A stream of a keyed context: its filter, its key values and the name of its starting event. */
interface KeyedItem {
  readonly test: CompiledFilter['test'];
  readonly values: (row: Row) => unknown[];
  readonly alias: string | undefined;
}

/** `initiated by T(filter) [as name]` of a keyed context: only such events start partitions. */
interface KeyedInit {
  readonly test: CompiledFilter['test'];
  readonly values: (row: Row) => unknown[];
  readonly alias: string | undefined;
}

/** One key value as itself, several as one string (common/value-key.ts). */
function keyOf(values: readonly unknown[]): unknown {
  return values.length === 1 ? values[0] : valueKey(values);
}

/** A live partition as a snapshot holds it: the initiating event (under its alias) by id. */
interface PartitionSnapshot {
  readonly id: number;
  readonly key: unknown;
  readonly startTime: number;
  /** Its properties but name, id, startTime and the initiating event. */
  readonly properties: Record<string, unknown>;
  /** The initiating event's id, under `alias` (`initiated by T as t`). */
  readonly event: number | null;
  /** The name of the initiating event among the properties (keyed contexts: per partition). */
  readonly alias?: string;
  /** `initiated by distinct(…)`: the distinct values it holds. */
  readonly distinctKey?: unknown;
  readonly timer: TimerState | null;
  /** A start pattern's tagged events among its properties: name, event id. */
  readonly tags?: readonly (readonly [string, number])[];
  /** A named start match (`pattern […] as p`): its tags' events (ids), under the name. */
  readonly match?: readonly (readonly [string, number | readonly number[]])[];
  /** Its end pattern's run. */
  readonly endRun?: PatternMatcherState;
}

export interface ContextSnapshot {
  readonly nextId: number;
  readonly live: readonly PartitionSnapshot[];
  /** The armed timed start condition (`start after …`, a crontab). */
  readonly start?: TimerState | null;
  /** The armed start pattern's run. */
  readonly startRun?: PatternMatcherState | null;
}

/** The tag of the start condition's timer (partition ids, the end timers' tags, are >= 0). */
const START_TIMER = -1;

export class ContextRuntime implements TimerOwner, Stateful<ContextSnapshot> {
  private readonly statements: PartitionedStatement[] = [];
  /** Live partitions in creation order. */
  private live: ContextPartition[] = [];
  private readonly byKey = new Map<unknown, ContextPartition>();
  private nextId = 0;
  private readonly detail: Detail;
  private readonly keyed = new Map<string, KeyedItem[]>();
  /** Keyed: `initiated by` filters by stream (none: every event of a new key starts one). */
  private readonly inits = new Map<string, KeyedInit[]>();
  /** `initiated by distinct(…)`: the distinct values of the live partitions' initiating events. */
  private readonly distinct: ((row: Row) => unknown) | undefined;
  private readonly distinctLive = new Set<unknown>();
  /** Keyed: the event that ended a partition, which starts none (Esper's lastTerminatingEvent). */
  private lastTerminating: Row | undefined;
  private readonly categories: { label: string; test: (row: Row) => boolean }[] = [];
  private readonly categoryFilter: ((row: Row) => boolean) | undefined;
  private readonly start: CompiledFilter | undefined;
  private readonly end: CompiledFilter | undefined;
  /** When a time condition (`after`, crontab) armed at `from` fires; undefined: no such condition. */
  private readonly startDue: ((from: number) => number) | undefined;
  private readonly endDue: ((from: number) => number) | undefined;
  /** The armed start timer (`start after …`, `start (crontab)`). */
  private startTimer: Timer | undefined;
  private stopping = false;
  private readonly startPattern: PatternCondition | undefined;
  private readonly endPattern: PatternCondition | undefined;
  /** The armed start pattern's run. */
  private startRun: ConditionPattern | undefined;
  /** The event the condition entries are handling: a run armed meanwhile does not see it. */
  private dispatching: Row | undefined;
  private readonly patternEnv: ConditionPatternEnv;

  constructor(
    readonly def: ContextDef,
    private readonly env: ContextEnv,
  ) {
    const level = def.levels[0];
    if (level === undefined || def.levels.length > 1) throw new Error('nested contexts are not supported');
    this.detail = level.detail;
    const detail = this.detail;
    this.patternEnv = {
      timers: env.timers,
      compile: (e) => env.compile(e),
      maxPartialMatches: env.maxPartialMatches,
      onCapReached: () => env.onPatternCapReached(),
    };
    const patternOf = (c: ContextConditionDef | 'now' | undefined) =>
      c !== undefined && c !== 'now' && c.kind === 'pattern' ? c : undefined;
    this.startPattern =
      detail.kind === 'initiated' || detail.kind === 'start-end' ? patternOf(detail.start) : undefined;
    this.endPattern = patternOf(
      detail.kind === 'keyed' ? detail.terminatedBy : detail.kind === 'category' ? undefined : detail.end,
    );
    const frame = env.frame;
    const predicate = (e: ContextFilter['filter']) => {
      if (e === undefined) return undefined;
      const fn = env.compile(e);
      return (row: Row) => fn(row, frame) === true;
    };
    const filterOf = (f: ContextFilter): CompiledFilter => ({
      stream: f.stream,
      test: predicate(f.filter),
      alias: f.alias,
    });
    const conditionFilter = (c: ContextConditionDef | undefined): CompiledFilter | undefined => {
      if (c === undefined || c.kind !== 'filter') return undefined;
      return filterOf(c.filter);
    };
    switch (detail.kind) {
      case 'keyed':
        for (const item of detail.items) {
          const keys = item.keys.map((k) => env.compile(k));
          const values = (row: Row) => keys.map((k) => k(row, frame));
          const list = this.keyed.get(item.filter.stream) ?? [];
          list.push({ test: predicate(item.filter.filter), values, alias: item.filter.alias });
          this.keyed.set(item.filter.stream, list);
        }
        for (const init of detail.initiatedBy) {
          // The key of an initiating event: its stream's partition-by item's.
          const values = (this.keyed.get(init.stream)?.[0] as KeyedItem).values;
          const list = this.inits.get(init.stream) ?? [];
          list.push({ test: predicate(init.filter), values, alias: init.alias });
          this.inits.set(init.stream, list);
        }
        this.categoryFilter = undefined;
        this.distinct = undefined;
        this.start = undefined;
        this.end = conditionFilter(detail.terminatedBy);
        this.startDue = undefined;
        this.endDue = dueOf(detail.terminatedBy);
        return;
      case 'category':
        this.distinct = undefined;
        this.categoryFilter = predicate(detail.filter);
        for (const c of detail.categories) {
          const fn = env.compile(c.condition);
          this.categories.push({ label: c.label, test: (row) => fn(row, frame) === true });
        }
        this.start = undefined;
        this.end = undefined;
        this.startDue = undefined;
        this.endDue = undefined;
        return;
      case 'initiated':
      case 'start-end': {
        this.categoryFilter = undefined;
        const distinct =
          detail.kind === 'initiated' ? detail.distinct?.map((d) => env.compile(d)) : undefined;
        this.distinct =
          distinct === undefined ? undefined : (row: Row) => keyOf(distinct.map((d) => d(row, frame)));
        const start = detail.start;
        this.start = start === 'now' ? undefined : conditionFilter(start);
        this.end = conditionFilter(detail.end);
        this.startDue = start === 'now' ? undefined : dueOf(start);
        this.endDue = dueOf(detail.end);
        return;
      }
    }
  }

  /** The streams whose events start or end partitions (the create context statement routes them). */
  conditionEntries(): RoutedEntry[] {
    return this.unwrappedEntries().map((e) => ({
      stream: e.stream,
      indexed: e.indexed,
      accept: (row: Row) => {
        const outer = this.dispatching;
        this.dispatching = row;
        try {
          e.accept(row);
        } finally {
          this.dispatching = outer;
        }
      },
    }));
  }

  private unwrappedEntries(): RoutedEntry[] {
    const entries: RoutedEntry[] = [];
    const detail = this.detail;
    const endPattern = this.endPattern;
    if (endPattern !== undefined) {
      for (const stream of endPattern.streams) {
        entries.push({
          stream,
          indexed: [],
          accept: (row) =>
            detail.kind === 'keyed' ? this.keyedEndRuns(row, stream) : this.endRuns(row, stream),
        });
      }
    }
    if (detail.kind === 'keyed') {
      // A terminating event is seen first: it ends its partition and starts none.
      const end = this.end;
      if (end !== undefined)
        entries.push({ stream: end.stream, indexed: [], accept: (row) => this.keyedTermination(row, end) });
      for (const [stream, items] of this.keyed) {
        const inits = this.inits.size === 0 ? undefined : this.inits.get(stream);
        if (this.inits.size > 0 && inits === undefined) continue;
        entries.push({
          stream,
          indexed: [],
          accept: (row) =>
            inits === undefined ? this.keyedArrival(row, stream, items) : this.keyedInit(row, stream, inits),
        });
      }
      return entries;
    }
    if (detail.kind === 'category') return entries;
    const end = this.end;
    const start = this.start;
    // An event that ends a partition is seen first: a non-overlapping context may start again on it.
    if (end !== undefined)
      entries.push({ stream: end.stream, indexed: [], accept: (row) => this.endArrival(row, end) });
    if (start !== undefined)
      entries.push({ stream: start.stream, indexed: [], accept: (row) => this.startArrival(row, start) });
    for (const stream of this.startPattern?.streams ?? []) {
      entries.push({ stream, indexed: [], accept: (row) => this.startRun?.onEvent(stream, row) });
    }
    return entries;
  }

  /** An event of an end pattern's stream: every live partition's end pattern sees it. */
  private endRuns(row: Row, stream: string): void {
    for (const partition of [...this.live]) if (partition.alive) partition.endRun?.onEvent(stream, row);
  }

  /**
   * Keyed: an event of a partitioned stream reaches its own key's end pattern only (Esper adds
   * the partition key to the pattern's filters); an event of another stream, every partition's.
   */
  private keyedEndRuns(row: Row, stream: string): void {
    const items = this.keyed.get(stream);
    if (items === undefined) {
      this.endRuns(row, stream);
      return;
    }
    this.byKey.get(keyOf((items[0] as KeyedItem).values(row)))?.endRun?.onEvent(stream, row);
  }

  /**
   * Starts the partitions that exist from the start (categories, `start @now`, a crontab
   * range the context is deployed in) and arms a timed start condition.
   */
  begin(): void {
    const detail = this.detail;
    if (detail.kind === 'category') {
      for (const c of detail.categories) this.create(c.label, { label: c.label }, undefined, [], undefined);
    } else if (detail.kind === 'start-end' && detail.start === 'now') {
      this.create(undefined, {}, undefined, [], undefined);
    } else if (detail.kind === 'start-end' && this.insideCrontabRange(detail.start, detail.end)) {
      this.create(undefined, {}, undefined, [], undefined);
    } else {
      this.armStart();
      // `initiated by @now and …`: a partition at once too (Esper activates the start condition first).
      if (detail.kind === 'initiated' && detail.now) this.create(undefined, {}, undefined, [], undefined);
    }
  }

  /**
   * Esper's determineCurrentlyRunning: a non-overlapping context whose start and end are
   * both crontabs is running when deployed between a start and its end (the next end comes
   * before the next start), and then starts a partition at once.
   */
  private insideCrontabRange(
    start: ContextConditionDef | 'now',
    end: ContextConditionDef | undefined,
  ): boolean {
    if (start === 'now' || start.kind !== 'crontab' || end?.kind !== 'crontab') return false;
    const now = this.env.now();
    return nextCrontab(start.schedules, now) >= nextCrontab(end.schedules, now);
  }

  /**
   * Arms a timed start condition (`after`, crontab): when it fires, a partition starts; or a
   * start pattern: a fresh run, each match of which starts a partition.
   */
  private armStart(): void {
    if (this.stopping) return;
    const pattern = this.startPattern;
    if (pattern !== undefined) {
      if (this.startRun !== undefined) return;
      const run = this.startRunOf(pattern, this.dispatching);
      this.startRun = run;
      run.start(undefined, true);
      return;
    }
    const due = this.startDue;
    if (due === undefined || this.startTimer !== undefined) return;
    this.startTimer = this.env.timers.schedule(this, START_TIMER, due(this.env.now()));
  }

  /**
   * The start pattern matched: a partition starts, its `context.<tag>` the match's single
   * tags; with `@inclusive` its statements receive the match's tagged events, single tags
   * first, then array tags, each in pattern order (Esper's ContextControllerConditionPattern).
   * A non-overlapping context's run stops (a fresh one is armed when the partition ends); an
   * overlapping context's keeps running (Esper reactivates only a condition that stopped).
   */
  private startMatched(run: ConditionPattern, match: MatchState, trigger: Row | undefined): void {
    const pattern = this.startPattern as PatternCondition;
    if (run !== this.startRun) return;
    if (this.detail.kind === 'start-end') {
      run.stop();
      this.startRun = undefined;
      if (this.live.length > 0) return;
    }
    const own = pattern.pattern.tags.filter((t) => pattern.ownTags.includes(t.name));
    const properties: Record<string, unknown> =
      pattern.alias === undefined ? {} : { [pattern.alias]: matchOf(pattern, match) };
    const creating: CreatingEvent[] = [];
    for (const tag of own) {
      const value = match[tag.name];
      if (tag.isArray || value === null || value === undefined) continue;
      if (pattern.alias === undefined) properties[tag.name] = value;
      if (pattern.inclusive) creating.push([value as Row, tag.stream]);
    }
    if (pattern.inclusive) {
      for (const tag of own) {
        const value = match[tag.name];
        if (tag.isArray && Array.isArray(value))
          for (const row of value) creating.push([row as Row, tag.stream]);
      }
    }
    // A named match is a context property the end condition reads, not tags of its pattern.
    this.create(undefined, properties, trigger, creating, pattern.alias === undefined ? match : undefined);
  }

  /**
   * A partition's end pattern matched: its single tags become context properties (`output …
   * when terminated` reads them), then the partition ends; ended by a timer, after the other
   * timers due then (as `terminated after`).
   */
  private endMatched(
    partition: ContextPartition,
    run: ConditionPattern,
    match: MatchState,
    trigger: Row | undefined,
  ): void {
    const pattern = this.endPattern as PatternCondition;
    if (partition.endRun !== run || !partition.alive) return;
    if (pattern.alias !== undefined) partition.properties[pattern.alias] = matchOf(pattern, match);
    else
      for (const tag of pattern.pattern.tags) {
        const value = match[tag.name];
        if (tag.isArray || !pattern.ownTags.includes(tag.name) || value === null || value === undefined)
          continue;
        partition.properties[tag.name] = value;
      }
    // Keyed: the event that ended a partition starts none (Esper's lastTerminatingEvent).
    if (this.detail.kind === 'keyed') this.lastTerminating = trigger;
    run.stop();
    if (trigger === undefined) this.env.atStepEnd(() => this.terminate(partition));
    else this.terminate(partition);
  }

  /**
   * Arms `partition`'s end pattern from the events that started it (a start filter's `as`
   * name, a start pattern's tags). One true at once never ends the partition: Esper's end
   * condition reports it before the partition is registered, which ignores it.
   */
  private armEnd(partition: ContextPartition, initial: MatchState | undefined): void {
    const pattern = this.endPattern;
    if (pattern === undefined) return;
    const run = this.endRunOf(pattern, partition, this.dispatching);
    partition.endRun = run;
    run.start(initial, false);
  }

  /** A run of the start pattern (not started): `armedOn` the event it must not see. */
  private startRunOf(pattern: PatternCondition, armedOn: Row | undefined): ConditionPattern {
    const run: ConditionPattern = new ConditionPattern(
      pattern.pattern,
      this.patternEnv,
      (match, trigger) => this.startMatched(run, match, trigger),
      armedOn,
    );
    return run;
  }

  /** A run of `partition`'s end pattern (not started). */
  private endRunOf(
    pattern: PatternCondition,
    partition: ContextPartition,
    armedOn: Row | undefined,
  ): ConditionPattern {
    const run: ConditionPattern = new ConditionPattern(
      pattern.pattern,
      this.patternEnv,
      (match, trigger) => this.endMatched(partition, run, match, trigger),
      armedOn,
      partition.properties,
    );
    return run;
  }

  /** The timed start condition fired. */
  private started(): void {
    this.startTimer = undefined;
    if (this.detail.kind === 'start-end' && this.live.length > 0) return;
    this.create(undefined, {}, undefined, [], undefined);
    // Overlapping contexts keep their start condition armed; a non-overlapping one re-arms
    // it when its partition ends.
    if (this.detail.kind === 'initiated') this.armStart();
  }

  /** `statement` runs in this context: an instance per live partition (`restored`: it has them already). */
  attach(statement: PartitionedStatement, restored = false): void {
    this.statements.push(statement);
    if (!restored) for (const partition of this.live) statement.open(partition, []);
  }

  detach(statement: PartitionedStatement): void {
    const at = this.statements.indexOf(statement);
    if (at >= 0) this.statements.splice(at, 1);
  }

  /** The live partitions an event of `stream` reaches, in creation order. */
  partitionsFor(row: Row, stream: string): ContextPartition[] {
    const detail = this.detail;
    switch (detail.kind) {
      case 'keyed': {
        const items = this.keyed.get(stream);
        if (items === undefined) return [];
        for (const item of items) {
          if (item.test !== undefined && !item.test(row)) continue;
          const partition = this.byKey.get(keyOf(item.values(row)));
          return partition === undefined || partition.createdBy === row ? [] : [partition];
        }
        return [];
      }
      case 'category': {
        if (stream !== detail.stream || (this.categoryFilter !== undefined && !this.categoryFilter(row)))
          return [];
        const out: ContextPartition[] = [];
        for (const partition of this.live) {
          const category = this.categories.find((c) => c.label === partition.key);
          if (category?.test(row)) out.push(partition);
        }
        return out;
      }
      default:
        return this.live.filter((p) => p.createdBy !== row);
    }
  }

  private keyedArrival(row: Row, stream: string, items: readonly KeyedItem[]): void {
    if (row === this.lastTerminating) return;
    for (const item of items) {
      if (item.test !== undefined && !item.test(row)) continue;
      this.startKeyed(row, stream, item.values(row), item.alias);
      return;
    }
  }

  /** Keyed with `initiated by`: an initiating event of a key without partition starts one. */
  private keyedInit(row: Row, stream: string, inits: readonly KeyedInit[]): void {
    if (row === this.lastTerminating) return;
    for (const init of inits) {
      if (init.test !== undefined && !init.test(row)) continue;
      this.startKeyed(row, stream, init.values(row), init.alias);
      return;
    }
  }

  private startKeyed(row: Row, stream: string, values: unknown[], alias: string | undefined): void {
    const key = keyOf(values);
    if (this.byKey.has(key)) return;
    this.lastTerminating = undefined;
    const properties: Record<string, unknown> = {};
    values.forEach((v, i) => {
      properties[`key${i + 1}`] = v;
    });
    if (alias !== undefined) properties[alias] = row;
    const partition = this.create(
      key,
      properties,
      row,
      [[row, stream]],
      alias === undefined ? undefined : { [alias]: row },
    );
    if (alias !== undefined) partition.startedAs = alias;
  }

  /**
   * Keyed `terminated by T(filter)`: an event of a partitioned stream ends its own key's
   * partition only; an event of another stream, every partition whose filter it passes. The
   * filter may read the partition's starting event (context properties).
   */
  private keyedTermination(row: Row, end: CompiledFilter): void {
    const items = this.keyed.get(end.stream);
    const candidates =
      items === undefined
        ? [...this.live]
        : [this.byKey.get(keyOf((items[0] as KeyedItem).values(row)))].filter(
            (p): p is ContextPartition => p !== undefined,
          );
    const frame = this.env.frame;
    const outer = frame.context;
    for (const partition of candidates) {
      frame.context = partition.properties;
      const ends = end.test === undefined || end.test(row);
      frame.context = outer;
      if (!ends) continue;
      this.lastTerminating = row;
      this.ended(partition, end, row);
    }
  }

  private startArrival(row: Row, start: CompiledFilter): void {
    if (start.test !== undefined && !start.test(row)) return;
    if (this.detail.kind === 'start-end' && this.live.length > 0) return;
    // Esper's ContextControllerInitTermDistinctSvc: one live partition per distinct value.
    const distinctKey = this.distinct?.(row);
    if (distinctKey !== undefined) {
      if (this.distinctLive.has(distinctKey)) return;
      this.distinctLive.add(distinctKey);
    }
    const properties: Record<string, unknown> = {};
    if (start.alias !== undefined) properties[start.alias] = row;
    const partition = this.create(
      undefined,
      properties,
      row,
      [[row, start.stream]],
      start.alias === undefined ? undefined : { [start.alias]: row },
    );
    if (distinctKey !== undefined) partition.distinctKey = distinctKey;
  }

  /** An end filter may read the partition's starting event: it is tested per partition. */
  private endArrival(row: Row, end: CompiledFilter): void {
    const frame = this.env.frame;
    const outer = frame.context;
    for (const partition of [...this.live]) {
      // A partition does not end on the event that started it.
      if (partition.createdBy === row) continue;
      frame.context = partition.properties;
      const ends = end.test === undefined || end.test(row);
      frame.context = outer;
      if (ends) this.ended(partition, end, row);
    }
  }

  /**
   * An end filter matched: the terminating event is `context.<alias>` for what the partition
   * posts as it ends (Esper's termination properties), then the partition ends.
   */
  private ended(partition: ContextPartition, end: CompiledFilter, row: Row): void {
    if (end.alias !== undefined) partition.properties[end.alias] = row;
    this.terminate(partition);
  }

  /**
   * Starts a partition: `createdBy` the event that started it (its statements do not get it
   * again), `creating` the events they receive at once, `initial` the tags its end pattern
   * starts from.
   */
  private create(
    key: unknown,
    extra: Record<string, unknown>,
    createdBy: Row | undefined,
    creating: readonly CreatingEvent[],
    initial: MatchState | undefined,
  ): ContextPartition {
    const startTime = this.env.now();
    const partition: ContextPartition = {
      id: this.nextId++,
      key,
      properties: { name: this.def.name, id: 0, startTime, ...extra },
      startTime,
      createdBy,
      alive: true,
      endTimer: undefined,
    };
    partition.properties.id = partition.id;
    this.live.push(partition);
    if (this.detail.kind === 'keyed') this.byKey.set(key, partition);
    if (this.endDue !== undefined) {
      partition.endTimer = this.env.timers.schedule(this, partition.id, this.endDue(startTime));
    }
    // Esper's expected end time: known for a time end condition only.
    if (this.detail.kind === 'initiated' || this.detail.kind === 'start-end')
      partition.properties.endTime = partition.endTimer?.due ?? null;
    // Esper arms an initiated context's end condition before the partition's statements, a
    // keyed context's termination after them.
    const keyed = this.detail.kind === 'keyed';
    if (!keyed) this.armEnd(partition, initial);
    for (const statement of this.statements) statement.open(partition, creating);
    if (keyed && partition.alive) this.armEnd(partition, initial);
    return partition;
  }

  /** Partition `id`'s end (`after`, crontab) is due, or the start condition's (START_TIMER). */
  onTimer(id: number): void {
    if (id === START_TIMER) {
      this.started();
      return;
    }
    const partition = this.live.find((p) => p.id === id);
    if (partition === undefined) return;
    partition.endTimer = undefined;
    // Ends after the other timers due at that instant (a window's expiry at the same time
    // is seen by `output snapshot when terminated`: ctx-r082 shows it).
    this.env.atStepEnd(() => this.terminate(partition));
  }

  /** The live partition with id `id` (a restored context statement finds its partitions by id). */
  partition(id: number): ContextPartition | undefined {
    return this.live.find((p) => p.id === id);
  }

  snapshot(w: StateWriter): ContextSnapshot {
    const alias = this.start?.alias;
    const startTags = this.startPattern?.ownTags ?? [];
    return {
      nextId: this.nextId,
      start: w.timer(this.startTimer),
      ...(this.startRun === undefined ? {} : { startRun: this.startRun.snapshot(w) }),
      live: this.live.map((p) => {
        const { name: _name, id: _id, startTime: _start, ...properties } = p.properties;
        const named = p.startedAs ?? alias;
        const event = named === undefined ? undefined : (properties[named] as Row | undefined);
        if (named !== undefined) delete properties[named];
        const tags: [string, number][] = [];
        for (const tag of startTags) {
          const row = properties[tag] as Row | undefined;
          if (row === undefined) continue;
          tags.push([tag, w.event(row)]);
          delete properties[tag];
        }
        const matchName = this.startPattern?.alias;
        const match =
          matchName === undefined ? undefined : (properties[matchName] as Record<string, unknown>);
        if (matchName !== undefined) delete properties[matchName];
        return {
          id: p.id,
          key: p.key === undefined ? null : p.key,
          startTime: p.startTime,
          properties,
          event: event === undefined ? null : w.event(event),
          ...(p.startedAs === undefined ? {} : { alias: p.startedAs }),
          ...(p.distinctKey === undefined ? {} : { distinctKey: p.distinctKey }),
          timer: w.timer(p.endTimer),
          ...(tags.length === 0 ? {} : { tags }),
          ...(match === undefined
            ? {}
            : {
                match: Object.entries(match).map(
                  ([tag, v]) => [tag, Array.isArray(v) ? w.events(v as Row[]) : w.event(v as Row)] as const,
                ),
              }),
          ...(p.endRun === undefined ? {} : { endRun: p.endRun.snapshot(w) }),
        };
      }),
    };
  }

  /** Rebuilds the live partitions; the context statements, restored after, rebuild their instances. */
  restore(s: ContextSnapshot, r: StateReader): void {
    const alias = this.start?.alias;
    this.nextId = s.nextId;
    this.startTimer = r.timer(this, s.start ?? null);
    const startPattern = this.startPattern;
    if (s.startRun !== undefined && s.startRun !== null && startPattern !== undefined) {
      this.startRun = this.startRunOf(startPattern, undefined);
      this.startRun.restore(s.startRun, r);
    }
    this.live = s.live.map((saved) => {
      const key = this.detail.kind === 'keyed' || this.detail.kind === 'category' ? saved.key : undefined;
      const properties: Record<string, unknown> = {
        name: this.def.name,
        id: saved.id,
        startTime: saved.startTime,
        ...saved.properties,
      };
      const named = saved.alias ?? alias;
      if (named !== undefined && saved.event !== null) properties[named] = r.event(saved.event);
      for (const [tag, event] of saved.tags ?? []) properties[tag] = r.event(event);
      const matchName = this.startPattern?.alias;
      if (matchName !== undefined && saved.match !== undefined) {
        properties[matchName] = Object.fromEntries(
          saved.match.map(([tag, v]) => [tag, Array.isArray(v) ? r.events(v) : r.event(v as number)]),
        );
      }
      const partition: ContextPartition = {
        id: saved.id,
        key,
        properties,
        startTime: saved.startTime,
        createdBy: undefined,
        alive: true,
        endTimer: undefined,
        ...(saved.alias === undefined ? {} : { startedAs: saved.alias }),
        ...(saved.distinctKey === undefined ? {} : { distinctKey: saved.distinctKey }),
      };
      if (saved.distinctKey !== undefined) this.distinctLive.add(saved.distinctKey);
      partition.endTimer = r.timer(this, saved.timer);
      const endPattern = this.endPattern;
      if (saved.endRun !== undefined && endPattern !== undefined) {
        partition.endRun = this.endRunOf(endPattern, partition, undefined);
        partition.endRun.restore(saved.endRun, r);
      }
      if (this.detail.kind === 'keyed') this.byKey.set(key, partition);
      return partition;
    });
  }

  private terminate(partition: ContextPartition): void {
    if (!partition.alive) return;
    partition.alive = false;
    if (partition.distinctKey !== undefined) this.distinctLive.delete(partition.distinctKey);
    this.env.timers.cancel(partition.endTimer);
    partition.endRun?.stop();
    partition.endRun = undefined;
    this.live = this.live.filter((p) => p !== partition);
    if (this.detail.kind === 'keyed') this.byKey.delete(partition.key);
    for (const statement of this.statements) statement.close(partition);
    // A non-overlapping context starts over: at once after `start @now` (Esper's immediate
    // start condition), else its timed start condition is armed again from now.
    const detail = this.detail;
    if (detail.kind !== 'start-end' || this.stopping) return;
    if (detail.start === 'now') this.create(undefined, {}, undefined, [], undefined);
    else this.armStart();
  }

  /** Ends every partition (the create context statement stops). */
  stop(): void {
    this.stopping = true;
    this.env.timers.cancel(this.startTimer);
    this.startTimer = undefined;
    this.startRun?.stop();
    this.startRun = undefined;
    for (const partition of [...this.live]) this.terminate(partition);
  }

  get partitionCount(): number {
    return this.live.length;
  }
}

/** A named match (`pattern […] as p`): its own tags' events, those the match bound. */
function matchOf(pattern: PatternCondition, match: MatchState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const tag of pattern.ownTags) {
    const value = match[tag];
    if (value !== null && value !== undefined) out[tag] = value;
  }
  return out;
}

/** The earliest next occurrence of any of the schedules, strictly after `from`. */
function nextCrontab(schedules: readonly CrontabSchedule[], from: number): number {
  let due = Number.POSITIVE_INFINITY;
  for (const schedule of schedules) due = Math.min(due, nextCronTime(from, schedule));
  return due;
}

/** When a time condition armed at `from` fires (undefined: an event or pattern condition). */
function dueOf(c: ContextConditionDef | undefined): ((from: number) => number) | undefined {
  if (c?.kind === 'after') return (from) => from + c.ms;
  if (c?.kind === 'crontab') return (from) => nextCrontab(c.schedules, from);
  return undefined;
}
