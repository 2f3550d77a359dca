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
import { JoinIndex, type KeyFn } from '../operators/join-index.js';
import { JoinOperator, type JoinStep, type JoinStreamRuntime } from '../operators/join.js';
import type { Operator } from '../operators/operator.js';
import type { OuterLookupRuntime, OuterPlanRuntime } from '../operators/outer-join-rows.js';
import { type JoinIndexSpec, planJoinLookups } from '../plan/join-lookup-plan.js';
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
}

export function createJoinOperator(node: JoinNode, options: JoinOptions, next: Operator): JoinOperator {
  const { ctx } = options;
  const aliases = node.streams.map((s) => s.alias);
  const keyFn = (expr: BoundExpr, stream: number): KeyFn => {
    const fn = compileExpr(onEvent(expr, aliases[stream] as string));
    return (event) => fn(event, ctx);
  };
  const indexes = new Map<string, JoinIndex>();
  const perStream: JoinIndex[][] = aliases.map(() => []);
  const scanned = new Set<number>();
  /** The index a lookup uses (one per distinct spec), or undefined for a scan of the stream. */
  const indexFor = (stream: number, spec: JoinIndexSpec | undefined): JoinIndex | undefined => {
    if (spec === undefined) {
      scanned.add(stream);
      return undefined;
    }
    let index = indexes.get(spec.id);
    if (index === undefined) {
      index = new JoinIndex(
        spec.keys.map((k) => keyFn(k, spec.stream)),
        node.outer !== undefined,
      );
      indexes.set(spec.id, index);
      perStream[spec.stream]?.push(index);
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
  const streams: JoinStreamRuntime[] = node.streams.map((s, i) => {
    const predicate = s.predicate === undefined ? undefined : compilePredicate(onEvent(s.predicate, s.alias));
    return {
      accepts: predicate === undefined ? undefined : (event: Row) => predicate(event, ctx),
      indexes: perStream[i] as JoinIndex[],
      all: scanned.has(i) || options.keepAll === true ? new Set<Row>() : undefined,
      replacedByPosts: postsWholeContents(node.inputs[i]),
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
