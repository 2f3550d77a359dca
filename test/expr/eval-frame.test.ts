/**
 * Compiled expressions read the frame they are given, and frames are per evaluation site:
 * an evaluation nested inside another (a subquery, a table lookup) sets values in a frame of
 * its own and cannot change what the outer expression reads.
 */
import { describe, expect, it } from 'vitest';
import type { BoundExpr } from '../../src/expr/bound-expr.js';
import { compileExpr } from '../../src/expr/compile-expr.js';
import { createFrame } from '../../src/expr/eval-frame.js';

const agg = (slot: number): BoundExpr => ({ kind: 'AggRef', slot, type: 'double' });
const plus = (left: BoundExpr, right: BoundExpr): BoundExpr => ({
  kind: 'Arith',
  op: '+',
  left,
  right,
  type: 'double',
});

describe('evaluation frames', () => {
  it('a compiled expression reads aggregate values from the frame it is given', () => {
    const fn = compileExpr(plus(agg(0), agg(1)));
    const a = createFrame();
    const b = createFrame();
    a.aggValues = [1, 2];
    b.aggValues = [10, 20];
    expect(fn({}, a)).toBe(3);
    expect(fn({}, b)).toBe(30);
  });

  it('a nested evaluation in its own frame leaves the outer frame as it was', () => {
    const outer = createFrame();
    outer.aggValues = [5, 7];
    const inner = compileExpr(agg(0));
    // The "subquery": evaluated while the outer row is being built, with its own aggregates.
    const nested = () => {
      const frame = createFrame();
      frame.aggValues = [100];
      return inner({}, frame) as number;
    };
    const outerFn = compileExpr(agg(1));
    const before = outerFn({}, outer);
    expect(nested()).toBe(100);
    expect(outerFn({}, outer)).toBe(before);
    expect(outer.aggValues).toEqual([5, 7]);
  });

  it('frames of one statement share its window and prior access', () => {
    const seen: string[] = [];
    const access = {
      prev: (_row: unknown, n: number) => {
        seen.push(`prev ${n}`);
        return { v: n };
      },
      prior: (_row: unknown, n: number) => {
        seen.push(`prior ${n}`);
        return undefined;
      },
    };
    const prev: BoundExpr = {
      kind: 'PrevRef',
      index: { kind: 'Const', value: 2, type: 'int' },
      of: { kind: 'Prop', path: ['v'], type: 'int' },
      type: 'int',
    };
    const prior: BoundExpr = {
      kind: 'PriorRef',
      index: 1,
      of: { kind: 'Prop', path: ['v'], type: 'int' },
      type: 'int',
    };
    expect(compileExpr(prev)({}, createFrame(access))).toBe(2);
    expect(compileExpr(prior)({}, createFrame(access))).toBeNull();
    expect(seen).toEqual(['prev 2', 'prior 1']);
  });
});
