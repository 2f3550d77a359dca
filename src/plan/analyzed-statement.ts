/** The analyzer's output for one statement: every name resolved, every expression typed. */
import type { StreamSelector } from '../ast/ast.js';
import type { Span } from '../common/span.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import type { MatchRecognizePlan } from '../patterns/match-recognize/mr-plan.js';
import type { PatternPlan } from '../patterns/pattern-plan.js';
import type { InfraDefinition, IntoTablePlan, OnActionPlan, TriggerPlan } from './infra-defs.js';
import type {
  AggregateCall,
  AggregateMode,
  JoinClausePlan,
  OrderKey,
  OutputColumn,
  PlanSchema,
  SharedJoinSource,
  WindowStage,
} from './logical-plan.js';
import type { OutputLimitSpec } from './output-limit.js';
import type { SubqueryPlan } from './subquery-plan.js';

/** One stream of a join, with its own filter and (required) data window chain. */
export interface JoinedStream {
  /** The name the join row holds its event under: the `as` alias, else the type name. */
  readonly alias: string;
  readonly stream: string;
  /** Only this stream's arrivals trigger the join; it has no data window. */
  readonly unidirectional: boolean;
  readonly filter: BoundExpr | undefined;
  readonly windows: readonly WindowStage[];
  /** `retain-union` over several windows. */
  readonly union?: boolean;
  readonly inputSchema: PlanSchema;
  /**
   * A named window (its posts drive the join as a data window's would) or a table (read when
   * the other streams' events are joined; it never triggers the join). Undefined: events.
   */
  readonly shared?: SharedJoinSource;
}

export type AnalyzedSource =
  | {
      readonly kind: 'stream';
      readonly stream: string;
      readonly filter: BoundExpr | undefined;
      readonly windows: readonly WindowStage[];
      /** `retain-union` over several windows. */
      readonly union?: boolean;
      /** Deepest `prior(n, …)` used (0: none). */
      readonly priorDepth: number;
      readonly matchRecognize: MatchRecognizePlan | undefined;
      readonly inputSchema: PlanSchema;
    }
  | {
      readonly kind: 'pattern';
      readonly pattern: PatternPlan;
      readonly streams: readonly string[];
      readonly text: string;
      readonly inputSchema: PlanSchema;
    }
  | {
      /** A join of two or more streams' data windows. */
      readonly kind: 'join';
      readonly streams: readonly JoinedStream[];
      /** The `join … on` clauses when one is an outer join (undefined: an inner join). */
      readonly outer: readonly JoinClausePlan[] | undefined;
      /** The join row's columns: one per alias, holding the event. */
      readonly inputSchema: PlanSchema;
    }
  | {
      /** `from W`: what named window W posts (its insert and remove streams). */
      readonly kind: 'named-window';
      readonly window: string;
      /** `W(filter)`: applied to the window's new and old rows alike. */
      readonly filter: BoundExpr | undefined;
      readonly inputSchema: PlanSchema;
    }
  | {
      /** A create statement (window, index, table, context, variable): sets up shared state. */
      readonly kind: 'define';
      readonly definition: InfraDefinition;
      readonly inputSchema: PlanSchema;
    }
  | {
      /** `on Trigger …`: an action per trigger event against a window, a table or variables. */
      readonly kind: 'on-trigger';
      readonly trigger: TriggerPlan;
      readonly action: OnActionPlan;
      readonly inputSchema: PlanSchema;
    };

/** `simple`: no aggregation (one row per event); otherwise Esper's aggregate processors. */
export type SelectMode = 'simple' | AggregateMode;

export interface AnalyzedStatement {
  readonly name: string;
  readonly text: string;
  readonly span: Span;
  readonly source: AnalyzedSource;
  readonly where: BoundExpr | undefined;
  /** undefined: `select *` posting the source rows themselves. */
  readonly columns: readonly OutputColumn[] | undefined;
  readonly outputSchema: PlanSchema;
  readonly mode: SelectMode;
  readonly groupBy: readonly BoundExpr[];
  readonly aggregates: readonly AggregateCall[];
  readonly having: BoundExpr | undefined;
  readonly orderBy: readonly OrderKey[];
  /** `output …`: output rate limiting. */
  readonly output: OutputLimitSpec | undefined;
  readonly distinct: boolean;
  readonly limit: { readonly count: number; readonly offset: number } | undefined;
  readonly selector: StreamSelector;
  readonly insertInto: { readonly stream: string; readonly selector: StreamSelector } | undefined;
  /** `context C …`: the statement runs once per partition of context C. */
  readonly context: string | undefined;
  /** `into table T …`: the aggregations are table T's columns (shared by every writer). */
  readonly intoTable: IntoTablePlan | undefined;
  /** The statement's subqueries, by id (SubqueryRefExpr.id). */
  readonly subqueries: readonly SubqueryPlan[];
}
