/** The `every` table from Esper's documentation, on A1 B1 C1 B2 A2 D1 A3 B3 E1 A4 F1 B4. */
import { describe, expect, it } from 'vitest';
import { compileExpr } from '../../src/expr/compile-expr.js';
import { createEngine } from '../../src/index.js';
import { PatternMatcher } from '../../src/patterns/pattern-matcher.js';
import { type LogicalPlan, planInputs } from '../../src/plan/logical-plan.js';
import { compileModule } from '../../src/runtime/compile-module.js';
import { TimerQueue } from '../../src/runtime/timer-queue.js';

const SEQUENCE = ['A1', 'B1', 'C1', 'B2', 'A2', 'D1', 'A3', 'B3', 'E1', 'A4', 'F1', 'B4'];

function matches(pattern: string): string[] {
  const engine = createEngine();
  const schemas = ['A', 'B', 'C', 'D', 'E', 'F'].map((t) => `create schema ${t}(id string);`).join('\n');
  const [stmt] = engine.deploy(`${schemas} select a.id as a, b.id as b from pattern [${pattern}]`);
  const out: string[] = [];
  stmt?.subscribe((rows) => {
    for (const r of rows ?? []) out.push(`${r.a}${r.b}`);
  });
  SEQUENCE.forEach((id, i) => engine.send(id.charAt(0), { id }, (i + 1) * 1000));
  return out;
}

describe('every, as documented by Esper', () => {
  it('every (A -> B)', () => {
    expect(matches('every (a=A -> b=B)')).toEqual(['A1B1', 'A2B3', 'A4B4']);
  });
  it('every A -> B', () => {
    expect(matches('every a=A -> b=B')).toEqual(['A1B1', 'A2B3', 'A3B3', 'A4B4']);
  });
  it('A -> every B', () => {
    expect(matches('a=A -> every b=B')).toEqual(['A1B1', 'A1B2', 'A1B3', 'A1B4']);
  });
  it('every A -> every B', () => {
    expect(matches('every a=A -> every b=B').sort()).toEqual(
      ['A1B1', 'A1B2', 'A1B3', 'A1B4', 'A2B3', 'A2B4', 'A3B3', 'A3B4', 'A4B4'].sort(),
    );
  });
});

describe('absence', () => {
  it('every a=A -> (timer:interval(60 sec) and not B(id = a.id)) fires 60 s after each unanswered A', () => {
    const engine = createEngine();
    const [stmt] = engine.deploy(`create schema A(id string); create schema B(id string);
      select a.id as id from pattern [every a=A -> (timer:interval(60 sec) and not B(id = a.id))]`);
    const alerts: string[] = [];
    stmt?.subscribe((rows, _old, ctx) => {
      for (const r of rows ?? []) alerts.push(`${r.id}@${ctx.time}`);
    });
    engine.send('A', { id: 'x' }, 1000);
    engine.send('A', { id: 'y' }, 2000);
    engine.send('B', { id: 'x' }, 30_000);
    engine.send('B', { id: 'y' }, 62_001);
    engine.advanceTime(200_000);
    expect(alerts).toEqual(['y@62000']);
  });
});

describe('partial matches', () => {
  it('finds its candidates by correlation key, not by scanning 100,000 open instances', () => {
    const compiled = compileModule(`create schema Login(user string, ok boolean);
      select a.user as user from pattern [every a=Login(ok = false) -> b=Login(ok = true, user = a.user)]`);
    let node: LogicalPlan | undefined = compiled.optimized.plan.statements[0]?.root;
    while (node !== undefined && node.kind !== 'PatternSource') node = planInputs(node)[0];
    if (node?.kind !== 'PatternSource') throw new Error('no pattern source');
    let matched = 0;
    const matcher = new PatternMatcher(node.pattern, {
      timers: new TimerQueue().service(() => 0),
      compile: compileExpr,
      emit: () => {
        matched++;
      },
      maxLiveInstances: 1_000_000,
      onCapReached: () => {},
    });
    matcher.start();
    for (let i = 0; i < 100_000; i++) matcher.onEvent('Login', { user: `u${i}`, ok: false });
    const before = matcher.stats();
    expect(before.liveInstances).toBeGreaterThanOrEqual(100_000);
    for (let i = 0; i < 1000; i++) matcher.onEvent('Login', { user: `u${i * 7}`, ok: true });
    expect(matched).toBe(1000);
    // Each success login meets the one instance waiting under its user (plus the `every a=Login`
    // filter, which has no key), never the 100,000 others.
    expect(matcher.stats().examined - before.examined).toBe(2000);
  });

  it('caps live instances, counting and reporting what it could not keep', () => {
    const engine = createEngine({ maxPartialMatches: 10 } as never);
    const warnings: string[] = [];
    const listener = (w: Error) => warnings.push(w.message);
    process.on('warning', listener);
    const [stmt] = engine.deploy(`create schema A(id string); create schema B(id string);
      select a.id as id from pattern [every a=A -> b=B(id = a.id)]`);
    for (let i = 0; i < 50; i++) engine.send('A', { id: `k${i}` }, i);
    expect(stmt?.stats().windowSize).toBeLessThanOrEqual(11);
    // Every A beyond the cap could not wait for its B: counted, not silently lost.
    expect(stmt?.stats().droppedPartialMatches).toBeGreaterThanOrEqual(39);
    return new Promise<void>((done) =>
      setImmediate(() => {
        process.off('warning', listener);
        expect(warnings.some((w) => w.includes('reached the cap'))).toBe(true);
        done();
      }),
    );
  });
});
