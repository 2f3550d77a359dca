/**
 * Statement shapes for the features of the shared-state and result-set work: every kind of
 * output clause, outer joins (left/right/full, three streams), subqueries (value, row,
 * exists, in, any/all, correlated, in select/where/having/stream filters), the prev family,
 * retain-union, named windows (create, insert into, consumers, on select/delete/update/merge,
 * create index), tables (create table, into table, T[key].col, on actions), contexts (keyed,
 * category, initiated/terminated, start/end, crontab, nested; statements run in them) and
 * variables (create, constant, on set, reads).
 *
 * Each shape is a module fragment (one or several statements separated by `;\n`), valid in
 * most draws, with a weighted share of near-misses (a wrong column, a constant assigned, a
 * subquery without a window) so the analyzers' error paths run too. Names of created things
 * carry a random suffix so that two fragments of one module rarely collide (a collision is a
 * WeirError like any other).
 */
import fc from 'fast-check';
import {
  expressionOf,
  goodPeriod,
  numberText,
  periodText,
  safeWindow,
  selectStatementOf,
  sometimes,
  window,
} from './generators.js';

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
/** Mostly the first arbitrary, sometimes the near-misses. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>, odds = 5) =>
  fc.oneof({ weight: odds, arbitrary: good }, { weight: 1, arbitrary: bad });
const suffix = fc.nat(999_999);
/** A data window on A: mostly valid, sometimes any generated one (invalid parameters included). */
const windowOnA = fc.oneof({ weight: 4, arbitrary: safeWindow }, { weight: 1, arbitrary: window });
/** The same for B and C (the any-window near-misses read A's properties: unknown there). */
const windowOnAny = fc.oneof({ weight: 8, arbitrary: safeWindow }, { weight: 1, arbitrary: window });
/** Zero to `max` distinct entries of `values`, in a random order, joined as statements. */
const someOf = (values: readonly string[], max: number) =>
  fc.shuffledSubarray([...values], { minLength: 0, maxLength: max });

// ---------------------------------------------------------------------------------------------
// Output rate limiting: every clause Esper has.

const crontabField = fc.oneof(
  { weight: 6, arbitrary: fc.constant('*') },
  // Valid in every field (minutes, hours, days of month, months, days of week, seconds).
  { weight: 3, arbitrary: pick(['*/2', '1:5', '[1, 3]', '2', '*/1', '[1:3, 5]', '*/5', '1:6']) },
  // Valid in some fields only, or in none.
  {
    weight: 1,
    arbitrary: pick(['0', '59', '[0, 30]', '*/15', '60', '*/0', '5:1', '-1', "'x'", '1.5', '1:3/2']),
  },
);
const crontab = fc
  .oneof(
    { weight: 8, arbitrary: fc.array(crontabField, { minLength: 5, maxLength: 6 }) },
    { weight: 1, arbitrary: fc.array(crontabField, { minLength: 1, maxLength: 8 }) },
  )
  .map((fields) => `(${fields.join(', ')})`);

const whenCondition = mostly(
  pick([
    'count_insert >= 2',
    'count_insert > 0',
    'count_remove > 0',
    'count_insert_total % 3 = 0',
    'count_remove_total >= 1 and count_insert >= 1',
    'last_output_timestamp is null',
    'last_output_timestamp is not null and count_insert > 1',
    'count_insert = count_remove',
    'true',
    'false',
  ]),
  pick(['null', 'v > 0', 'count_insert', "'x'", 'count_insert / 0 > 1', 'sum(count_insert) > 1']),
);

const outputType = pick(['', 'all ', 'first ', 'last ', 'snapshot ']);
const smallCount = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 4 }).map(String) },
  { weight: 1, arbitrary: numberText },
);
const outputRate = fc.oneof(
  smallCount.map((n) => `every ${n} events`),
  periodText.map((p) => `every ${p}`),
  crontab.map((c) => `at ${c}`),
  whenCondition.map((c) => `when ${c}`),
);
const outputAfter = fc.oneof(
  periodText.map((p) => `after ${p}`),
  smallCount.map((n) => `after ${n} events`),
);

/** An output clause (never empty); `terminated` adds the context-only forms. */
export function outputClauseOf(terminated: boolean): fc.Arbitrary<string> {
  const plain = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(outputType, outputRate).map(([t, r]) => `output ${t}${r}`) },
    {
      weight: 2,
      arbitrary: fc.tuple(outputAfter, outputType, outputRate).map(([a, t, r]) => `output ${a} ${t}${r}`),
    },
    { weight: 1, arbitrary: outputAfter.map((a) => `output ${a}`) },
  );
  if (!terminated) return plain;
  return fc.oneof(
    { weight: 2, arbitrary: plain },
    { weight: 2, arbitrary: outputType.map((t) => `output ${t}when terminated`) },
    { weight: 2, arbitrary: plain.map((o) => `${o} and when terminated`) },
  );
}

/**
 * Select lists of each of Esper's result-set kinds (un-aggregated, fully aggregated,
 * aggregated with plain columns, grouped, grouped with plain columns): output limiting posts
 * differently for each.
 */
const RESULT_SET_KINDS = [
  { list: 'id, v', aggregated: false, group: '' },
  { list: 'irstream id, v', aggregated: false, group: '' },
  { list: 'rstream id', aggregated: false, group: '' },
  { list: '*', aggregated: false, group: '' },
  { list: 'count(*) as c, sum(v) as s', aggregated: true, group: '' },
  { list: 'irstream avg(v) as m, max(k) as mx', aggregated: true, group: '' },
  { list: 'id, sum(v) as s', aggregated: true, group: '' },
  { list: 'id, count(*) as c', aggregated: true, group: ' group by id' },
  { list: 'irstream id, k, max(v) as mx', aggregated: true, group: ' group by id, k' },
  { list: 'id, v, sum(v) as s', aggregated: true, group: ' group by id' },
  { list: 'distinct id, count(*) as c', aggregated: true, group: ' group by id' },
  { list: 'irstream id, first(v) as f, last(v) as l', aggregated: true, group: ' group by id' },
] as const;

/** A statement over A with an output clause of every kind (terminated ones are errors here). */
const outputStatement = fc
  .record({
    kind: pick(RESULT_SET_KINDS),
    w: fc.oneof({ weight: 6, arbitrary: windowOnA }, { weight: 1, arbitrary: fc.constant('') }),
    where: sometimes(pick(['v > 0', 'b', 'id is not null', 'k != 2']), 3),
    having: sometimes(pick(['count(*) > 1', 'sum(v) > 0', 'count(*) = 1 or avg(v) < 0']), 3),
    output: mostly(outputClauseOf(false), outputClauseOf(true), 12),
    orderBy: sometimes(pick(['id', 'id desc', 'v']), 4),
    limit: sometimes(pick(['1', '2', '2 offset 1', '0']), 5),
  })
  .map((s) =>
    [
      `select ${s.kind.list} from A${s.w}`,
      s.where === null ? '' : ` where ${s.where}`,
      s.kind.group,
      s.having === null || !s.kind.aggregated ? '' : ` having ${s.having}`,
      ` ${s.output}`,
      s.orderBy === null || (s.orderBy === 'v' && s.kind.aggregated) ? '' : ` order by ${s.orderBy}`,
      s.limit === null ? '' : ` limit ${s.limit}`,
    ].join(''),
  );

/** Any generated single-stream statement with an output clause of every kind. */
const outputOnAnyStatement = selectStatementOf(outputClauseOf(false), expressionOf('', 2));

// ---------------------------------------------------------------------------------------------
// Outer joins: left/right/full, mixed with inner, three streams, unidirectional.

const joinKind = fc.oneof(
  { weight: 5, arbitrary: pick(['left outer', 'right outer', 'full outer', 'left', 'right', 'full']) },
  { weight: 1, arbitrary: pick(['inner', '']) },
);
const onAB = mostly(
  pick(['a.id = b.id', 'a.id = b.id and a.n = b.n', 'b.n = a.k', 'b.id = a.s', 'a.n = b.n']),
  pick(['a.v > b.w', 'a.id = b.id or a.n = b.n', "a.id = 'x'", 'a.id = a.s', 'c.id = a.id']),
  12,
);
const onC = mostly(
  pick(['c.id = a.id', 'c.id = b.id', 'c.k = a.k and c.id = b.id', 'c.v = b.w', 'a.id = c.id']),
  pick(['c.v > a.v', 'c.id = c.id', 'c.k = 1']),
  12,
);
const outerList = (three: boolean) =>
  pick([
    'a.id as aid, b.w as bw',
    '*',
    'a.*',
    'count(*) as c',
    'a.id as aid, sum(b.w) as s',
    'coalesce(a.id, b.id) as id, b.n as bn, a.v as av',
    'irstream a.id as aid, b.id as bid',
    'distinct a.id as aid',
    'rstream b.w as bw',
    'a.id as aid, count(b.id) as nb',
    ...(three ? ['a.id as aid, b.id as bid, c.id as cid', 'c.v as cv, count(*) as c', 'c.*'] : []),
  ]);
const outerWhere = pick([
  '',
  ' where b.id is null',
  ' where a.v > 0 or b.w is null',
  ' where b.w > a.v',
  ' where a.id is not null and b.id is not null',
]);
const streamOrUnidirectional = (type: string, alias: string) =>
  fc.oneof(
    { weight: 30, arbitrary: windowOnAny.map((w) => `${type}${w} as ${alias}`) },
    { weight: 2, arbitrary: fc.constant(`${type} as ${alias} unidirectional`) },
    { weight: 1, arbitrary: fc.constant(`${type} as ${alias}`) },
  );

const outerJoinStatement = fc
  .record({
    a: streamOrUnidirectional('A', 'a'),
    b: streamOrUnidirectional('B', 'b'),
    c: streamOrUnidirectional('C', 'c'),
    k1: joinKind,
    k2: joinKind,
    on1: onAB,
    on2: onC,
    three: fc.boolean(),
    where: outerWhere,
    output: sometimes(outputClauseOf(false), 4),
  })
  .chain((j) =>
    outerList(j.three).map((list) => {
      const grouped = /sum\(|count\(b/.test(list) ? ' group by a.id' : '';
      const third = j.three ? ` ${j.k2} join ${j.c} on ${j.on2}` : '';
      const output = j.output === null ? '' : ` ${j.output}`;
      return `select ${list} from ${j.a} ${j.k1} join ${j.b} on ${j.on1}${third}${j.where}${grouped}${output}`;
    }),
  );

// ---------------------------------------------------------------------------------------------
// Subqueries.

/** Stream types a subquery reads, with their numeric and text properties. */
const SUB_SOURCES = [
  { type: 'B', num: ['w', 'n'], str: ['id'] },
  { type: 'A', num: ['v', 'n', 'k'], str: ['id', 's'] },
  { type: 'C', num: ['v', 'k'], str: ['id'] },
] as const;

const subWindow = fc.oneof(
  { weight: 20, arbitrary: safeWindow },
  { weight: 1, arbitrary: window },
  { weight: 1, arbitrary: fc.constant('') },
);

/**
 * `(select … from S#w as sq [where …])`: `num` selects one number, `str` one string, `row`
 * several columns or the event, `star` anything (for exists). Correlated ones read `a` (the
 * outer stream's alias).
 */
function subquery(what: 'num' | 'str' | 'row' | 'star', correlated = true): fc.Arbitrary<string> {
  return fc
    .record({
      src: pick(SUB_SOURCES),
      w: subWindow,
      filter: sometimes(pick(['(id is not null)', "(id != 'x')"]), 5),
      corr: correlated
        ? pick(['', 'sq.id = a.id', 'sq.id = a.id and sq.N > a.v', 'sq.N > a.v', 'sq.N < 3', 'a.b'])
        : pick(['', 'sq.N < 3']),
      tail: fc.oneof(
        { weight: 60, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: pick([' group by sq.id', ' having count(*) > 1']) },
      ),
      i: fc.nat(11),
    })
    .map(({ src, w, filter, corr, tail, i }) => {
      const num = `sq.${src.num[i % src.num.length]}`;
      const str = `sq.${src.str[i % src.str.length]}`;
      const choices = {
        num: [
          num,
          `max(${num})`,
          `sum(${num})`,
          `avg(${num})`,
          'count(*)',
          `first(${num})`,
          `min(${num}) * 2`,
        ],
        str: [str, `first(${str})`, `last(${str})`, `max(${str})`],
        row: [`${num} as p, ${str} as q`, '*', 'window(*)', `count(*) as c, max(${num}) as m`],
        star: ['*', str, 'count(*)'],
      }[what];
      const items = choices[i % choices.length] as string;
      const where = corr === '' ? '' : ` where ${corr.replace('N', num.slice(3))}`;
      return `(select ${items} from ${src.type}${filter ?? ''}${w} as sq${where}${tail})`;
    });
}

/** A condition holding subqueries (for where and having). */
const subBool = fc.oneof(
  subquery('star').map((q) => `exists ${q}`),
  subquery('star').map((q) => `not exists ${q}`),
  fc.tuple(pick(['in', 'not in']), subquery('str')).map(([o, q]) => `a.id ${o} ${q}`),
  fc
    .tuple(pick(['a.v', 'a.n']), pick(['in', 'not in']), subquery('num'))
    .map(([x, o, q]) => `${x} ${o} ${q}`),
  fc
    .tuple(pick(['a.v', 'a.k']), pick(['>', '<=', '=', '!=']), pick(['any', 'all', 'some']), subquery('num'))
    .map(([x, o, k, q]) => `${x} ${o} ${k} ${q}`),
  subquery('num').map((q) => `${q} > a.v`),
  subquery('str').map((q) => `${q} is null`),
  fc.tuple(subquery('num'), subquery('num')).map(([x, y]) => `coalesce(${x}, 0) >= coalesce(${y}, 0)`),
);

const subqueryStatement = fc
  .record({
    stream: pick(['', 'irstream ', 'rstream ']),
    items: fc.array(fc.oneof(subquery('num'), subquery('str'), subquery('row')), {
      minLength: 0,
      maxLength: 2,
    }),
    w: fc.oneof({ weight: 4, arbitrary: windowOnA }, { weight: 1, arbitrary: fc.constant('') }),
    filter: sometimes(
      subquery('num', false).map((q) => `(v > ${q})`),
      5,
    ),
    where: sometimes(subBool, 2),
    grouped: sometimes(subBool, 4),
    output: sometimes(outputClauseOf(false), 5),
  })
  .map((s) => {
    const items = ['a.id as aid', ...s.items.map((q, i) => `${q} as s${i}`)];
    if (s.grouped !== null) items.push('count(*) as n');
    return [
      `select ${s.stream}${items.join(', ')} from A${s.filter ?? ''}${s.w} as a`,
      s.where === null ? '' : ` where ${s.where}`,
      s.grouped === null ? '' : ` group by a.id having ${s.grouped}`,
      s.output === null ? '' : ` ${s.output}`,
    ].join('');
  });

/** A subquery in an `on` action, a join and a pattern filter. */
const subqueryElsewhere = fc
  .tuple(subquery('num', false), safeWindow, safeWindow)
  .chain(([q, w1, w2]) =>
    pick([
      `select a.id as aid, b.w as bw, ${q} as s from A${w1} as a, B${w2} as b where a.id = b.id`,
      `select a.id as aid from A${w1} as a left outer join B${w2} as b on a.id = b.id where coalesce(b.w, 0) < ${q}`,
      `select * from pattern [every a=A(v > ${q}) -> b=B(id = a.id)]`,
      `insert into S select id, ${q} as x from A;\nselect id, x from S${w1}`,
      `select a.id as aid, ${q} as s, count(*) as c from A${w1} as a group by a.id having count(*) > coalesce(${q}, 0)`,
      `select b.id as bid, ${q} as s from A${w1} as a full outer join B${w2} as b on a.id = b.id`,
    ]),
  );

// ---------------------------------------------------------------------------------------------
// prev family and retain-union.

const prevItem = mostly(
  pick([
    'prev(1, v)',
    'prev(2, id)',
    'prev(0, v)',
    'prevtail(v)',
    'prevtail(1, v)',
    'prevtail(0, id)',
    'prevcount(v)',
    'prevcount(id)',
    'prevwindow(v)',
    'prevwindow(id)',
    'prior(0, v)',
    'prior(2, id)',
    'prev(k, v)',
  ]),
  pick(['prev(-1, v)', 'prevtail(1e309, v)', 'prev(v)', 'prevwindow(*)', 'prior(k, v)', 'prev(1, zz)']),
  10,
);
/** Windows a union may hold (no #groupwin, which must come first, and no first-kind windows). */
const unionWindow = fc.oneof(
  { weight: 6, arbitrary: safeWindow.filter((w) => !/groupwin|first/.test(w)) },
  { weight: 1, arbitrary: safeWindow },
);
const retainWindows = fc
  .tuple(
    unionWindow,
    unionWindow,
    sometimes(unionWindow, 3),
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(' retain-union') },
      { weight: 1, arbitrary: pick([' retain-intersection', '']) },
    ),
  )
  .map(([x, y, z, r]) => `${x}${y}${z ?? ''}${r}`);
/** Windows `prev` accepts (one data window keeping events in order), and some it refuses. */
const prevWindows = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 5 }), goodPeriod)
      .chain(([n, p]) =>
        pick([
          `#length(${n})`,
          `#time(${p})`,
          `#sort(${n}, v)`,
          `#groupwin(id)#length(${n})`,
          `#groupwin(k)#time(${p})`,
          '#keepall()',
          `#length_batch(${n})`,
          `#time_batch(${p})`,
          `#ext_timed(n, ${p})`,
          `#time_length_batch(${p}, ${n})`,
        ]),
      ),
  },
  { weight: 1, arbitrary: fc.oneof(retainWindows, window, fc.constant('')) },
);

const prevStatement = fc
  .record({
    stream: pick(['', 'irstream ', 'rstream ']),
    items: fc.array(prevItem, { minLength: 1, maxLength: 3 }),
    windows: prevWindows,
    where: sometimes(pick(['prev(1, v) > v', 'prevcount(v) > 1', 'v > 0']), 3),
    agg: sometimes(pick(['count(*) as c', 'sum(v) as s']), 3),
  })
  .map(
    (s) =>
      `select ${s.stream}id, ${s.items.map((e, i) => `${e} as p${i}`).join(', ')}${s.agg === null ? '' : `, ${s.agg}`}` +
      ` from A${s.windows}${s.where === null ? '' : ` where ${s.where}`}`,
  );

const retainStatement = fc
  .tuple(
    retainWindows,
    pick(['irstream *', 'irstream id, v', 'count(*) as c, sum(v) as s', 'id, count(*) as c']),
  )
  .map(([w, list]) => `select ${list} from A${w}`);

// ---------------------------------------------------------------------------------------------
// Named windows.

/** Named-window statements Weir runs today, and those of features still arriving (joins, subqueries, pattern triggers). */
const NW_CONSUMERS = [
  'select irstream id, v from W',
  'select count(*) as c, sum(v) as s from W',
  'select id, count(*) as c from W group by id output last every 2 events',
  'select irstream * from W(v > 0)',
  'insert into S select id, v from W',
];
const NW_TRIGGERS = [
  'on B as b select w.id as id, w.v as v from W as w where w.id = b.id',
  'on B as b select and delete w.id as id from W as w where w.v < b.w',
  'on B as b select count(*) as c, sum(w.v) as s from W as w',
  'on B as b select * from W as w where w.v between b.w and b.w + 5 order by w.v limit 2',
  'on B(w > 0) as b delete from W as w where w.id = b.id',
  'on B as b delete from W as w',
  'on B as b update W as w set v = b.w, n = w.n + 1 where w.id = b.id',
  'on B as b update W as w set v = initial.v * 2 where w.n = b.n',
  'on B as b merge W as w where w.id = b.id when matched and w.v > 5 then delete when matched then update set v = b.w when not matched then insert select b.id as id, b.w as v, b.n as n',
  'on A as t merge W as w where w.id = t.id when not matched then insert select t.id as id, t.v as v, t.n as n when matched then insert into S select t.id as id, t.v as v',
  'on B as b insert into S select w.id as id, w.v as v from W as w where w.n > b.n',
  'on B as b delete from W as w where w.v > (select max(sq.w) from B#length(3) as sq)',
  'on C as c select w.id as id from W as w where w.id = c.id and w.v > c.v',
];
const NW_ARRIVING = [
  'select w.id as id, b.w as bw from W as w, B#length(2) as b where w.id = b.id',
  'select a.id as id, (select count(*) from W as sw where sw.id = a.id) as c from A as a',
  'select a.id as id from A as a where exists (select * from W as sw where sw.v > a.v)',
  'on pattern [every bb=B] select w.id as id from W as w where w.id = bb.id',
  'select a.id as id, w.v as wv from A#length(2) as a left outer join W as w on a.id = w.id',
  'select irstream id, prev(1, v) as p from W',
];
const NW_MISSES = [
  'on B as b update W as w set zz = 1',
  'select zz from W',
  'on B as b delete from W as w where w.zz = b.id',
];

const namedWindowModule = fc
  .record({
    i: suffix,
    w: fc.oneof(
      { weight: 6, arbitrary: safeWindow },
      { weight: 1, arbitrary: fc.oneof(retainWindows, window) },
    ),
    model: mostly(
      pick(['A', 'select id, v, n from A', '(id string, v double, n long)', 'select * from A']),
      pick(['(id string, v int)', 'Q', 'select zz from A', '(id string) insert where v > 0']),
      8,
    ),
    insert: mostly(
      pick([
        'insert into W select * from A',
        'insert into W select id, v, n from A(v > 0)',
        'insert into W select id, w as v, n from B',
        'insert into W select id, v, n from A#length(2)',
      ]),
      pick([
        'insert into W select id, s as v from A',
        'insert into W select id from O',
        'insert into W select * from B',
      ]),
      8,
    ),
    consumers: someOf(NW_CONSUMERS, 2),
    triggers: someOf(NW_TRIGGERS, 3),
    extra: fc.oneof(
      { weight: 6, arbitrary: fc.constant([]) },
      { weight: 2, arbitrary: someOf(NW_ARRIVING, 1) },
      { weight: 1, arbitrary: someOf(NW_MISSES, 1) },
    ),
    index: sometimes(
      mostly(
        pick([
          'create index I on W(id)',
          'create index I on W(id hash, v btree)',
          'create unique index I on W(id)',
        ]),
        pick(['create index I on W(zz)', 'create index I on W(id foo)']),
      ),
      3,
    ),
  })
  .map((m) => {
    const w = `W${m.i}`;
    const name = (s: string) =>
      s.replace(/\bW\b/g, w).replace(/\bS\b/g, `S${m.i}`).replace(/\bI\b/g, `I${m.i}`);
    return [
      `create window W${m.w} as ${m.model}`,
      m.insert,
      ...(m.index === null ? [] : [m.index]),
      ...m.consumers,
      ...m.triggers,
      ...m.extra,
    ]
      .map(name)
      .join(';\n');
  });

// ---------------------------------------------------------------------------------------------
// Tables.

/** Table keys, with statements reading the table by that key. */
const TABLE_KEYS = [
  {
    columns: 'id string primary key',
    group: ' group by id',
    readers: [
      'select b.id as id, T[b.id].c as c from B as b',
      'select T[b.id] as row from B as b',
      'select b.id as id from B as b where T[b.id].c > 1',
      'on B as b delete from T as t where t.id = b.id',
      'select id, T[id].c as c from A#length(2)',
    ],
  },
  {
    columns: 'id string primary key, k int primary key',
    group: ' group by id, k',
    readers: [
      'select a.id as id, T[a.id, a.k].c as c from A as a',
      'on A as a delete from T as t where t.id = a.id and t.k = a.k',
    ],
  },
  {
    columns: '',
    group: '',
    readers: ['select T.c as c from B', 'select b.id as id, T.c as c from B as b where T.c > 0'],
  },
] as const;
const TABLE_READERS = [
  'on B as b select t.c as c from T as t where t.c >= 2',
  'on B as b select count(*) as n from T as t',
  'on B(w < 0) as b delete from T as t',
];
const TABLE_ARRIVING = [
  'select t.c as c, b.w as w from T as t, B#length(2) as b where t.c = b.n',
  'select b.id as id, (select t.c from T as t where t.c > b.n) as c from B as b',
];

const tableModule = fc
  .record({
    i: suffix,
    key: pick(TABLE_KEYS),
    columns: mostly(
      pick([
        'c count(*), s sum(double), mx maxever(double)',
        'c count(*), m avg(double), lo min(double)',
        'c count(*), f first(double), l last(double), md median(double)',
        'c count(*), d count(distinct string), sd stddev(double)',
        'c count(*), mn minever(double), ad avedev(double)',
      ]),
      pick(['c count(*), s sum(string)', 'c cnt(*)', 'c count(*), c sum(double)', 'c count(*), x zz']),
      10,
    ),
    w: fc.oneof({ weight: 3, arbitrary: safeWindow }, { weight: 1, arbitrary: fc.constant('') }),
    keyed: fc.nat(),
    readers: someOf(TABLE_READERS, 2),
    arriving: fc.oneof(
      { weight: 4, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: someOf(TABLE_ARRIVING, 1) },
    ),
  })
  .map((t) => {
    const cols = t.key.columns === '' ? t.columns : `${t.key.columns}, ${t.columns}`;
    const aggs = t.columns.replace(/(\w+) (\w+)\(([^)]*)\)/g, (_m, col: string, fn: string, arg: string) => {
      const x = arg.startsWith('distinct')
        ? 'distinct id'
        : arg === '*'
          ? '*'
          : arg === 'string'
            ? 'id'
            : 'v';
      return `${fn}(${x}) as ${col}`;
    });
    const keyed = t.key.readers[t.keyed % t.key.readers.length] as string;
    const name = (s: string) => s.replace(/\bT\b/g, `T${t.i}`);
    return [
      `create table T(${cols})`,
      `into table T select ${aggs} from A${t.w}${t.key.group}`,
      keyed,
      ...t.readers,
      ...t.arriving,
    ]
      .map(name)
      .join(';\n');
  });

/** A table of plain columns written by merge and insert into, read by key. */
const plainTableModule = fc
  .tuple(
    suffix,
    someOf(
      [
        'on A as a merge P as p where p.id = a.id when matched then update set v = a.v when not matched then insert select a.id as id, a.v as v',
        'insert into P select id, v from A',
        'on B as b update P as p set v = p.v + b.w where p.id = b.id',
        'select P[b.id].v as v from B as b',
        'on B as b select p.id as id, p.v as v from P as p',
        'on B as b delete from P as p where p.v < b.w',
      ],
      4,
    ),
  )
  .map(([i, statements]) =>
    ['create table P(id string primary key, v double)', ...statements]
      .map((s) => s.replace(/\bP\b/g, `P${i}`))
      .join(';\n'),
  );

// ---------------------------------------------------------------------------------------------
// Contexts.

/** A context definition with the `context.…` properties its statements may read. */
interface ContextKind {
  readonly definition: string;
  readonly properties: readonly string[];
}
const keyedContext = pick<ContextKind>([
  { definition: 'partition by id from A', properties: ['context.key1 as key'] },
  { definition: 'partition by id from A, id from B', properties: ['context.key1 as key'] },
  { definition: 'partition by id and k from A', properties: ['context.key1 as k1, context.key2 as k2'] },
  { definition: 'partition by k from A(v > 0)', properties: ['context.key1 as key'] },
]);
const categoryContext = pick<ContextKind>([
  { definition: 'group by v < 0 as neg, group by v >= 0 as pos from A', properties: ['context.label as l'] },
  {
    definition: 'group by k = 1 as one, group by k > 1 as many, group by v is null as none from A',
    properties: ['context.label as l'],
  },
]);
const ending = fc.oneof(
  { weight: 2, arbitrary: goodPeriod.map((p) => `after ${p}`) },
  { weight: 1, arbitrary: periodText.map((p) => `after ${p}`) },
  { weight: 2, arbitrary: pick(['B(w < 0)', 'A(k = 1)', 'C']) },
);
const initiatedContext = fc
  .tuple(pick(['B as bb', 'B(w > 0) as bb', 'A(b) as bb', '@now and B as bb', 'C as bb']), ending)
  .map(
    ([start, end]): ContextKind => ({
      definition: `initiated by ${start} terminated ${end}`,
      properties: ['context.bb.id as trig'],
    }),
  );
const startEndContext = fc
  .tuple(pick(['A(b) as bb', 'B as bb', 'A(k = 1) as bb', 'C(v > 0) as bb']), ending)
  .map(
    ([start, end]): ContextKind => ({
      definition: `start ${start} end ${end}`,
      properties: ['context.bb.id as trig'],
    }),
  );
const startNowContext = ending.map(
  (end): ContextKind => ({ definition: `start @now end ${end}`, properties: [] }),
);
/** Conditions and kinds arriving this session (crontab, pattern, distinct, keyed with initiated, nested). */
const arrivingContext = pick<ContextKind>([
  { definition: 'start (*, *, *, *, *) end (*/2, *, *, *, *)', properties: [] },
  { definition: 'initiated by pattern [every bb=B] terminated after 2 sec', properties: [] },
  { definition: 'start pattern [bb=B -> A] end after 3 sec', properties: [] },
  {
    definition: 'initiated by distinct(id) B as bb terminated after 2 sec',
    properties: ['context.bb.id as trig'],
  },
  {
    definition: 'partition by id from A initiated by A(v > 0) terminated by B',
    properties: ['context.key1 as key'],
  },
  { definition: 'partition by id from A terminated after 2 sec', properties: ['context.key1 as key'] },
  {
    definition: 'context P1 partition by id from A, context P2 start @now end after 3 sec',
    properties: ['context.P1.key1 as key'],
  },
  {
    definition:
      'context P1 group by v < 0 as neg, group by v >= 0 as pos from A, context P2 partition by id from A',
    properties: ['context.P1.label as l, context.P2.key1 as key'],
  },
]);
const contextKind = fc.oneof(
  { weight: 3, arbitrary: keyedContext },
  { weight: 2, arbitrary: categoryContext },
  { weight: 3, arbitrary: initiatedContext },
  { weight: 3, arbitrary: startEndContext },
  { weight: 1, arbitrary: startNowContext },
  { weight: 2, arbitrary: arrivingContext },
);
const COMMON_CONTEXT_PROPERTIES = ['context.name as nm', 'context.id as cid', 'context.startTime as st'];

function contextStatement(kind: ContextKind): fc.Arbitrary<string> {
  const property = fc.oneof(
    { weight: 5, arbitrary: pick([...kind.properties, ...COMMON_CONTEXT_PROPERTIES]) },
    { weight: 1, arbitrary: pick(['context.key1 as key', 'context.label as l', 'context.zz as z']) },
  );
  const output = fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: outputClauseOf(true) },
  );
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          windowOnA,
          pick([
            'id, count(*) as n, sum(v) as s',
            'count(*) as n',
            'irstream id, v',
            'id, avg(v) as m',
            'id, count(*) as n',
          ]),
          output,
        )
        .map(
          ([w, list, o]) =>
            `select ${list} from A${w}${list.endsWith('as n') && list.startsWith('id,') ? ' group by id' : ''}${o === '' ? '' : ` ${o}`}`,
        ),
    },
    {
      weight: 4,
      arbitrary: fc
        .tuple(property, pick(['count(*) as n', 'id, v', 'sum(v) as s, id']), windowOnA, output)
        .map(([p, list, w, o]) => `select ${p}, ${list} from A${w}${o === '' ? '' : ` ${o}`}`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(safeWindow, safeWindow)
        .chain(([w1, w2]) =>
          pick([
            `select count(*) as n from B${w1}`,
            `select a.id as id, b.w as w from A${w1} as a, B${w2} as b where a.id = b.id`,
            `select a.id as id, (select count(*) from B${w2} as sq where sq.id = a.id) as c from A${w1} as a`,
            `select a.id as id, b.w as w from A${w1} as a left outer join B${w2} as b on a.id = b.id`,
            'select * from pattern [every a=A -> b=B(id = a.id)]',
            'select * from A match_recognize (measures X.id as id pattern (X Y) define Y as Y.v > X.v)',
            'insert into S select id, v from A',
            `select id, prev(1, v) as p, prior(1, v) as q from A${w1}`,
            `create window CW${w1} as A`,
          ]),
        ),
    },
    // Any generated single-stream statement, run per partition.
    { weight: 2, arbitrary: selectStatementOf(output, expressionOf('', 2)) },
  );
}

const contextModule = fc
  .tuple(suffix, contextKind)
  .chain(([i, kind]) =>
    fc
      .array(contextStatement(kind), { minLength: 1, maxLength: 3 })
      .map((statements) =>
        [`create context X${i} ${kind.definition}`, ...statements.map((s) => `context X${i} ${s}`)].join(
          ';\n',
        ),
      ),
  );

// ---------------------------------------------------------------------------------------------
// Variables.

/** Variable declarations by type, with statements that set and read a variable of that type. */
const VARIABLE_KINDS = [
  {
    decls: ['create variable double V = 1.5', 'create variable double V', 'create variable double V = null'],
    uses: [
      'on B as b set V = b.w',
      'on A as a set V = V + 1',
      'on A(k = 1) set V = null',
      'on C as c set V = c.v * 2',
      'select id from A(v > V)',
      'select id, V as t from A#length(2) where v > V',
      'select count(*) as c from A#length(3) having sum(v) > V',
      'select V as t from B',
    ],
  },
  {
    decls: [
      'create variable int V = 2',
      'create constant variable int V = 3',
      'create variable long V = 9007199254740993',
    ],
    uses: [
      'on A as a set V = a.k',
      'on B as b set V = cast(b.n, int)',
      'select id, V as t from A#length(2) where k < V',
      'select count(*) as c from A#length(3) having count(*) > V',
      'select V as t from B',
    ],
  },
  {
    decls: ["create variable string V = 'x'", "create constant variable string V = 'y'"],
    uses: [
      'on B as b set V = b.id',
      'select id from A where id = V',
      "on A as a set V = V || 'z'",
      'select id from A(s = V)',
    ],
  },
  {
    decls: ['create variable boolean V = true'],
    uses: [
      'on A as a set V = a.b',
      'select id from A(V)',
      'select id from A#length(2) where V and b',
      'on B as b set V = not V',
    ],
  },
] as const;

const variableModule = fc
  .record({
    i: suffix,
    kind: pick(VARIABLE_KINDS),
    d: fc.nat(),
    uses: fc.nat(),
    numeric: numberText,
    miss: sometimes(
      pick([
        "create variable int V = 'x'",
        'create variable zz V = 1',
        'create variable double V = v',
        'on B as b set V = b.id',
        'on pattern [every timer:interval(1 sec)] set V = V * 2',
        'on B as b set V = b.w, V = 1',
      ]),
      6,
    ),
  })
  .chain((m) =>
    someOf(m.kind.uses, 3).map((uses) => {
      const decl = m.kind.decls[m.d % m.kind.decls.length] as string;
      const declaration =
        decl === 'create variable double V = 1.5' ? `create variable double V = ${m.numeric}` : decl;
      const statements = m.miss === null ? [declaration, ...uses] : [declaration, m.miss, ...uses];
      return statements.map((s) => s.replace(/\bV\b/g, `V${m.i}`)).join(';\n');
    }),
  );

/** The shapes of this file (generators.ts STATEMENT_SHAPES adds them). */
export const FEATURE_SHAPES: readonly fc.Arbitrary<string>[] = [
  outputStatement,
  outputOnAnyStatement,
  subqueryElsewhere,
  outerJoinStatement,
  subqueryStatement,
  prevStatement,
  retainStatement,
  namedWindowModule,
  tableModule,
  plainTableModule,
  contextModule,
  variableModule,
];
