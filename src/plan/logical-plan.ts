import type { StreamSelector } from '../ast/ast.js';
/**
 * The logical plan: one tree per statement, leaves at the event source, root at the
 * statement's output. Nodes are immutable data; kinds describe operations (AST kinds
 * describe syntax and are never reused here). Every consumer switches exhaustively.
 *
 * Esper's result-set processing is not relational: which rows a step posts depends on
 * whether the select list is aggregated and grouped (see `AggregateMode`). That choice is
 * made once by the planner and carried by the Aggregate node.
 */
import type { EplType } from '../common/types.js';
import type { BoundExpr, CompareOp, SubqueryTest } from '../expr/bound-expr.js';
import type { MatchRecognizePlan } from '../patterns/match-recognize/mr-plan.js';
import type { PatternPlan } from '../patterns/pattern-plan.js';
import type { WindowDef } from '../windows/window-def.js';
import type { InfraDefinition, IntoTablePlan, OnActionPlan, TriggerPlan } from './infra-defs.js';
import type { OutputLimitSpec } from './output-limit.js';

/** Output columns of a node, in order. */
export type PlanSchema = readonly { readonly name: string; readonly type: EplType }[];

export type LogicalPlan =
  | EventSourceNode
  | PatternSourceNode
  | MatchRecognizeNode
  | StreamFilterNode
  | PriorNode
  | PruneNode
  | WindowNode
  | JoinNode
  | FilterNode
  | ProjectNode
  | AggregateNode
  | OutputLimitNode
  | DistinctNode
  | LimitNode
  | OutputNode
  | NamedWindowSourceNode
  | TableSourceNode
  | DefineNode
  | OnTriggerNode;

/** Events of one type, in event-time order. */
export interface EventSourceNode {
  readonly kind: 'EventSource';
  readonly stream: string;
  readonly schema: PlanSchema;
}

/** An EPL pattern; posts one row per match (tag → event), insert stream only. */
export interface PatternSourceNode {
  readonly kind: 'PatternSource';
  readonly pattern: PatternPlan;
  /** Streams the pattern listens to. */
  readonly streams: readonly string[];
  readonly text: string;
  readonly schema: PlanSchema;
}

/** Row pattern recognition over its input; posts one measures row per match. */
export interface MatchRecognizeNode {
  readonly kind: 'MatchRecognize';
  readonly input: LogicalPlan;
  readonly recognizer: MatchRecognizePlan;
  readonly schema: PlanSchema;
}

/** A property equal to a constant: the filter index routes on these by hash lookup. */
export interface IndexedEquality {
  readonly property: string;
  readonly value: string | number | boolean;
}

/**
 * `Stream(filter)`: applied to arrivals before any window; events that fail never enter.
 * `indexed` conjuncts are answered by the engine's filter index; `predicate` is the residual.
 */
export interface StreamFilterNode {
  readonly kind: 'StreamFilter';
  readonly input: LogicalPlan;
  readonly predicate: BoundExpr | undefined;
  readonly indexed: readonly IndexedEquality[];
  /**
   * Only a moved `where` clause, no filter written on the stream: Esper evaluates a where
   * clause after its filter service, so such a statement is routed among the unfiltered.
   */
  readonly fromWhere?: true;
  readonly schema: PlanSchema;
}

/**
 * Remembers, for each event its input posts as new, the `depth` events posted before it, so
 * `prior(n, x)` can read them (above the data window, or above the source when there is none).
 */
export interface PriorNode {
  readonly kind: 'Prior';
  readonly input: LogicalPlan;
  readonly depth: number;
  readonly schema: PlanSchema;
}

/** Keeps only the properties later stages read (projection pruning), so windows hold less. */
export interface PruneNode {
  readonly kind: 'Prune';
  readonly input: LogicalPlan;
  readonly properties: readonly string[];
  readonly schema: PlanSchema;
}

export interface WindowStage {
  readonly def: WindowDef;
  readonly params: unknown;
  /** As written, for explain: `#length(3)`. */
  readonly text: string;
}

/** Data window(s): several stages intersect; `#groupwin` scopes the stages after it. */
export interface WindowNode {
  readonly kind: 'Window';
  readonly input: LogicalPlan;
  readonly stages: readonly WindowStage[];
  /** `retain-union`: an event stays while any stage holds it (default: the intersection). */
  readonly union?: boolean;
  /** Statements of one deployment whose windows have the same key share one instance. */
  readonly shareKey: string | undefined;
  readonly schema: PlanSchema;
}

/** A named window or table taking part in a join (`from A as a, W as w`). */
export type SharedJoinSource =
  | { readonly kind: 'named-window'; readonly name: string; readonly batching: boolean }
  | { readonly kind: 'table'; readonly name: string; readonly keys: readonly string[] };

/** One stream of a join: the name its event has in the join row, and its own conditions. */
export interface JoinStream {
  readonly alias: string;
  readonly stream: string;
  /** Only this stream's arrivals trigger the join (insert stream only); it has no window. */
  readonly unidirectional: boolean;
  /**
   * Conjuncts of the where clause reading only this stream (on the join row, `a.x > 5`):
   * an event failing them is in no result, so the join never indexes it. The stream's
   * window still holds it: a where clause never moves below a window.
   */
  readonly predicate: BoundExpr | undefined;
  /** A named window's or a table's rows instead of events (analyzed-statement.ts). */
  readonly shared?: SharedJoinSource;
}

/** One side of a join equality: an expression over a single stream's event (on the join row). */
export interface JoinKeyPart {
  readonly stream: number;
  readonly expr: BoundExpr;
}

/** `a.id = b.auction`: answered by hash lookups in an index on the looked-up stream's side. */
export interface JoinEquality {
  readonly left: JoinKeyPart;
  readonly right: JoinKeyPart;
}

/**
 * One `[inner | left | right | full] [outer] join S on …` clause, joining stream `i + 1` to
 * an earlier stream (clause i). Esper's on clause of such a join is a conjunction of
 * equalities between properties of the same two streams (validated by the analyzer).
 */
export interface JoinClausePlan {
  readonly kind: 'inner' | 'left' | 'right' | 'full';
  readonly equalities: readonly JoinEquality[];
}

/**
 * Esper's join of data windows (inner, or outer when `outer` is set). `inputs[i]` delivers stream i's window posts (source,
 * stream filter, window). When streams post new events, the insert stream is those events
 * joined with the other windows' contents; posted old events joined with the contents
 * before the step are the remove stream. Results are sets, computed once per step.
 * Rows hold one event per stream under its alias: `{ a: Auction, b: Bid }`.
 */
export interface JoinNode {
  readonly kind: 'Join';
  readonly inputs: readonly LogicalPlan[];
  readonly streams: readonly JoinStream[];
  readonly equalities: readonly JoinEquality[];
  /** The rest of the where clause, evaluated on candidate rows. */
  readonly residual: BoundExpr | undefined;
  /**
   * Set when a clause is an outer join: the clauses, in order (Esper's outer join plan,
   * plan/outer-join-plan.ts). The where clause then stays whole in `residual`, tested on each
   * result row (null-padded ones included), and `equalities`/stream predicates stay empty.
   */
  readonly outer: readonly JoinClausePlan[] | undefined;
  readonly schema: PlanSchema;
}

/** `where`: applied after the window to new and old events alike. */
export interface FilterNode {
  readonly kind: 'Filter';
  readonly input: LogicalPlan;
  readonly predicate: BoundExpr;
  readonly schema: PlanSchema;
}

export interface OutputColumn {
  readonly name: string;
  readonly expr: BoundExpr;
  readonly type: EplType;
}

export interface OrderKey {
  readonly expr: BoundExpr;
  readonly descending: boolean;
}

/** Select list without aggregation: one output row per event, new and old. */
export interface ProjectNode {
  readonly kind: 'Project';
  readonly input: LogicalPlan;
  /** undefined: `select *` on a single stream, posting the events themselves. */
  readonly columns: readonly OutputColumn[] | undefined;
  /** `having` without aggregates: a filter on the rows of each delivery, old rows included. */
  readonly having: BoundExpr | undefined;
  readonly orderBy: readonly OrderKey[];
  readonly schema: PlanSchema;
}

/**
 * Esper's result-set processors:
 * - `all`: every column aggregated, no group by → one row per update (arrival or expiry).
 * - `mixed`: aggregates beside plain properties, no group by → one row per event that arrived or left.
 * - `grouped`: group by, every plain property a group key → one row per group changed in the step.
 * - `grouped-mixed`: group by with ungrouped properties → one row per event, with its group's aggregates.
 */
export type AggregateMode = 'all' | 'mixed' | 'grouped' | 'grouped-mixed';

/** One aggregate the statement maintains; select/having/order by read it as AggRef(slot). */
export type AggregateCall =
  | {
      readonly kind: 'computed';
      /** Registry name, lower case. */
      readonly fn: string;
      /** undefined for `count(*)`/`window(*)` (the aggregator receives the row). */
      readonly arg: BoundExpr | undefined;
      readonly distinct: boolean;
      readonly type: EplType;
      /** As written, for explain: `avg(price)`. */
      readonly text: string;
    }
  | {
      /** Computed from other slots without state of its own (avg = sum / count). */
      readonly kind: 'derived';
      readonly formula: 'avg-from-sum-count';
      readonly sources: readonly number[];
      readonly type: EplType;
      readonly text: string;
    };

export interface AggregateNode {
  readonly kind: 'Aggregate';
  readonly input: LogicalPlan;
  readonly mode: AggregateMode;
  readonly groupBy: readonly BoundExpr[];
  readonly aggregates: readonly AggregateCall[];
  readonly columns: readonly OutputColumn[];
  readonly having: BoundExpr | undefined;
  readonly orderBy: readonly OrderKey[];
  /**
   * Each update starts from empty aggregates: Esper clears aggregation state at every
   * triggering event of a unidirectional join, so each trigger aggregates its own rows.
   */
  readonly resetEachUpdate: boolean;
  /** `into table T`: the groups are T's rows, the aggregations its columns. */
  readonly intoTable?: IntoTablePlan;
  readonly schema: PlanSchema;
}

/**
 * Output rate limiting (Esper's OutputProcessView): the result-set processor below it (a
 * Project or an Aggregate) no longer posts each step; this node decides when rows are posted
 * and which ones (default, all, first, last, snapshot), sorting and limiting each posted batch.
 */
export interface OutputLimitNode {
  readonly kind: 'OutputLimit';
  readonly input: LogicalPlan;
  readonly spec: OutputLimitSpec;
  readonly schema: PlanSchema;
}

/** `select distinct`: duplicate rows within one delivery are removed. */
export interface DistinctNode {
  readonly kind: 'Distinct';
  readonly input: LogicalPlan;
  readonly schema: PlanSchema;
}

/** `limit n offset m` on the rows of one delivery. */
export interface LimitNode {
  readonly kind: 'Limit';
  readonly input: LogicalPlan;
  readonly count: number;
  readonly offset: number;
  readonly schema: PlanSchema;
}

/** The statement's listeners and `insert into`. */
export interface OutputNode {
  readonly kind: 'Output';
  readonly input: LogicalPlan;
  readonly statement: string;
  /** What listeners receive: `istream` (new rows), `rstream` (old rows, in the new position), `irstream`. */
  readonly selector: StreamSelector;
  readonly insertInto: { readonly stream: string; readonly selector: StreamSelector } | undefined;
  readonly schema: PlanSchema;
}

/**
 * `from W`: the insert and remove streams named window W posts (after an on-delete, an
 * on-update, an expiry…), as one (new, old) step per causal step, like a data window's posts.
 */
export interface NamedWindowSourceNode {
  readonly kind: 'NamedWindowSource';
  readonly window: string;
  readonly schema: PlanSchema;
}

/**
 * Table T as a stream of a join: it posts nothing; the join reads its current rows (by
 * primary key, else a scan) when another stream's event is joined (Esper's table lookups).
 */
export interface TableSourceNode {
  readonly kind: 'TableSource';
  readonly table: string;
  readonly schema: PlanSchema;
}

/**
 * A create statement's effect: defines a named window, index, table, context or variable
 * for the engine. A named window posts its changes (new and old rows) and a variable its
 * value changes (new and old value) to the create statement's listeners; the others post nothing.
 */
export interface DefineNode {
  readonly kind: 'Define';
  readonly definition: InfraDefinition;
  readonly schema: PlanSchema;
}

/**
 * `on Trigger …`: for each trigger event (`input` delivers them), finds the target's matching
 * rows by the lookup plan and acts: select posts the (trigger, row) join rows to the select
 * processing above; delete/update/merge change the window or table and post the changed rows;
 * set assigns variables and posts their new values.
 */
export interface OnTriggerNode {
  readonly kind: 'OnTrigger';
  readonly input: LogicalPlan;
  readonly trigger: TriggerPlan;
  readonly action: OnActionPlan;
  readonly schema: PlanSchema;
}

export type PlanKind = LogicalPlan['kind'];

/** The direct inputs of a node. */
export function planInputs(plan: LogicalPlan): LogicalPlan[] {
  switch (plan.kind) {
    case 'EventSource':
    case 'PatternSource':
    case 'NamedWindowSource':
    case 'TableSource':
    case 'Define':
      return [];
    case 'Join':
      return [...plan.inputs];
    case 'MatchRecognize':
    case 'StreamFilter':
    case 'Prior':
    case 'Prune':
    case 'Window':
    case 'Filter':
    case 'Project':
    case 'Aggregate':
    case 'OutputLimit':
    case 'Distinct':
    case 'Limit':
    case 'Output':
    case 'OnTrigger':
      return [plan.input];
  }
}

/** Rebuilds `plan` bottom-up, applying `f` to every node after its input was rewritten. */
export function transformUp(plan: LogicalPlan, f: (node: LogicalPlan) => LogicalPlan): LogicalPlan {
  if (
    plan.kind === 'EventSource' ||
    plan.kind === 'PatternSource' ||
    plan.kind === 'NamedWindowSource' ||
    plan.kind === 'TableSource' ||
    plan.kind === 'Define'
  ) {
    return f(plan);
  }
  if (plan.kind === 'Join') {
    const inputs = plan.inputs.map((i) => transformUp(i, f));
    return f(inputs.every((x, i) => x === plan.inputs[i]) ? plan : { ...plan, inputs });
  }
  const input = transformUp(plan.input, f);
  return f(input === plan.input ? plan : ({ ...plan, input } as LogicalPlan));
}

/** Whether the statement's consumers receive old rows: listeners of rstream/irstream, or insert rstream/irstream into. */
export function postsOldRows(root: OutputNode): boolean {
  return (
    root.selector !== 'istream' || (root.insertInto !== undefined && root.insertInto.selector !== 'istream')
  );
}

/** Visits every node, root first. */
export function forEachNode(plan: LogicalPlan, visit: (node: LogicalPlan) => void): void {
  visit(plan);
  for (const input of planInputs(plan)) forEachNode(input, visit);
}

/** A statement ready for the optimizer. */
export interface StatementPlan {
  readonly name: string;
  readonly text: string;
  readonly root: OutputNode;
  /** The event types this statement consumes. */
  readonly streams: readonly string[];
  readonly isPattern: boolean;
  /** `context C …`: instantiated once per partition of context C (physical/plan-operators builds one instance). */
  readonly context: string | undefined;
  /** The statement's subqueries, by id: each reads its own stream through its own window. */
  readonly subqueries: readonly SubqueryPlan[];
}

/** One deployment: statements planned together (and so eligible for sharing). */
export interface ModulePlan {
  readonly statements: readonly StatementPlan[];
}

/**
 * A statement's subquery (Esper's subselect): its own stream, stream filter and data window,
 * a where clause and a select list over the candidate row `{ [alias]: event, $p: params }`
 * (plan/subquery-plan.ts: index keys and explain).
 */
export interface SubqueryPlan {
  readonly id: number;
  /** What the expression using it asks (each use is a subquery of its own). */
  readonly test: SubqueryTest;
  readonly op: CompareOp;
  readonly alias: string;
  readonly stream: string;
  /** The stream filter `B(v > 1)`, on the event. */
  readonly filter: BoundExpr | undefined;
  /** Empty: no data window (then uncorrelated and fully aggregated: every event so far). */
  readonly windows: readonly WindowStage[];
  /** `retain-union` over several windows. */
  readonly union: boolean;
  readonly inputSchema: PlanSchema;
  /** On the candidate row. */
  readonly where: BoundExpr | undefined;
  /** On the candidate row; aggregates read the subquery's aggregation (AggRef slots). */
  readonly columns: readonly OutputColumn[];
  readonly aggregates: readonly AggregateCall[];
  /** `select a, b`: the value is a row (`{}` when nothing matches), not a single value. */
  readonly multiColumn: boolean;
  /** Whether an expression reads the outer row (its params). */
  readonly correlated: boolean;
  /**
   * A named window (the subquery keeps what it posts, from the rows it holds when the
   * statement starts) or a table (read at each evaluation); undefined: the stream's events.
   */
  readonly shared?: SharedJoinSource;
}
