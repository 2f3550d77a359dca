/**
 * A Join node → a running JoinOperator: the lookup plan of each stream (plan/join-lookup-plan)
 * becomes hash indexes, one per distinct (stream, key expressions), shared by the steps that
 * use them; key and per-stream expressions are compiled to read the stream's event directly
 * (`a.id` → `id` on an Auction), the residual to read the join row.
 */
import type { Row } from '../common/row.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { compileExpr, compilePredicate } from '../expr/compile-expr.js';
import type { EvalFrame } from '../expr/eval-frame.js';
import { mapExpr } from '../expr/map-expr.js';
import { JoinIndex, type JoinLookup, type KeyFn } from '../operators/join-index.js';
import { JoinOperator, type JoinStep, type JoinStreamRuntime } from '../operators/join.js';
import type { Operator } from '../operators/operator.js';
import type { OuterLookupRuntime, OuterPlanRuntime } from '../operators/outer-join-rows.js';
import { TableJoinLookup, type TableRows, tableContents } from '../operators/table-join-lookup.js';
import { type JoinIndexSpec, planJoinLookups, primaryKeyOrder } from '../plan/join-lookup-plan.js';
import type { JoinKeyPart, JoinNode, LogicalPlan } from '../plan/logical-plan.js';
import { type OuterLookupNode, planOuterJoin } from '../plan/outer-join-plan.js';

/** `a.id` on the join row → `id` on stream a's event. */
export function onEvent(expr: BoundExpr, alias: string): BoundExpr {
  return mapExpr(expr, (x) =>
    x.kind === 'Prop' && x.path[0] === alias ? { ...x, path: x.path.slice(1) } : x,
  );
}

/** `(events) => ({ a: events[0], b: events[1] })`: one object shape for every join row. */
function rowMaker(aliases: readonly string[]): (events: readonly (Row | undefined)[]) => Row {
  const fields = aliases.map((a, i) => `${JSON.stringify(a)}: e[${i}]`).join(', ');
  return new Function('e', `return { ${fields} };`) as (events: readonly (Row | undefined)[]) => Row;
}

export interface JoinOptions {
  readonly ctx: EvalFrame;
  readonly computeOld: boolean;
  readonly defer: (flush: () => void) => void;
  /** Keep every stream's events in a set (output snapshots join the current contents). */
  readonly keepAll?: boolean;
  /** The rows of table `name`, for its streams in the join. */
  readonly table?: (name: string) => TableRows;
}

export function createJoinOperator(node: JoinNode, options: JoinOptions, next: Operator): JoinOperator {
  const { ctx } = options;
  const aliases = node.streams.map((s) => s.alias);
  const keyFn = (expr: BoundExpr, stream: number): KeyFn => {
    const fn = compileExpr(onEvent(expr, aliases[stream] as string));
    return (event) => fn(event, ctx);
  };
  const indexes = new Map<string, JoinLookup>();
  const perStream: JoinIndex[][] = aliases.map(() => []);
  const scanned = new Set<number>();
  const accepts = node.streams.map((s) => {
    const predicate = s.predicate === undefined ? undefined : compilePredicate(onEvent(s.predicate, s.alias));
    return predicate === undefined ? undefined : (event: Row) => predicate(event, ctx);
  });
  const tableOf = (stream: number): TableRows | undefined => {
    const shared = node.streams[stream]?.shared;
    if (shared?.kind !== 'table') return undefined;
    if (options.table === undefined) throw new Error(`the join reads table ${shared.name}: no tables here`);
    return options.table(shared.name);
  };
  const tables = aliases.map((_, i) => tableOf(i));
  /** The index a lookup uses (one per distinct spec), or undefined for a scan of the stream. */
  const indexFor = (stream: number, spec: JoinIndexSpec | undefined): JoinLookup | undefined => {
    if (spec === undefined) {
      scanned.add(stream);
      return undefined;
    }
    const table = tables[spec.stream];
    if (table !== undefined) {
      return new TableJoinLookup(
        table,
        spec.keys.map((k) => keyFn(k, spec.stream)),
        primaryKeyOrder(node.streams[spec.stream]?.shared, aliases[spec.stream] as string, spec.keys),
        accepts[spec.stream],
        node.outer !== undefined,
      );
    }
    let index = indexes.get(spec.id);
    if (index === undefined) {
      const created = new JoinIndex(
        spec.keys.map((k) => keyFn(k, spec.stream)),
        node.outer !== undefined,
      );
      index = created;
      indexes.set(spec.id, created);
      perStream[spec.stream]?.push(created);
    }
    return index;
  };
  const probesOf = (parts: readonly JoinKeyPart[]) =>
    parts.map((part) => ({ stream: part.stream, key: keyFn(part.expr, part.stream) }));
  const plans: JoinStep[][] = aliases.map(() => []);
  let outer: (OuterPlanRuntime | undefined)[] | undefined;
  if (node.outer !== undefined) {
    const trees: (OuterPlanRuntime | undefined)[] = aliases.map(() => undefined);
    const runtimeOf = (n: OuterLookupNode): OuterLookupRuntime => ({
      stream: n.stream,
      required: n.required,
      index: indexFor(n.stream, n.index),
      probes: probesOf(n.probe),
      children: n.children.map(runtimeOf),
    });
    for (const { from, root, strict } of planOuterJoin(node)) {
      // The root is the event itself: nothing to look up.
      const children = root.children.map(runtimeOf);
      trees[from] = {
        root: { stream: from, required: true, index: undefined, probes: [], children },
        strict,
      };
    }
    outer = trees;
  } else {
    for (const plan of planJoinLookups(node)) {
      plans[plan.from] = plan.steps.map((step) => ({
        stream: step.stream,
        index: indexFor(step.stream, step.index),
        probes: probesOf(step.probe),
      }));
    }
  }
  const streams: JoinStreamRuntime[] = node.streams.map((_, i) => {
    const table = tables[i];
    const own = accepts[i];
    return {
      accepts: own,
      indexes: perStream[i] as JoinIndex[],
      all: table === undefined && (scanned.has(i) || options.keepAll === true) ? new Set<Row>() : undefined,
      replacedByPosts: postsWholeContents(node.inputs[i]),
      ...(table === undefined ? {} : { current: () => tableContents(table, own) }),
    };
  });
  const residual = node.residual === undefined ? undefined : compilePredicate(node.residual);
  return new JoinOperator(
    {
      streams,
      plans,
      residual: residual === undefined ? undefined : (row) => residual(row, ctx),
      makeRow: rowMaker(aliases),
      trigger: node.streams.findIndex((s) => s.unidirectional),
      computeOld: options.computeOld,
      defer: options.defer,
      outer,
    },
    next,
  );
}

/**
 * Whether every post of the stream's window replaces its whole contents: a batch window
 * (alone or gating an intersection) posts its batch as new and the previous batch as old;
 * under #groupwin a post concerns one group only.
 */
function postsWholeContents(input: LogicalPlan | undefined): boolean {
  return (
    input?.kind === 'Window' &&
    input.stages.some((s) => s.def.traits.batching) &&
    input.stages.every((s) => s.def.name !== 'groupwin')
  );
}
