/**
 * The fused columnar window → aggregation operator against the general operators: for random
 * event sequences (ties, gaps longer than the windows, null values), every listener call of
 * a statement run columnar must equal, exactly, the call of the same statement run with
 * `columnarAggregation: false` (a window of row objects, then AggregateGrouped/AllOperator,
 * which the conformance cases and window-aggregates.test.ts check against Esper and a naive
 * recompute). Each query is also checked to really take the columnar path.
 *
 * One exception to "exactly": batch windows of statements without a remove stream aggregate
 * each batch afresh (ColumnarAggregation's batch mode) where the general operators compute
 * previous + batch − previous, so their floating-point values may differ in the last digits;
 * those are compared with a relative tolerance of 1e-9 (everything else still exactly).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/index.js';
import { createEngine } from '../../src/index.js';
import { columnarPlan } from '../../src/physical/columnar-plan.js';
import { describePhysical } from '../../src/physical/describe-physical.js';
import type { AggregateNode, LogicalPlan } from '../../src/plan/logical-plan.js';
import { planInputs } from '../../src/plan/logical-plan.js';
import { compileModule } from '../../src/runtime/compile-module.js';
import { lengthWindow } from '../../src/windows/length.js';
import { windowRegistry } from '../../src/windows/registry.js';
import type { WindowDef } from '../../src/windows/window-def.js';
import { close } from './naive.js';

const SCHEMA = 'create schema T(k string, v int, w double, t long);';

const WINDOWS = [
  '#length(1)',
  '#length(3)',
  // Larger than the ring's initial 16 slots: the columns are copied when it grows.
  '#length(25)',
  '#time(2 sec)',
  '#length_batch(3)',
  '#time_batch(2 sec)',
  '#time_batch(2 sec, 500L)',
  "#time_batch(2 sec, 'FORCE_UPDATE')",
  "#time_batch(2 sec, 'START_EAGER')",
];

const AGGREGATES = [
  'count(*)',
  'count(v)',
  'count(k)',
  'sum(v)',
  'avg(w)',
  'min(v)',
  'max(w)',
  'median(v)',
  'stddev(w)',
  'avedev(v)',
  'count(distinct v)',
  'sum(distinct v)',
  'avg(v * 2 + w)',
  'min(k)',
].map((a, i) => `${a} as a${i}`);

/** Statement bodies; `WIN` is replaced by the window. */
const SHAPES = [
  `select irstream ${AGGREGATES.join(', ')} from TWIN`,
  `select ${AGGREGATES.slice(0, 6).join(', ')} from T(v > -5)WIN`,
  'select rstream avg(w) as a, count(*) as n from TWIN having count(*) > 1',
  `select irstream k, ${AGGREGATES.join(', ')} from TWIN group by k`,
  'select k, sum(v) as s, max(w) as m from TWIN group by k having sum(v) > 0',
  'select irstream upper(k) as u, avg(w) as a from T(v is not null)WIN group by k having count(*) >= 2',
  'select rstream k, count(*) as n from TWIN group by k',
  'select irstream k, v, count(*) as n, avg(w) as a from TWIN group by k, v',
  // Istream without having: a batch posts a row for each group of the previous batch too.
  'select k, count(*) as n, avg(w) as a, min(k) as m from TWIN group by k',
];

interface Ev {
  readonly k: string;
  readonly v: number | null;
  readonly w: number | null;
  readonly dt: number;
}

const event = fc.record({
  k: fc.constantFrom('a', 'b', 'c'),
  v: fc.option(fc.integer({ min: -20, max: 20 }), { nil: null, freq: 5 }),
  w: fc.option(fc.double({ min: -100, max: 100, noNaN: true }), { nil: null, freq: 5 }),
  // Ties (0), steps inside the windows, and gaps longer than them.
  dt: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1500 }), fc.integer({ min: 2000, max: 6000 })),
});
const events = fc.array(event, { minLength: 1, maxLength: 30 });
/** Enough events to fill a #length(25) past the ring's initial 16 slots. */
const longEvents = fc.array(event, { minLength: 20, maxLength: 60, size: 'max' });

type Call = string | { time: number; n: Row[] | null; o: Row[] | null };

function calls(statement: string, evs: readonly Ev[], columnar: boolean): Call[] {
  const engine = createEngine({ columnarAggregation: columnar, startTime: 1000 });
  engine.deploy(`${SCHEMA}\n@name('s') ${statement};`);
  const out: Call[] = [];
  engine.statement('s')?.subscribe((n, o, ctx) => {
    out.push({ time: ctx.time, n, o });
  });
  let t = 1000;
  for (const e of evs) {
    t += e.dt;
    engine.send('T', { k: e.k, v: e.v, w: e.w, t }, t);
    out.push(`size ${engine.statement('s')?.stats().windowSize}`);
  }
  engine.flush();
  engine.advanceTime(t + 10_000);
  return out;
}

/**
 * `received` with every number that is within tolerance of the number at the same place in
 * `expected` replaced by that number, so that toEqual reports only real differences.
 */
function snapNumbers(received: unknown, expected: unknown): unknown {
  if (typeof received === 'number' && typeof expected === 'number') {
    return close(received, expected) ? expected : received;
  }
  if (Array.isArray(received) && Array.isArray(expected)) {
    return received.map((r, i) => snapNumbers(r, expected[i]));
  }
  if (
    received !== null &&
    expected !== null &&
    typeof received === 'object' &&
    typeof expected === 'object'
  ) {
    const e = expected as Record<string, unknown>;
    return Object.fromEntries(Object.entries(received).map(([k, v]) => [k, snapNumbers(v, e[k])]));
  }
  return received;
}

/** Batch windows of statements without a remove stream aggregate each batch afresh. */
const aggregatesAfresh = (window: string, shape: string): boolean =>
  window.includes('_batch') && !/\b(irstream|rstream)\b/.test(shape);

function aggregateNode(plan: LogicalPlan): AggregateNode | undefined {
  if (plan.kind === 'Aggregate') return plan;
  for (const input of planInputs(plan)) {
    const found = aggregateNode(input);
    if (found !== undefined) return found;
  }
  return undefined;
}

function describeStatement(statement: string): string {
  const compiled = compileModule(`${SCHEMA}\n${statement};`);
  const plan = compiled.optimized.plan.statements[0];
  return plan === undefined ? '' : describePhysical(plan);
}

function columnarPlanOf(statement: string): ReturnType<typeof columnarPlan> {
  const compiled = compileModule(`${SCHEMA}\n${statement};`);
  const root = compiled.optimized.plan.statements[0]?.root;
  const node = root === undefined ? undefined : aggregateNode(root);
  return node === undefined ? undefined : columnarPlan(node);
}

describe('columnar window aggregation equals the general operators', () => {
  for (const window of WINDOWS) {
    for (const shape of SHAPES) {
      const statement = shape.replace('WIN', window);
      const tolerant = aggregatesAfresh(window, shape);
      it(statement, () => {
        const plan = columnarPlanOf(statement);
        expect(plan).toBeDefined();
        // Batches are aggregated afresh (keeping no events) only when the order cannot change a value.
        expect(describeStatement(statement).includes('keeps no events')).toBe(
          tolerant && plan?.orderFree === true,
        );
        fc.assert(
          fc.property(window === '#length(25)' ? longEvents : events, (evs) => {
            const general = calls(statement, evs, false);
            const columnar = calls(statement, evs, true);
            expect(tolerant ? snapNumbers(columnar, general) : columnar).toEqual(general);
          }),
          { numRuns: 25 },
        );
      });
    }
  }
});

describe('statements that keep the general operators', () => {
  it.each([
    ['first() keeps events', 'select first(v) as f from T#length(3)'],
    ['window(*) keeps events', 'select window(*) as w from T#length(3)'],
    ['prev reads the window', 'select sum(prev(1, v)) as s from T#length(3)'],
    ['prior needs its buffer', 'select sum(prior(1, v)) as s from T#length(3)'],
    ['order by', 'select k, count(*) as n from T#length(3) group by k order by n'],
    [
      'having reads an ungrouped property',
      'select k, count(*) as n from T#length(3) group by k having v > 0',
    ],
    ['per-event rows (mixed)', 'select v, count(*) as n from T#length(3)'],
    ['per-event rows (grouped-mixed)', 'select k, v, count(*) as n from T#length(3) group by k'],
    ['intersection of windows', 'select count(*) as n from T#length(3)#time(2 sec)'],
    ['a window kind without a columnar driver', 'select count(*) as n from T#unique(k)'],
    ['a where clause after the window', 'select count(*) as n from T#length(3) where v > 0'],
  ])('%s', (_why, statement) => {
    expect(columnarPlanOf(statement)).toBeUndefined();
  });
});

describe('the fused path is a capability of the window definition', () => {
  const nodeOf = (statement: string): AggregateNode => {
    const root = compileModule(`${SCHEMA}\n${statement};`).optimized.plan.statements[0]?.root;
    const node = root === undefined ? undefined : aggregateNode(root);
    if (node === undefined) throw new Error(`no aggregation in ${statement}`);
    return node;
  };

  it('follows WindowDef.columnar, not the window name', () => {
    const node = nodeOf('select count(*) as n from T#keepall');
    expect(columnarPlan(node)).toBeUndefined();
    const window = node.input;
    if (window.kind !== 'Window') throw new Error('expected a window below the aggregation');
    const stage = window.stages[0];
    if (stage === undefined) throw new Error('expected a window stage');
    // The same #keepall, given the length window's driver: the planner takes it as declared.
    const capable = { ...stage.def, columnar: lengthWindow.columnar as WindowDef['columnar'] };
    const swapped: AggregateNode = { ...node, input: { ...window, stages: [{ ...stage, def: capable }] } };
    expect(columnarPlan(swapped)?.window.capability).toBe(lengthWindow.columnar);
  });

  it('is declared by length, time, length_batch and time_batch', () => {
    const declaring = [...windowRegistry.values()].filter((d) => d.columnar !== undefined).map((d) => d.name);
    expect(declaring.sort()).toEqual(['length', 'length_batch', 'time', 'time_batch']);
  });
});
