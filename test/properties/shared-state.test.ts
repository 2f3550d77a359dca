/**
 * Shared state against naive models, on random input:
 * - a keyed context's output equals one engine per key running the same statement without
 *   the context, merged by time (each partition is an independent instance);
 * - a named window's contents after random inserts, updates, deletes and merges equal an
 *   array updated by hand (the window is `#keepall`, so nothing expires).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import type { Row } from '../../src/index.js';

const SCHEMA = 'create schema Tick(sym string, px double, qty long);\n';

type Call = { time: number; new: Row[] | null; old: Row[] | null };

function run(epl: string, events: { sym: string; px: number; qty: number }[], name: string): Call[] {
  const engine = createEngine();
  engine.deploy(SCHEMA + epl);
  const calls: Call[] = [];
  engine.statement(name)?.subscribe((n, o, ctx) => calls.push({ time: ctx.time, new: n, old: o }));
  events.forEach((e, i) => engine.send('Tick', e, (i + 1) * 1000));
  engine.advanceTime((events.length + 10) * 1000);
  return calls;
}

const tick = fc.record({
  sym: fc.constantFrom('A', 'B', 'C', 'D'),
  px: fc.integer({ min: 1, max: 50 }),
  qty: fc.integer({ min: 1, max: 9 }),
});

const STATEMENTS = [
  'select irstream count(*) as n, sum(qty) as s, max(px) as hi from Tick#length(3)',
  'select irstream count(*) as n, avg(px) as a from Tick#time(2500 msec)',
  'select count(*) as n, sum(qty) as s from Tick#length_batch(2)',
  'select irstream px, qty from Tick#length(2)',
];

describe('keyed context = one engine per key', () => {
  for (const statement of STATEMENTS) {
    it(statement, () => {
      fc.assert(
        fc.property(fc.array(tick, { minLength: 1, maxLength: 40 }), (events) => {
          const partitioned = run(
            `create context K partition by sym from Tick;\n@name('s') context K ${statement};`,
            events,
            's',
          );
          const merged: Call[] = [];
          for (const sym of ['A', 'B', 'C', 'D']) {
            const own = events.map((e) => (e.sym === sym ? e : undefined));
            // The same timestamps as in the partitioned run: send only this key's events.
            const engine = createEngine();
            engine.deploy(`${SCHEMA}@name('s') ${statement};`);
            engine.statement('s')?.subscribe((n, o, ctx) => merged.push({ time: ctx.time, new: n, old: o }));
            own.forEach((e, i) => {
              if (e !== undefined) engine.send('Tick', e, (i + 1) * 1000);
            });
            engine.advanceTime((events.length + 10) * 1000);
          }
          // Timers of different keys can fall on one instant: the partitioned run posts them
          // as one call (rows in partition creation order); compare rows per instant.
          const byTime = (calls: Call[]) => {
            const out = new Map<number, { new: Row[]; old: Row[] }>();
            for (const c of calls) {
              const at = out.get(c.time) ?? { new: [], old: [] };
              at.new.push(...(c.new ?? []));
              at.old.push(...(c.old ?? []));
              out.set(c.time, at);
            }
            const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();
            return [...out].sort(([a], [b]) => a - b).map(([t, c]) => [t, sorted(c.new), sorted(c.old)]);
          };
          expect(byTime(partitioned)).toEqual(byTime(merged));
        }),
        { numRuns: 40 },
      );
    });
  }
});

type Op =
  | { kind: 'insert'; sym: string; px: number; qty: number }
  | { kind: 'update'; sym: string; px: number }
  | { kind: 'delete'; sym: string }
  | { kind: 'merge'; sym: string; px: number; qty: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    sym: fc.constantFrom('A', 'B', 'C'),
    px: fc.integer({ min: 1, max: 9 }),
    qty: fc.integer({ min: 1, max: 9 }),
  }),
  fc.record({
    kind: fc.constant('update' as const),
    sym: fc.constantFrom('A', 'B', 'C'),
    px: fc.integer({ min: 1, max: 9 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), sym: fc.constantFrom('A', 'B', 'C') }),
  fc.record({
    kind: fc.constant('merge' as const),
    sym: fc.constantFrom('A', 'B', 'C'),
    px: fc.integer({ min: 1, max: 9 }),
    qty: fc.integer({ min: 1, max: 9 }),
  }),
);

/** Window W and the statements applying each kind of Op to it (applyOp's model). */
const WINDOW_OPS = `
  create schema Ins(sym string, px double, qty long);
  create schema Upd(sym string, px double);
  create schema Del(sym string);
  create schema Mrg(sym string, px double, qty long);
  create window W#keepall as (sym string, px double, qty long);
  insert into W select sym, px, qty from Ins;
  on Upd as u update W as w set px = u.px where w.sym = u.sym;
  on Del as d delete from W as w where w.sym = d.sym;
  on Mrg as m merge W as w where w.sym = m.sym
    when matched and w.qty > 5 then delete
    when matched then update set qty = w.qty + m.qty
    when not matched then insert select m.sym as sym, m.px as px, m.qty as qty;
`;

/** Sends the event of `o` and returns the model array changed as the window must be. */
function applyOp(engine: ReturnType<typeof createEngine>, model: Row[], o: Op, at: number): Row[] {
  switch (o.kind) {
    case 'insert':
      engine.send('Ins', { sym: o.sym, px: o.px, qty: o.qty }, at);
      return [...model, { sym: o.sym, px: o.px, qty: o.qty }];
    case 'update':
      engine.send('Upd', { sym: o.sym, px: o.px }, at);
      return model.map((r) => (r.sym === o.sym ? { ...r, px: o.px } : r));
    case 'delete':
      engine.send('Del', { sym: o.sym }, at);
      return model.filter((r) => r.sym !== o.sym);
    case 'merge':
      engine.send('Mrg', { sym: o.sym, px: o.px, qty: o.qty }, at);
      if (!model.some((r) => r.sym === o.sym)) return [...model, { sym: o.sym, px: o.px, qty: o.qty }];
      return model.flatMap((r) => {
        if (r.sym !== o.sym) return [r];
        if ((r.qty as number) > 5) return [];
        return [{ ...r, qty: (r.qty as number) + o.qty }];
      });
  }
}

describe('named window = an array changed by hand', () => {
  it('after random inserts, updates, deletes and merges, a scan finds exactly the model rows', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const engine = createEngine();
        engine.deploy(`${WINDOW_OPS}
          create schema Scan(x int);
          @name('scan') on Scan select w.sym as sym, w.px as px, w.qty as qty from W as w;`);
        let model: Row[] = [];
        ops.forEach((o, i) => {
          model = applyOp(engine, model, o, (i + 1) * 10);
        });
        const found: Row[] = [];
        engine.statement('scan')?.subscribe((n) => found.push(...(n ?? [])));
        engine.send('Scan', { x: 1 }, (ops.length + 1) * 10);
        const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();
        expect(sorted(found)).toEqual(sorted(model));
      }),
      { numRuns: 60 },
    );
  });
});

describe('joins and subqueries over a named window and a table = lookups in the models', () => {
  it('each probe joins (and its subqueries read) the model rows of its key, in the window and in the table', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(op, fc.constantFrom('A', 'B', 'C', 'Z')), { minLength: 1, maxLength: 30 }),
        (steps) => {
          const engine = createEngine();
          engine.deploy(`${WINDOW_OPS}
            create schema Probe(sym string);
            create table T(sym string primary key, total sum(long), n count(*));
            into table T select sum(qty) as total, count(*) as n from Ins group by sym;
            on Del as d delete from T as t where t.sym = d.sym;
            @name('jw') select w.sym as sym, w.px as px, w.qty as qty from Probe as p unidirectional, W as w where w.sym = p.sym;
            @name('jt') select t.sym as sym, t.total as total, t.n as n from Probe as p, T as t where t.sym = p.sym;
            @name('sq') select (select count(*) from W as w where w.sym = p.sym) as n,
              (select sum(qty) from W) as q, (select total from T as t where t.sym = p.sym) as total from Probe as p;`);
          const got = { jw: [] as Row[][], jt: [] as Row[][], sq: [] as Row[][] };
          for (const name of ['jw', 'jt', 'sq'] as const) {
            engine.statement(name)?.subscribe((n) => got[name].push(n ?? []));
          }
          const want = { jw: [] as Row[][], jt: [] as Row[][], sq: [] as Row[][] };
          let model: Row[] = [];
          const table = new Map<string, { total: number; n: number }>();
          steps.forEach(([o, key], i) => {
            const at = (i + 1) * 10;
            model = applyOp(engine, model, o, at);
            if (o.kind === 'insert') {
              const row = table.get(o.sym) ?? { total: 0, n: 0 };
              table.set(o.sym, { total: row.total + o.qty, n: row.n + 1 });
            } else if (o.kind === 'delete') table.delete(o.sym);
            engine.send('Probe', { sym: key }, at + 5);
            const rows = model.filter((r) => r.sym === key);
            if (rows.length > 0) want.jw.push(rows);
            const row = table.get(key);
            if (row !== undefined) want.jt.push([{ sym: key, ...row }]);
            const sum = model.reduce((t, r) => t + (r.qty as number), 0);
            want.sq.push([{ n: rows.length, q: model.length === 0 ? null : sum, total: row?.total ?? null }]);
          });
          const sorted = (calls: Row[][]) => calls.map((rows) => rows.map((r) => JSON.stringify(r)).sort());
          expect(sorted(got.jw)).toEqual(sorted(want.jw));
          expect(got.jt).toEqual(want.jt);
          expect(got.sq).toEqual(want.sq);
        },
      ),
      { numRuns: 60 },
    );
  });
});
