/**
 * `every-distinct(keys [, period]) x` (Esper's EvalEveryDistinctStateNode and its expiring
 * variant): `every`, except that a result whose key values were already seen is not passed
 * up. The keys seen are kept per child instance and handed on to the instance that replaces
 * it; with a period, a key is forgotten once the period has passed since it was first seen
 * (checked, oldest first, when a result arrives).
 */
import type { Row } from '../../common/row.js';
import { valueKey } from '../../common/value-key.js';
import type { CompiledExpr } from '../../expr/eval-frame.js';
import { type MatchState, copyMatch } from '../matched-events.js';
import type { MatchEveryDistinctNode } from '../pattern-plan.js';
import {
  type Evaluator,
  type NodeReader,
  type NodeWriter,
  type PatternRuntime,
  SpawnEvaluator,
  StateNode,
} from '../state-node.js';

export class EveryDistinctStateNode extends StateNode implements Evaluator {
  /** Child instances and the keys each has seen, with their expiry time (Infinity without a period). */
  readonly spawned = new Map<StateNode, Map<string, number>>();
  beginState: MatchState = {};
  private readonly keyFns: readonly CompiledExpr[];

  constructor(
    parent: Evaluator,
    rt: PatternRuntime,
    readonly plan: MatchEveryDistinctNode,
  ) {
    super(parent, rt);
    this.keyFns = plan.keys.map((k) => rt.compile(k));
  }

  start(beginState: MatchState): void {
    this.beginState = copyMatch(beginState);
    const child = this.rt.newState(this.plan.child, this);
    this.spawned.set(child, new Map());
    const spawn = new SpawnEvaluator();
    child.parent = spawn;
    child.start(beginState);
    if (spawn.evaluatedTrue) child.quit();
    else child.parent = this;
  }

  private spawn(keys: Map<string, number>): void {
    const spawn = new SpawnEvaluator();
    const child = this.rt.newState(this.plan.child, spawn);
    child.start(this.beginState);
    if (spawn.evaluatedTrue) child.quit();
    else {
      this.spawned.set(child, keys);
      child.parent = this;
    }
  }

  evaluateFalse(from: StateNode): void {
    from.quit();
    this.spawned.delete(from);
    this.spawn(new Map());
  }

  evaluateTrue(match: MatchState, from: StateNode, quitted: boolean, triggering: Row | null): void {
    const key = this.keyOf(match);
    let seen = false;
    const keys = this.spawned.get(from);
    if (keys !== undefined) {
      if (this.plan.periodMs !== undefined) {
        const now = this.rt.now();
        for (const [k, expiry] of keys) {
          if (now < expiry) break;
          keys.delete(k);
        }
      }
      if (keys.has(key)) seen = true;
      else
        keys.set(
          key,
          this.plan.periodMs === undefined ? Number.POSITIVE_INFINITY : this.rt.now() + this.plan.periodMs,
        );
    }
    if (quitted) this.spawned.delete(from);
    if (!from.isFilterStateNode()) this.spawn(new Map(keys));
    if (!seen) this.parent.evaluateTrue(match, this, false, triggering);
  }

  private keyOf(match: MatchState): string {
    this.rt.evalCtx.tags = match;
    return valueKey(this.keyFns.map((f) => f(EMPTY_ROW, this.rt.evalCtx) ?? null));
  }

  quit(): void {
    for (const child of this.spawned.keys()) child.quit();
  }

  isFilterChildNonQuitting(): boolean {
    return true;
  }

  children(): readonly StateNode[] {
    return [...this.spawned.keys()];
  }

  /** Keys with their expiry (null: never, as Infinity is not plain data everywhere). */
  save(w: NodeWriter): { spawned: [number | null, [string, number | null][]][]; begin: number } {
    return {
      spawned: [...this.spawned].map(([child, keys]) => [
        w.node(child),
        [...keys].map(([k, expiry]) => [k, Number.isFinite(expiry) ? expiry : null]),
      ]),
      begin: w.record(this.beginState),
    };
  }

  load(s: { spawned: [number | null, [string, number | null][]][]; begin: number }, r: NodeReader): void {
    this.spawned.clear();
    for (const [id, keys] of s.spawned) {
      this.spawned.set(
        r.node(id) as StateNode,
        new Map(keys.map(([k, expiry]) => [k, expiry === null ? Number.POSITIVE_INFINITY : expiry])),
      );
    }
    this.beginState = r.record(s.begin);
  }
}

const EMPTY_ROW: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
