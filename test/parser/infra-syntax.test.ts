/**
 * Syntax of named windows, indexes, tables, contexts, variables and `on` triggers
 * (src/ast/infra-ast.ts), as Esper's grammar writes them.
 */
import { describe, expect, it } from 'vitest';
import type { ContextDetail, InfraItem, OnAction } from '../../src/ast/infra-ast.js';
import type { ModuleItem } from '../../src/ast/module.js';
import { WeirErrors } from '../../src/common/errors.js';
import { parseModule } from '../../src/parser/parse-module.js';

function item(text: string): ModuleItem {
  const parsed = parseModule(text).items[0];
  if (parsed === undefined) throw new Error('nothing parsed');
  return parsed;
}

function infra<K extends InfraItem['kind']>(text: string, kind: K): Extract<InfraItem, { kind: K }> {
  const parsed = item(text);
  if (parsed.kind !== kind) throw new Error(`expected ${kind}, got ${parsed.kind}`);
  return parsed as Extract<InfraItem, { kind: K }>;
}

function context(text: string): ContextDetail {
  return infra(text, 'CreateContext').detail;
}

function action(text: string): OnAction {
  return infra(text, 'OnTrigger').action;
}

function syntaxError(text: string): { message: string; expected: readonly string[] | undefined } {
  try {
    parseModule(text);
  } catch (e) {
    if (e instanceof WeirErrors && e.errors[0] !== undefined) {
      return { message: e.errors[0].message, expected: e.errors[0].expected };
    }
    throw e;
  }
  throw new Error('expected a syntax error');
}

describe('create window', () => {
  it('takes its columns from a type, a column list or a select list', () => {
    const byType = infra("@name('w') create window W#length(3)#time(5 sec) as StockTick", 'CreateWindow');
    expect(byType.name.name).toBe('W');
    expect(byType.windows.map((w) => w.name.name)).toEqual(['length', 'time']);
    expect(byType.model).toMatchObject({ kind: 'type', type: { name: 'StockTick' } });
    expect(byType.annotations[0]?.value?.value).toBe('w');
    expect(byType.text).toBe("@name('w') create window W#length(3)#time(5 sec) as StockTick");

    const columns = infra('create window P#keepall as (symbol string, qty long)', 'CreateWindow');
    expect(
      columns.model.kind === 'columns' && columns.model.columns.map((c) => [c.name.name, c.type]),
    ).toEqual([
      ['symbol', 'string'],
      ['qty', 'long'],
    ]);

    const selected = infra(
      'create window U#unique(sym) as select sym, size as s from Quote insert where size > 1',
      'CreateWindow',
    );
    expect(selected.model.kind).toBe('select');
    expect(selected.model.kind === 'select' && selected.model.from.name).toBe('Quote');
    expect(selected.insertFrom?.where?.kind).toBe('Binary');
  });

  it('parses indexes with hash and btree columns', () => {
    const index = infra('create unique index I on W(sym hash, qty btree, venue)', 'CreateIndex');
    expect(index.unique).toBe(true);
    expect(index.window.name).toBe('W');
    expect(index.columns.map((c) => [c.property.name, c.indexKind])).toEqual([
      ['sym', 'hash'],
      ['qty', 'btree'],
      ['venue', 'hash'],
    ]);
    expect(syntaxError('create index I on W(sym fast)').expected).toEqual(["'hash'", "'btree'"]);
  });
});

describe('create table', () => {
  it('parses key columns, plain columns and aggregation columns', () => {
    const table = infra(
      'create table T(k string primary key, n int, cnt count(*), vol sum(long), d count(distinct int), w window(*) @type(Tick))',
      'CreateTable',
    );
    const cols = table.columns.map((c) => ({
      name: c.name.name,
      type: c.type,
      key: c.primaryKey,
      fn: c.aggregate?.fn.name,
      args: c.aggregate?.argTypes.map((a) => a.name),
      star: c.aggregate?.star,
      distinct: c.aggregate?.distinct,
      eventType: c.aggregate?.eventType?.name,
    }));
    expect(cols).toEqual([
      {
        name: 'k',
        type: 'string',
        key: true,
        fn: undefined,
        args: undefined,
        star: undefined,
        distinct: undefined,
        eventType: undefined,
      },
      {
        name: 'n',
        type: 'int',
        key: false,
        fn: undefined,
        args: undefined,
        star: undefined,
        distinct: undefined,
        eventType: undefined,
      },
      {
        name: 'cnt',
        type: undefined,
        key: false,
        fn: 'count',
        args: [],
        star: true,
        distinct: false,
        eventType: undefined,
      },
      {
        name: 'vol',
        type: undefined,
        key: false,
        fn: 'sum',
        args: ['long'],
        star: false,
        distinct: false,
        eventType: undefined,
      },
      {
        name: 'd',
        type: undefined,
        key: false,
        fn: 'count',
        args: ['int'],
        star: false,
        distinct: true,
        eventType: undefined,
      },
      {
        name: 'w',
        type: undefined,
        key: false,
        fn: 'window',
        args: [],
        star: true,
        distinct: false,
        eventType: 'Tick',
      },
    ]);
  });

  it('parses into table and table access', () => {
    const into = item('into table T select count(*) as cnt from S group by k');
    expect(into.kind === 'Select' && into.intoTable?.name).toBe('T');
    const read = item('select T[p.k, 2].cnt as c, T[1].cnt as d, T["x"] as row from P as p');
    if (read.kind !== 'Select') throw new Error('not a select');
    const [c, d, row] = read.selectList.map((s) => (s.kind === 'SelectExpr' ? s.expr : undefined));
    expect(c).toMatchObject({ kind: 'TableAccess', table: { name: 'T' }, column: { name: 'cnt' } });
    expect(c?.kind === 'TableAccess' && c.keys.length).toBe(2);
    // `Name[number]` is an indexed property for the parser; the analyzer knows whether Name is a table.
    expect(d).toMatchObject({ kind: 'PropertyRef', path: [{ name: 'T', index: 1 }, { name: 'cnt' }] });
    expect(row).toMatchObject({ kind: 'TableAccess', column: undefined });
  });

  it('reports a wrong column type', () => {
    expect(syntaxError('create table T(k strin primary key)').message).toContain("Unexpected 'strin'");
  });
});

describe('create context', () => {
  it('parses keyed contexts with several streams and composite keys', () => {
    const keyed = context('create context C partition by sym from News(score > 1) as n, a and b from Ord');
    if (keyed.kind !== 'keyed') throw new Error(keyed.kind);
    expect(keyed.items.map((i) => [i.properties.length, i.filter.stream.name, i.filter.alias?.name])).toEqual(
      [
        [1, 'News', 'n'],
        [2, 'Ord', undefined],
      ],
    );
    expect(keyed.items[0]?.filter.filters.length).toBe(1);
  });

  it('parses categories', () => {
    const cat = context(
      'create context C group by price < 30 as low, group price >= 30 as high from Tick(volume > 0)',
    );
    if (cat.kind !== 'category') throw new Error(cat.kind);
    expect(cat.groups.map((g) => g.label.name)).toEqual(['low', 'high']);
    expect(cat.from.stream.name).toBe('Tick');
  });

  it('parses initiated/terminated and start/end with every kind of condition', () => {
    const it1 = context('create context C initiated by Tick(volume > 750) as s terminated after 5 sec');
    expect(it1).toMatchObject({
      kind: 'initiated',
      now: false,
      start: { kind: 'filter' },
      end: { kind: 'after' },
    });
    const it2 = context(
      'create context C initiated distinct(id) @now and pattern [every a=A] @inclusive as p terminated B',
    );
    expect(it2).toMatchObject({
      kind: 'initiated',
      now: true,
      start: { kind: 'pattern', inclusive: true, alias: { name: 'p' } },
      end: { kind: 'filter', filter: { stream: { name: 'B' } } },
    });
    expect(it2.kind === 'initiated' && it2.distinct?.length).toBe(1);
    const se = context('create context C start (0, 9, *, *, *) end (0, 17, *, *, *), (30, 12, *, *, *)');
    expect(se).toMatchObject({ kind: 'start-end', start: { kind: 'crontab' }, end: { kind: 'crontab' } });
    expect(se.kind === 'start-end' && se.end?.kind === 'crontab' && se.end.schedules.length).toBe(2);
    expect(context('create context C start @now end after 1 min')).toMatchObject({
      kind: 'start-end',
      start: 'now',
    });
    expect(context('create context C start A as a end B')).toMatchObject({
      start: { kind: 'filter', filter: { alias: { name: 'a' } } },
      end: { kind: 'filter' },
    });
  });

  it('parses nested contexts', () => {
    const nested = context(
      'create context N context A partition by x from T, context B start @now end after 1 sec',
    );
    if (nested.kind !== 'nested') throw new Error(nested.kind);
    expect(nested.levels.map((l) => [l.name.name, l.detail.kind])).toEqual([
      ['A', 'keyed'],
      ['B', 'start-end'],
    ]);
  });

  it('parses the context prefix of a statement', () => {
    const stmt = item("@name('c') context BySym select symbol, count(*) from Tick");
    expect(stmt.kind === 'Select' && stmt.context?.name).toBe('BySym');
    expect(stmt.kind === 'Select' && stmt.annotations.length).toBe(1);
    const onStmt = infra('context BySym on Tick delete from W', 'OnTrigger');
    expect(onStmt.context?.name).toBe('BySym');
  });
});

describe('variables', () => {
  it('parses create variable and on-set', () => {
    expect(infra("create variable string v = 'w'", 'CreateVariable')).toMatchObject({
      constant: false,
      type: 'string',
      name: { name: 'v' },
      initial: { kind: 'Literal', value: 'w' },
    });
    expect(infra('create constant variable long lim', 'CreateVariable')).toMatchObject({
      constant: true,
      type: 'long',
      initial: undefined,
    });
    const set = action('on A set v = id, w = 2');
    expect(set.kind === 'set' && set.assignments.map((a) => a.target.map((t) => t.name).join('.'))).toEqual([
      'v',
      'w',
    ]);
  });
});

describe('on triggers', () => {
  it('parses on-select with every clause', () => {
    const sel = action(
      'on Probe(x > 1) as p insert into Out select and delete w.a as a, count(*) from W as w where w.a = p.a group by w.a having count(*) > 1 order by a limit 3',
    );
    expect(sel).toMatchObject({
      kind: 'select',
      andDelete: true,
      from: { name: { name: 'W' }, alias: { name: 'w' } },
    });
    expect(
      sel.kind === 'select' && [sel.insertInto?.target.name, sel.groupBy.length, sel.orderBy.length],
    ).toEqual(['Out', 1, 1]);
    const trigger = infra('on Probe(x > 1) as p select * from W', 'OnTrigger').trigger;
    expect(trigger).toMatchObject({
      kind: 'stream',
      filter: { stream: { name: 'Probe' }, alias: { name: 'p' } },
    });
  });

  it('parses delete and update, with and without aliases', () => {
    expect(action('on Purge delete from W where symbol = "x"')).toMatchObject({
      kind: 'delete',
      from: { name: { name: 'W' }, alias: undefined },
    });
    const upd = action(
      'on Probe p update W as w set w.volume = w.volume + 1, price = p.minPrice where w.s = p.s',
    );
    expect(
      upd.kind === 'update' && upd.assignments.map((a) => a.target.map((t) => t.name).join('.')),
    ).toEqual(['w.volume', 'price']);
  });

  it('parses merge with several when clauses and actions', () => {
    const merge = action(
      "on T as t merge into P as p where p.s = t.s when matched and p.n >= 2 then delete when matched then update set n = p.n + 1 where t.x > 0 then insert into Audit select t.s as s when not matched and t.x > 15 then insert (s, n) select t.s, 1L where t.y = 'a'",
    );
    if (merge.kind !== 'merge') throw new Error(merge.kind);
    expect(
      merge.clauses.map((c) => [c.matched, c.condition !== undefined, c.actions.map((a) => a.kind)]),
    ).toEqual([
      [true, true, ['delete']],
      [true, false, ['update', 'insert']],
      [false, true, ['insert']],
    ]);
    const [, second, third] = merge.clauses;
    expect(second?.actions[0]?.kind === 'update' && second.actions[0].where?.kind).toBe('Binary');
    expect(second?.actions[1]?.kind === 'insert' && second.actions[1].into?.name).toBe('Audit');
    expect(third?.actions[0]?.kind === 'insert' && third.actions[0].columns.map((c) => c.name)).toEqual([
      's',
      'n',
    ]);
  });

  it('parses pattern triggers', () => {
    expect(infra('on pattern [every a=A -> b=B] as m delete from W', 'OnTrigger').trigger).toMatchObject({
      kind: 'pattern',
      alias: { name: 'm' },
    });
  });

  it('says what it expected after a broken merge clause', () => {
    expect(syntaxError('on T merge W when matched then explode').message).toContain("Unexpected 'explode'");
  });

  it('keeps the contextual words usable as property names', () => {
    const s = item('select window, table, index, context, merge, update, delete, start from S');
    expect(s.kind === 'Select' && s.selectList.length).toBe(8);
  });
});
