import { createAggregator } from '../aggregates/create-aggregator.js';
import { fifoMax, fifoMin } from '../aggregates/fifo-min-max.js';
import { firstEver, firstJoined, lastEver, lastJoined } from '../aggregates/first-last.js';
/**
 * Optimized logical plan → running operators for one statement. Built top-down: each node
 * becomes an operator whose `next` is the operator built for its parent; source-side nodes
 * (stream filter, prior, window) become the entry that receives routed events.
 * Expressions are compiled here, once per statement.
 */
import { lookupAggregate } from '../aggregates/registry.js';
import type { StreamSelector } from '../ast/ast.js';
import { assertNever } from '../common/assert-never.js';
import { BoundedCache } from '../common/bounded-cache.js';
import type { Row } from '../common/row.js';
import type { Stateful } from '../common/state.js';
import type { TimerService } from '../common/timers.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { compileExpr, compilePredicate } from '../expr/compile-expr.js';
import {
  type EvalFrame,
  type StreamAccess,
  type SubqueryEvaluator,
  type TableLookup,
  createFrame,
} from '../expr/eval-frame.js';
import { forEachExpr } from '../expr/map-expr.js';
import { readsValuesOnly } from '../expr/reads-values-only.js';
import type { NamedWindowRuntime } from '../infra/named-window.js';
import { AggregateAllOperator } from '../operators/aggregate-all.js';
import { AggregateGroupedOperator } from '../operators/aggregate-grouped.js';
import { AggregateMixedOperator } from '../operators/aggregate-mixed.js';
import type { AggregateLayout, ComputedSlot, DerivedSlot } from '../operators/aggregation-state.js';
import { ColumnarAggregation } from '../operators/columnar-aggregation.js';
import { type ArgumentKind, ColumnarColumns } from '../operators/columnar-ring.js';
import { DistinctOperator } from '../operators/distinct.js';
import { FilterOperator } from '../operators/filter.js';
import { FreshAggregationOperator } from '../operators/fresh-aggregation.js';
import { makeGroupKey } from '../operators/group-key.js';
import type { JoinOperator } from '../operators/join.js';
import { LimitOperator } from '../operators/limit.js';
import type { Operator } from '../operators/operator.js';
import type { LimitedProcessor } from '../operators/output-limit/limited-processor.js';
import { RowCollector, type SortKeys } from '../operators/output-limit/row-collector.js';
import { OutputOperator, type OutputTarget } from '../operators/output.js';
import { ProjectOperator } from '../operators/project.js';
import { makeKeyBuilder, makeRowBuilder } from '../operators/row-builder.js';
import { RowSink } from '../operators/row-sink.js';
import { StepOutput } from '../operators/step-output.js';
import type { SubqueryRuntime } from '../operators/subquery.js';
import type {
  AggregateCall,
  AggregateNode,
  IndexedEquality,
  LogicalPlan,
  OrderKey,
  OutputColumn,
  StatementPlan,
} from '../plan/logical-plan.js';
import { planInputs, postsOldRows } from '../plan/logical-plan.js';
import { PriorBuffer } from '../windows/prior-buffer.js';
import { createWindowChain } from '../windows/window-chain.js';
import type { DataWindow, WindowContext } from '../windows/window-def.js';
import {
  buildDefine,
  buildNamedWindowSource,
  buildOnTrigger,
  intoTableGroups,
  namedWindow,
  tableRows,
} from './build-infra.js';
import type { ColumnarPlan } from './columnar-plan.js';
import { createJoinOperator } from './compile-join.js';
import { createOutputLimiter } from './output-limiter-factory.js';
import {
  createMatchRecognizeRuntime,
  createPatternSourceRuntime,
  rowWiseAbovePattern,
} from './pattern-runtime.js';
import type {
  PhysicalEnv,
  PhysicalStatement,
  SharedWindow,
  Startable,
  StatePart,
  StatementEntry,
} from './physical-env.js';
import { fusedAggregation } from './physical-rules.js';
import { createSubqueryRuntime } from './subquery-runtime.js';

interface BuildState {
  readonly env: PhysicalEnv;
  /** The statement's base frame: only read (operators that set frame values own a frame). */
  readonly ctx: EvalFrame;
  /** Builds the frames operators own (`createFrame(s.access)`). */
  readonly access: InstanceAccess;
  readonly statement: string;
  readonly needOld: boolean;
  /** What listeners receive (output-limited `first` posts a step only when it has such rows). */
  readonly selector: StreamSelector;
  /** The statement's join, once built (output snapshots iterate its current rows). */
  readonly joined: { join: JoinOperator | undefined };
  /** Whether the statement posts `output snapshot`s (its join keeps every stream's events). */
  snapshots: boolean;
  /** Whether an aggregation sits above the node being built (it consumes old rows too). */
  aggregating: boolean;
  window: DataWindow | undefined;
  prior: PriorBuffer | undefined;
  entries: StatementEntry[];
  /**
   * Events entering pattern sources (stream entries count their own, `countedEntries`); made
   * by the first pattern source, other statements keep no such counter.
   */
  patternEvents: { count: number } | undefined;
  countedEntries: StreamEntry[];
  starters: Startable[];
  /** Whether only row-wise operators sit between a pattern source and the output. */
  readonly patternRowWise: boolean;
  parts: StatePart[];
  /** Shared windows this statement reads, and its output on each. */
  shared: { readonly shared: SharedWindow; readonly output: Operator }[];
  sizes: Sized[];
  dropped: { dropped(): number }[];
  /** Undo callbacks of named window subscriptions and definitions (build-infra.ts). */
  stops: (() => void)[];
  /** Run when the statement's context partition ends, before it stops (`output when terminated`). */
  terminators: (() => void)[];
}

/** Where a stream's events go once past its filter: a window, an operator, a fused window. */
interface RowInput {
  insert(row: Row): void;
}

/** A part holding events (its size counts in the statement's window size). */
interface Sized {
  size(): number;
}

export function planOperators(
  plan: StatementPlan,
  env: PhysicalEnv,
  listeners: OutputTarget,
): PhysicalStatement {
  // The statement's subqueries, filled before the operators that read them are built.
  const subqueries: SubqueryEvaluator[] = plan.subqueries.length === 0 ? (NOTHING as never[]) : [];
  // The statement's window and prior buffer, for prev() and prior() in any of its frames.
  const access = new InstanceAccess(env, subqueries);
  // Read by operators that set nothing in it (filters, projections, stream filters, joins).
  const ctx = createFrame(access);
  const root = plan.root;
  const needOld = postsOldRows(root);
  const patternRowWise = rowWiseAbovePattern(root.input);
  const state: BuildState = {
    env,
    ctx,
    access,
    statement: plan.name,
    needOld,
    selector: root.selector,
    joined: { join: undefined },
    snapshots: false,
    aggregating: false,
    window: undefined,
    prior: undefined,
    entries: [],
    patternEvents: undefined,
    countedEntries: [],
    starters: [],
    patternRowWise,
    parts: [],
    shared: [],
    sizes: [],
    dropped: [],
    stops: [],
    terminators: [],
  };
  const insertInto = root.insertInto;
  // A pattern posts one result per match to operators that see them one by one (aggregation,
  // distinct, order by): the results of one step go out in one call. Above row-wise operators
  // the pattern sends a step's matches up together (pattern-runtime.ts).
  const stepOutput =
    plan.isPattern && !patternRowWise && hasPatternSource(root)
      ? new StepOutput(listeners, (flush) => env.atStepEnd(flush))
      : undefined;
  const output = new OutputOperator(
    root.selector,
    stepOutput ?? listeners,
    insertInto === undefined
      ? undefined
      : { selector: insertInto.selector, forward: (rows) => env.insert(insertInto.stream, rows) },
  );
  // Subqueries first: their windows see an event before the statement does (Esper).
  buildSubqueries(plan, state, subqueries);
  buildDown(root.input, output, state);
  access.window = state.window;
  access.priorBuffer = state.prior;
  return new BuiltStatement(state, stepOutput);
}

/**
 * How a statement instance's frames reach its window and prior buffer, and the engine's
 * shared state. A class rather than closures over the build state: a statement instance is
 * small (a thousand statements, or a context's partitions), and nothing keeps the build
 * state's working arrays alive.
 */
class InstanceAccess implements StreamAccess {
  window: DataWindow | undefined = undefined;
  priorBuffer: PriorBuffer | undefined = undefined;
  readonly variables: Record<string, unknown> | undefined;
  readonly tables: TableLookup | undefined;
  readonly context: Record<string, unknown> | undefined;

  constructor(
    env: PhysicalEnv,
    readonly subqueries: readonly SubqueryEvaluator[],
  ) {
    this.variables = env.infra?.variables.values;
    this.tables = env.infra?.tableReads;
    this.context = env.context;
  }

  prev(row: unknown, n: number): unknown {
    return this.window === undefined ? undefined : this.window.prev?.(row as Row, n);
  }

  prior(row: unknown, n: number): unknown {
    return this.priorBuffer?.lookup(row as Row, n);
  }
}

const NOTHING: readonly never[] = Object.freeze([]);

/**
 * The arrays an instance keeps, each at its exact length: one shared empty array when empty,
 * and lists with the same elements share one array (a window is often both a statement's
 * only sized part and its only starter; its stream entry its only counted entry).
 */
function keeper(): <T>(list: T[]) => readonly T[] {
  const kept: (readonly unknown[])[] = [];
  return <T>(list: T[]): readonly T[] => {
    if (list.length === 0) return NOTHING;
    const same = kept.find((k) => k.length === list.length && k.every((x, i) => x === list[i]));
    if (same !== undefined) return same as readonly T[];
    const copy = list.slice();
    kept.push(copy);
    return copy;
  };
}

/** A built statement instance: what the engine drives (PhysicalStatement), holding only what it needs. */
class BuiltStatement implements PhysicalStatement {
  readonly entries: readonly StatementEntry[];
  readonly parts: readonly StatePart[];
  private readonly countedEntries: readonly StreamEntry[];
  private readonly sizes: readonly Sized[];
  private readonly dropped: readonly { dropped(): number }[];
  private readonly starters: readonly Startable[];
  private readonly terminators: readonly (() => void)[];
  private readonly shared: readonly BuildState['shared'][number][];
  private stops: readonly (() => void)[];
  private readonly patternEvents: { count: number } | undefined;

  constructor(
    s: BuildState,
    private readonly stepOutput: StepOutput | undefined,
  ) {
    this.patternEvents = s.patternEvents;
    const kept = keeper();
    this.entries = kept(s.entries);
    this.parts = kept(s.parts);
    this.countedEntries = kept(s.countedEntries);
    this.sizes = kept(s.sizes);
    this.dropped = kept(s.dropped);
    this.starters = kept(s.starters);
    this.terminators = kept(s.terminators);
    this.shared = kept(s.shared);
    this.stops = kept(s.stops);
  }

  windowSize(): number {
    let n = 0;
    for (const part of this.sizes) n += part.size();
    return n;
  }

  droppedPartialMatches(): number {
    let n = 0;
    for (const part of this.dropped) n += part.dropped();
    return n;
  }

  eventsIn(): number {
    let n = this.patternEvents?.count ?? 0;
    for (const e of this.countedEntries) n += e.count;
    return n;
  }

  counters(): number[] {
    return [this.patternEvents?.count ?? 0, ...this.countedEntries.map((e) => e.count)];
  }

  restoreCounters(counters: readonly number[]): void {
    if (this.patternEvents !== undefined) this.patternEvents.count = counters[0] ?? 0;
    this.countedEntries.forEach((e, i) => {
      e.count = counters[i + 1] ?? 0;
    });
  }

  start(): void {
    for (const part of this.starters) part.start?.();
    this.stepOutput?.flush();
  }

  terminate(): void {
    for (const t of this.terminators) t();
  }

  stop(): void {
    // A shared window stops with its last reader; the others only stop listening.
    const keep = new Set<unknown>();
    for (const { shared, output } of this.shared) {
      const at = shared.outputs.indexOf(output);
      if (at >= 0) shared.outputs.splice(at, 1);
      if (--shared.users > 0) keep.add(shared.window);
    }
    for (const { part } of this.parts) if (!keep.has(part)) part.stop?.();
    const stops = this.stops;
    this.stops = NOTHING;
    for (const s of stops) s();
  }
}

function compileColumns(columns: readonly OutputColumn[]) {
  return makeRowBuilder(columns.map((c) => ({ name: c.name, fn: compileExpr(c.expr) })));
}

function sinks(orderBy: readonly OrderKey[], sortKeys?: SortKeys): [RowSink, RowSink] {
  const keys = orderBy.length === 0 ? undefined : makeKeyBuilder(orderBy.map((o) => compileExpr(o.expr)));
  const desc = orderBy.map((o) => o.descending);
  return [new RowSink(keys, desc, sortKeys), new RowSink(keys, desc, sortKeys)];
}

/** Whether every event leaves the aggregation oldest first (so min/max can use a deque). */
function removesInArrivalOrder(node: LogicalPlan): boolean {
  let current: LogicalPlan | undefined = node;
  while (current !== undefined) {
    if (current.kind === 'Window') {
      return current.stages.every((s) => FIFO_WINDOWS.has(s.def.name));
    }
    // A join row leaves when any of its events leaves: not in arrival order. A named window's
    // rows leave when deleted or updated too.
    if (current.kind === 'Join' || current.kind === 'NamedWindowSource') return false;
    if (
      current.kind === 'EventSource' ||
      current.kind === 'PatternSource' ||
      current.kind === 'MatchRecognize'
    )
      return true;
    current = planInputs(current)[0];
  }
  return true;
}

const FIFO_WINDOWS = new Set([
  'length',
  'time',
  'length_batch',
  'time_batch',
  'time_length_batch',
  'keepall',
]);

/**
 * Layouts are shared by statements with the same aggregates (like compiled expressions): with
 * a thousand `avg(price)` statements, the layout read on every refresh is one hot object
 * instead of a thousand cold ones.
 */
const layouts = new BoundedCache<string, AggregateLayout>(10_000);

/** Shared by statements with the same layout and argument kinds, as the layout is (one hot object for a thousand statements). */
const columnsByLayout = new WeakMap<AggregateLayout, Map<string, ColumnarColumns>>();

function columnarColumns(layout: AggregateLayout, kinds: readonly ArgumentKind[]): ColumnarColumns {
  let byKinds = columnsByLayout.get(layout);
  if (byKinds === undefined) {
    byKinds = new Map();
    columnsByLayout.set(layout, byKinds);
  }
  const key = kinds.join(',');
  let columns = byKinds.get(key);
  if (columns === undefined) {
    columns = new ColumnarColumns(
      layout.computed.map((c, i) => ({ fn: c.arg, kind: kinds[i] as ArgumentKind })),
    );
    byKinds.set(key, columns);
  }
  return columns;
}

function aggregateLayout(node: Extract<LogicalPlan, { kind: 'Aggregate' }>): AggregateLayout {
  const fifo = removesInArrivalOrder(node.input);
  const unbound = withoutWindow(node.input);
  const joined = joinBelow(node.input)?.streams.map((s) => s.alias);
  return layouts.get(`${fifo}${unbound}${joined?.join(',') ?? ''}${JSON.stringify(node.aggregates)}`, () =>
    buildLayout(node.aggregates, fifo, unbound, joined),
  );
}

/** The join feeding the node, if any. */
function joinBelow(node: LogicalPlan): Extract<LogicalPlan, { kind: 'Join' }> | undefined {
  for (let current: LogicalPlan | undefined = node; current !== undefined; current = planInputs(current)[0]) {
    if (current.kind === 'Join') return current;
  }
  return undefined;
}

/** Over join rows: the event of the first joined stream `arg` reads (rows are rebuilt per step). */
function joinedEventOf(
  arg: BoundExpr | undefined,
  aliases: readonly string[],
): ((row: Row) => Row | undefined) | undefined {
  if (arg === undefined) return undefined;
  let first = -1;
  forEachExpr(arg, (x) => {
    if (x.kind !== 'Prop') return;
    const at = aliases.indexOf(x.path[0] as string);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  });
  if (first < 0) return undefined;
  const alias = aliases[first] as string;
  return (row) => row[alias] as Row | undefined;
}

/** Whether nothing below keeps events (no data window, no join): an insert stream only. */
function withoutWindow(node: LogicalPlan): boolean {
  for (let current: LogicalPlan | undefined = node; current !== undefined; current = planInputs(current)[0]) {
    // A named window posts a remove stream like a data window does.
    if (current.kind === 'Window' || current.kind === 'Join' || current.kind === 'NamedWindowSource')
      return false;
  }
  return true;
}

export function buildLayout(
  aggregates: readonly AggregateCall[],
  fifo: boolean,
  unbound: boolean,
  joined: readonly string[] | undefined,
): AggregateLayout {
  const computed: ComputedSlot[] = [];
  const derived: DerivedSlot[] = [];
  aggregates.forEach((call, slot) => {
    if (call.kind === 'derived') {
      derived.push({ slot, formula: call.formula, sources: call.sources });
      return;
    }
    let def = lookupAggregate(call.fn);
    if (def === undefined) throw new Error(`unknown aggregate ${call.fn}`);
    if (fifo && !call.distinct && (call.fn === 'min' || call.fn === 'max'))
      def = call.fn === 'min' ? fifoMin : fifoMax;
    // Esper's firstever/lastever where the stream has no remove stream.
    if (unbound && (call.fn === 'first' || call.fn === 'last'))
      def = call.fn === 'first' ? firstEver : lastEver;
    const identity =
      def.readsEvent === true && joined !== undefined ? joinedEventOf(call.arg, joined) : undefined;
    if (identity !== undefined && (call.fn === 'first' || call.fn === 'last'))
      def = call.fn === 'first' ? firstJoined : lastJoined;
    computed.push({
      slot,
      create: () => createAggregator(def, { distinct: call.distinct }),
      arg: call.arg === undefined ? undefined : compileExpr(call.arg),
      skipNulls: !def.seesNulls,
      identity,
    });
  });
  return { slotCount: aggregates.length, computed, derived };
}

function groupKeyOf(node: Extract<LogicalPlan, { kind: 'Aggregate' }>) {
  return node.groupBy.length === 0 ? undefined : makeGroupKey(node.groupBy.map((g) => compileExpr(g)));
}

/**
 * The result-set processor of a Project or Aggregate node (Esper's ResultSetProcessor per
 * kind), posting to `next`. `sortKeys`: the statement is output-limited and sorts, so each
 * row's order-by keys are recorded for the limiter.
 */
function buildProcessor(
  node: LogicalPlan,
  next: Operator,
  s: BuildState,
  sortKeys: SortKeys | undefined,
): LimitedProcessor {
  if (node.kind === 'Project') {
    const [newSink, oldSink] = sinks(node.orderBy, sortKeys);
    const build = node.columns === undefined ? undefined : compileColumns(node.columns);
    const having = node.having === undefined ? undefined : compilePredicate(node.having);
    return new ProjectOperator(build, having, s.ctx, newSink, oldSink, s.needOld, next);
  }
  if (node.kind !== 'Aggregate') throw new Error(`${node.kind} is not a result-set processor`);
  const layout = aggregateLayout(node);
  const build = compileColumns(node.columns);
  const having = node.having === undefined ? undefined : compilePredicate(node.having);
  const [newSink, oldSink] = sinks(node.orderBy, sortKeys);
  const groupKey = groupKeyOf(node);
  // Each aggregation operator owns the frame it sets aggregate values in.
  const frame = createFrame(s.access);
  // The row-per-event and row-per-group processors take the same arguments after the key.
  const perGroupArgs = [build, having, frame, newSink, oldSink, s.needOld, next] as const;
  if (node.intoTable !== undefined) {
    const into = intoTableGroups(node.intoTable, node.groupBy, layout, frame, s.env);
    return new AggregateGroupedOperator(layout, into.groupKey, ...perGroupArgs, into.store);
  }
  switch (node.mode) {
    case 'all':
      // Its sink only records order-by keys for an output limiter (it posts one row itself).
      return new AggregateAllOperator(
        layout,
        build,
        having,
        frame,
        s.needOld,
        next,
        sortKeys === undefined ? undefined : newSink,
      );
    case 'mixed':
    case 'grouped-mixed':
      return new AggregateMixedOperator(layout, groupKey, ...perGroupArgs);
    case 'grouped':
      if (groupKey === undefined) throw new Error('grouped aggregation without group keys');
      return new AggregateGroupedOperator(layout, groupKey, ...perGroupArgs);
    default:
      return assertNever(node.mode, 'aggregate mode');
  }
}

/**
 * An output-limited statement: its processor posts into a RowCollector, and the limiter
 * built around it receives what the processor would have received.
 */
function buildOutputLimit(
  node: Extract<LogicalPlan, { kind: 'OutputLimit' }>,
  next: Operator,
  s: BuildState,
): void {
  const input = node.input;
  if (input.kind !== 'Project' && input.kind !== 'Aggregate') {
    throw new Error(`output limiting over ${input.kind}`);
  }
  const orderBy = input.orderBy;
  const sortKeys: SortKeys | undefined = orderBy.length === 0 ? undefined : new WeakMap();
  const collector = new RowCollector(
    sortKeys,
    orderBy.map((o) => o.descending),
  );
  const processor = buildProcessor(input, collector, s, sortKeys);
  if (processor instanceof AggregateMixedOperator) processor.collector = collector;
  const contents = node.spec.type === 'snapshot' ? snapshotContents(input.input, s) : undefined;
  const join = joinFeeding(input.input);
  const env = s.env;
  const limiter = createOutputLimiter({
    spec: node.spec,
    processor,
    collector,
    aggregated: input.kind === 'Aggregate',
    grouped: input.kind === 'Aggregate' && input.groupBy.length > 0,
    sorted: orderBy.length > 0,
    selector: s.selector,
    clock: {
      now: () => env.now(),
      timers: env.timers,
      defer: join === undefined ? (callback) => env.atStepEnd(callback) : undefined,
    },
    startTime: env.startTime,
    contents,
    next,
    joinAliases: join?.streams.map((st) => st.alias),
  });
  if (input.kind === 'Aggregate') {
    s.aggregating = true;
    s.parts.push({ label: 'aggregation', part: processor as Partial<Stateful> });
  }
  s.parts.push({ label: 'output limiter', part: limiter as Partial<Stateful> });
  if (limiter.terminate !== undefined) s.terminators.push(limiter.terminate);
  buildDown(input.input, limiter, s);
}

/** The join feeding the node (through a where clause or prior buffer), if any. */
/** Whether one of the join's streams is a named window (it is preloaded with the window's rows). */
function joinsNamedWindow(join: Extract<LogicalPlan, { kind: 'Join' }>): boolean {
  return join.streams.some((stream) => stream.shared?.kind === 'named-window');
}

/** Passes updates on, except while `muted` runs (a preload that updates state and posts nothing). */
class MutableOutput implements Operator {
  private silent = false;

  constructor(private readonly next: Operator) {}

  onUpdate(inserted: Row[] | null, removed: Row[] | null, force?: boolean): void {
    if (!this.silent) this.next.onUpdate(inserted, removed, force);
  }

  muted(run: () => void): void {
    this.silent = true;
    try {
      run();
    } finally {
      this.silent = false;
    }
  }
}

function joinFeeding(node: LogicalPlan): Extract<LogicalPlan, { kind: 'Join' }> | undefined {
  let current: LogicalPlan = node;
  while (current.kind !== 'Join') {
    if (current.kind !== 'Filter' && current.kind !== 'Prior') return undefined;
    current = current.input;
  }
  return current;
}

/**
 * What `output snapshot` iterates (Esper's getIterator over the processor's parent view): the
 * data window's contents after the where clause, or the join of the windows' contents;
 * undefined when the statement keeps no events (no data window).
 */
function snapshotContents(node: LogicalPlan, s: BuildState): (() => readonly Row[]) | undefined {
  let predicate: ((row: Row, ctx: EvalFrame) => boolean) | undefined;
  let current = node;
  if (current.kind === 'Filter') {
    predicate = compilePredicate(current.predicate);
    current = current.input;
  }
  if (current.kind === 'Prior') current = current.input;
  // The closures hold what they read, not the build state.
  const { ctx, access, joined } = s;
  if (current.kind === 'Join') {
    s.snapshots = true;
    return () => {
      const rows: Row[] = joined.join?.currentRows() ?? [];
      return predicate === undefined ? rows : rows.filter((r) => predicate(r, ctx));
    };
  }
  if (current.kind !== 'Window') return undefined;
  return () => {
    const rows = access.window?.contents() ?? [];
    return predicate === undefined ? rows : rows.filter((r) => predicate(r, ctx));
  };
}

/** Builds `node` feeding `next`, recursing to the source. */
function buildDown(node: LogicalPlan, next: Operator, s: BuildState): void {
  switch (node.kind) {
    case 'Output':
      throw new Error('Output must be the plan root');
    case 'Limit':
      buildDown(node.input, new LimitOperator(node.count, node.offset, next), s);
      return;
    case 'Distinct':
      buildDown(node.input, new DistinctOperator(next), s);
      return;
    case 'Project': {
      // `select *` in arrival order straight into the output passes the events on unchanged:
      // no operator at all (the output drops empty sides and the side its selector does not post).
      if (
        node.columns === undefined &&
        node.having === undefined &&
        node.orderBy.length === 0 &&
        next instanceof OutputOperator
      ) {
        buildDown(node.input, next, s);
        return;
      }
      buildDown(node.input, buildProcessor(node, next, s, undefined), s);
      return;
    }
    case 'Aggregate': {
      const fused = fusedAggregation(node, s.env);
      if (fused.applied) {
        buildFused(node, fused.plan, next, s);
        return;
      }
      // An aggregated join over a named window starts from the join of the rows it holds,
      // which the aggregation takes without posting anything (Esper's
      // NamedWindowConsumerPreloadAggregationJoin: processJoinResult, no output view).
      const join = joinFeeding(node.input);
      const gate = join !== undefined && joinsNamedWindow(join) ? new MutableOutput(next) : undefined;
      const out = gate ?? next;
      const op = node.resetEachUpdate
        ? new FreshAggregationOperator(() => buildProcessor(node, out, s, undefined))
        : buildProcessor(node, out, s, undefined);
      // A fresh aggregation per update keeps nothing between steps.
      if (!node.resetEachUpdate) s.parts.push({ label: 'aggregation', part: op as Partial<Stateful> });
      s.aggregating = true;
      buildDown(node.input, op, s);
      const built = s.joined.join;
      if (gate !== undefined && built !== undefined)
        s.starters.push({ start: () => gate.muted(() => built.preloadResults()) });
      return;
    }
    case 'OutputLimit':
      buildOutputLimit(node, next, s);
      return;
    case 'Filter':
      buildDown(node.input, new FilterOperator(compilePredicate(node.predicate), s.ctx, next), s);
      return;
    case 'MatchRecognize': {
      const runtime = createMatchRecognizeRuntime(node, s.env, s.statement, next);
      s.parts.push({ label: 'match_recognize', part: runtime.state });
      s.sizes.push(runtime);
      s.dropped.push(runtime);
      const feed: Operator = {
        onUpdate: (ins) => {
          if (ins !== null) for (const row of ins) runtime.accept(row);
        },
      };
      buildDown(node.input, feed, s);
      return;
    }
    case 'PatternSource': {
      const runtime = createPatternSourceRuntime(node, s.env, s.statement, next, s.patternRowWise);
      s.parts.push({ label: 'pattern', part: runtime.state });
      s.starters.push(runtime);
      s.sizes.push(runtime);
      s.dropped.push(runtime);
      s.patternEvents ??= { count: 0 };
      const counted = s.patternEvents;
      for (const stream of node.streams) {
        s.entries.push({
          stream,
          indexed: [],
          accept: (row) => {
            counted.count++;
            runtime.onEvent(stream, row);
          },
        });
      }
      return;
    }
    case 'Window':
      buildWindow(node, next, s);
      return;
    case 'Join': {
      const env = s.env;
      const join = createJoinOperator(
        node,
        {
          ctx: s.ctx,
          computeOld: s.needOld || s.aggregating,
          defer: (flush) => env.atStepEnd(flush),
          // An aggregated join over a named window joins the streams' contents at start (below).
          keepAll: s.snapshots || (s.aggregating && joinsNamedWindow(node)),
          table: (name) => tableRows(env, name),
        },
        next,
      );
      s.joined.join = join;
      node.inputs.forEach((input, i) => {
        const shared = node.streams[i]?.shared;
        if (shared?.kind !== 'named-window') {
          buildDown(input, join.side(i), s);
          return;
        }
        const window = namedWindow(s.env, shared.name);
        buildDown(
          input,
          join.sharedSide(i, (flush) => window.afterDispatch(flush)),
          s,
        );
        // Esper preloads the join with the window's rows (not a batch window's, nor into a
        // unidirectional stream, which keeps nothing).
        if (!shared.batching && node.streams[i]?.unidirectional !== true) {
          const filter = input.kind === 'Filter' ? compilePredicate(input.predicate) : undefined;
          const ctx = s.ctx;
          s.starters.push({
            start: () =>
              join.preload(
                i,
                window.contents().filter((row) => filter === undefined || filter(row, ctx)),
              ),
          });
        }
      });
      s.parts.push({ label: 'join', part: join as Partial<Stateful> });
      return;
    }
    case 'Prior': {
      // Above the window: it records what the window posts (Esper's PriorEventView).
      const prior = new PriorBuffer(node.depth, node.input.kind === 'Window');
      s.prior = prior;
      s.parts.push({ label: 'prior buffer', part: prior as Partial<Stateful> });
      buildDown(
        node.input,
        {
          onUpdate(inserted, removed) {
            prior.posted(inserted);
            next.onUpdate(inserted, removed);
            prior.forget(removed);
          },
        },
        s,
      );
      return;
    }
    case 'StreamFilter':
    case 'Prune':
    case 'EventSource':
      buildSource(node, new EventsOf(next), s);
      return;
    case 'NamedWindowSource':
      // A join's named window stream is preloaded by the join (below).
      buildNamedWindowSource(node, next, s.env, s, s.joined.join === undefined);
      return;
    case 'TableSource':
      // A table posts nothing: the join reads it (compile-join.ts).
      return;
    case 'Define':
      buildDefine(node, next, s.env, s.ctx, s);
      return;
    case 'OnTrigger':
      buildDown(node.input, buildOnTrigger(node, next, s.env, s.ctx), s);
      return;
    default:
      assertNever(node, 'plan node');
  }
}

/**
 * The window and the aggregation as one operator (columnar-plan.ts): events reach it from
 * the source side. Its own function, so the closures it leaves behind hold the window only,
 * not the build state (V8 shares one context among the closures of a call).
 */
function buildFused(node: AggregateNode, columnar: ColumnarPlan, next: Operator, s: BuildState): void {
  const { def, params, capability } = columnar.window;
  const layout = aggregateLayout(node);
  const agg = new ColumnarAggregation(
    layout,
    columnarColumns(layout, columnar.argumentKinds),
    groupKeyOf(node),
    compileColumns(node.columns),
    node.having === undefined ? undefined : compilePredicate(node.having),
    createFrame(s.access),
    s.needOld,
    next,
    capability.stamped,
    columnar.orderFree,
  );
  const window = capability.create(params, agg, s.env);
  s.parts.push(
    { label: `columnar #${def.name} aggregation`, part: agg as Partial<Stateful> },
    { label: `columnar #${def.name} window`, part: window as Partial<Stateful> },
  );
  s.starters.push(window);
  s.sizes.push(window);
  s.aggregating = true;
  buildSource(columnar.source, { insert: window.accept }, s);
}

/** A data window posting each step to `next`; events reach it through the source side below. */
function buildWindow(node: Extract<LogicalPlan, { kind: 'Window' }>, next: Operator, s: BuildState): void {
  if (node.shareKey !== undefined) {
    const shared = s.env.sharedWindows.get(node.shareKey);
    if (shared !== undefined) {
      // Another statement of this deployment already feeds this window: listen to it.
      shared.outputs.push(next);
      shared.users++;
      s.entries.push(...shared.entries);
      s.window = shared.window;
      s.sizes.push(shared.window);
      s.parts.push({ label: shared.label, part: shared.window });
      s.shared.push({ shared, output: next });
      return;
    }
  }
  const outputs: Operator[] = [next];
  const label = windowLabel(node.stages);
  const window = createWindowChain(
    node.stages.map((st) => ({ def: st.def, params: st.params })),
    // Only a row-for-all aggregation reacts to an empty post; a shared window may feed one.
    new InstanceWindowContext(s.env, s.ctx, outputs, s.aggregating || node.shareKey !== undefined),
    node.union === true,
  );
  s.window = window;
  s.parts.push({ label, part: window });
  // Timers from the statement's start (START_EAGER); a restored window is not started.
  s.starters.push(window);
  s.sizes.push(window);
  const before = s.entries.length;
  buildSource(node.input, window, s);
  if (node.shareKey !== undefined) {
    const shared: SharedWindow = { window, label, outputs, entries: s.entries.slice(before), users: 1 };
    s.env.sharedWindows.set(node.shareKey, shared);
    s.shared.push({ shared, output: next });
  }
}

/**
 * Each subquery's own stream entry and data window (Esper gives a subselect views of its own)
 * posting to its runtime; without a window, the entry posts each event as new.
 */
function buildSubqueries(plan: StatementPlan, s: BuildState, evaluators: SubqueryEvaluator[]): void {
  for (const sub of plan.subqueries) {
    const shared = sub.shared;
    const runtime = createSubqueryRuntime(
      sub,
      s.access,
      (aggregates, unbound) => buildLayout(aggregates, false, unbound, undefined),
      s.ctx,
      shared?.kind === 'table' ? tableRows(s.env, shared.name) : undefined,
    );
    evaluators[sub.id] = (params, left) => runtime.evaluate(sub.test, sub.op, params, left);
    const source: LogicalPlan = { kind: 'EventSource', stream: sub.stream, schema: sub.inputSchema };
    const filter = sub.filter === undefined ? undefined : compilePredicate(sub.filter);
    const lendable = sub.filter === undefined || readsValuesOnly(sub.filter);
    s.parts.push({ label: `subquery #${sub.id}`, part: runtime as Partial<Stateful> });
    if (shared?.kind === 'table') continue;
    if (shared?.kind === 'named-window') {
      subscribeSubquery(namedWindow(s.env, shared.name), shared.batching, filter, runtime, s);
      continue;
    }
    if (sub.windows.length === 0) {
      registerEntry(
        source,
        [],
        filter,
        { insert: (row) => runtime.onPosts([row], null) },
        s,
        false,
        lendable,
      );
      continue;
    }
    const label = `subquery #${sub.id} ${windowLabel(sub.windows)}`;
    const window = createWindowChain(
      sub.windows.map((st) => ({ def: st.def, params: st.params })),
      new InstanceWindowContext(s.env, s.ctx, [{ onUpdate: (ins, rem) => runtime.onPosts(ins, rem) }], false),
      sub.union,
    );
    s.parts.push({ label, part: window });
    registerEntry(source, [], filter, window, s, false, lendable);
  }
}

/**
 * A subquery over a named window keeps what the window posts (through the consumer filter),
 * from the rows it holds when the statement starts (Esper's preloaded local view; not a
 * batch window's rows, which it posts again when the batch is released).
 */
function subscribeSubquery(
  window: NamedWindowRuntime,
  batching: boolean,
  filter: ((row: Row, ctx: EvalFrame) => boolean) | undefined,
  runtime: SubqueryRuntime,
  s: BuildState,
): void {
  const ctx = s.ctx;
  const pass = (rows: Row[] | null) =>
    rows === null || filter === undefined ? rows : rows.filter((row) => filter(row, ctx));
  s.stops.push(window.subscribe({ onUpdate: (ins, rem) => runtime.onPosts(pass(ins), pass(rem)) }));
  if (!batching) s.starters.push({ start: () => runtime.onPosts(pass(window.contents()), null) });
}

function hasPatternSource(node: LogicalPlan): boolean {
  return node.kind === 'PatternSource' || planInputs(node).some(hasPatternSource);
}

const prunes = new Map<string, (row: Row) => Row>();

/** Copies only `props` of a row; generated once per property list (a context instantiates a statement per partition). */
function pruneFunction(props: readonly string[]): (row: Row) => Row {
  const key = JSON.stringify(props);
  let prune = prunes.get(key);
  if (prune === undefined) {
    prune = new Function(
      'row',
      `return { ${props.map((p) => `${JSON.stringify(p)}: row[${JSON.stringify(p)}]`).join(', ')} };`,
    ) as (row: Row) => Row;
    if (prunes.size >= 10_000) prunes.clear();
    prunes.set(key, prune);
  }
  return prune;
}

/** Builds the source side: `accept` receives each event that reaches this point. */
function buildSource(node: LogicalPlan, input: RowInput, s: BuildState): void {
  switch (node.kind) {
    case 'Prune': {
      buildSource(node.input, new Pruned(pruneFunction(node.properties), input), s);
      return;
    }
    case 'StreamFilter': {
      const predicate = node.predicate === undefined ? undefined : compilePredicate(node.predicate);
      const lendable = node.predicate === undefined || readsValuesOnly(node.predicate);
      registerEntry(node.input, node.indexed, predicate, input, s, node.fromWhere !== true, lendable);
      return;
    }
    case 'EventSource':
      registerEntry(node, [], undefined, input, s, false, true);
      return;
    default:
      throw new Error(`${node.kind} cannot appear below a window`);
  }
}

/** The entry the router calls for a statement's stream: the stream filter's predicate, the count, then `input`. */
function registerEntry(
  node: LogicalPlan,
  indexed: readonly IndexedEquality[],
  predicate: ((row: Row, ctx: EvalFrame) => boolean) | undefined,
  input: RowInput,
  s: BuildState,
  written: boolean,
  /** The predicate reads only the row's values (readsValuesOnly): it may test a lent row. */
  lendable: boolean,
): void {
  if (node.kind !== 'EventSource') throw new Error(`expected the event source, found ${node.kind}`);
  const entry = new StreamEntry(node.stream, indexed, predicate, s.ctx, input, written, lendable);
  s.countedEntries.push(entry);
  s.entries.push(entry);
}

/**
 * One object holding the filter, the count and the next step: the router touches it anyway,
 * so counting costs no extra object (a closure counting into the statement's build state
 * was two more cold objects per event with a thousand statements).
 */
class StreamEntry implements StatementEntry {
  count = 0;
  readonly filtered: boolean;
  readonly transient: boolean;
  /** The next step copies what it keeps (a pruned row): it may take a lent row. */
  readonly copies: boolean;

  constructor(
    readonly stream: string,
    readonly indexed: readonly IndexedEquality[],
    private readonly predicate: ((row: Row, ctx: EvalFrame) => boolean) | undefined,
    private readonly ctx: EvalFrame,
    private readonly next: RowInput,
    /** The stream has a filter as written (not only a moved where clause). */
    written: boolean,
    lendable: boolean,
  ) {
    this.filtered = written && (predicate !== undefined || indexed.length > 0);
    this.transient = lendable;
    this.copies = next instanceof Pruned;
  }

  accept(row: Row): void {
    if (this.test(row)) this.take(row);
  }

  test(row: Row): boolean {
    return this.predicate === undefined || this.predicate(row, this.ctx);
  }

  take(row: Row): void {
    this.count++;
    this.next.insert(row);
  }
}

/** Each event on to an operator, as a step of its own (a stream without data window). */
class EventsOf implements RowInput {
  constructor(private readonly next: Operator) {}

  insert(row: Row): void {
    this.next.onUpdate([row], null);
  }
}

/** Only the properties the statement reads of each event, on to `next`. */
class Pruned implements RowInput {
  constructor(
    private readonly prune: (row: Row) => Row,
    private readonly next: RowInput,
  ) {}

  insert(row: Row): void {
    this.next.insert(this.prune(row));
  }
}

/**
 * How a statement's data window reaches its clock, timers and start time, and posts to the
 * operators listening. An object rather than closures: closures made while building would
 * keep the build state alive once per instance (V8 gives a call's closures one context).
 */
class InstanceWindowContext implements WindowContext {
  readonly timers: TimerService;

  constructor(
    private readonly env: PhysicalEnv,
    private readonly frame: EvalFrame,
    private readonly outputs: Operator[],
    readonly seesEmptyPosts: boolean,
  ) {
    this.timers = env.timers;
  }

  now(): number {
    return this.env.now();
  }

  get startTime(): number {
    return this.env.startTime;
  }

  emit(inserted: Row[] | null, removed: Row[] | null): void {
    const outputs = this.outputs;
    for (let i = 0; i < outputs.length; i++) (outputs[i] as Operator).onUpdate(inserted, removed);
  }

  compile(expr: BoundExpr): (row: Row) => unknown {
    const fn = compileExpr(expr);
    const frame = this.frame;
    return (row) => fn(row, frame);
  }
}

/** `window #a#b`: a window list's label in snapshot errors, one string per list of window kinds. */
function windowLabel(stages: readonly { readonly def: { readonly name: string } }[]): string {
  const label = `window ${stages.map((st) => `#${st.def.name}`).join('')}`;
  let interned = labels.get(label);
  if (interned === undefined) {
    interned = label;
    if (labels.size >= 10_000) labels.clear();
    labels.set(label, label);
  }
  return interned;
}

const labels = new Map<string, string>();
