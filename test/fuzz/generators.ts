/**
 * Random input for the fuzz suite (issue 13 §2): EPL modules built from the grammar (valid
 * in shape, with parameters from the edges: 0, negative, fractional, huge, infinite), the
 * same modules mutated at the token level, and event streams with wrong types, nulls,
 * NaN/Infinity, huge and negative numbers, out-of-order, negative and far-ahead timestamps.
 *
 * To extend: add a statement shape to STATEMENT_SHAPES (modules.ts; the shapes of the
 * shared-state and result-set features are in feature-shapes.ts), a window to WINDOWS, a
 * function or aggregate to the expression generators, a token to MUTATION_TOKENS.
 */
import fc from 'fast-check';

/**
 * The types every generated module declares. A is closed, B has an event-time property, O is
 * open, C is the third stream of three-way joins.
 */
export const SCHEMAS = [
  'create schema A(id string, v double, n long, k int, b boolean, s string);',
  'create schema B(id string, w double, n long, at long) timestamp at;',
  'create schema O(id string, v double) open;',
  'create schema C(id string, v double, k int);',
].join('\n');

/** Property names of A by type: expressions over A draw from these. */
const NUM = ['v', 'n', 'k'];
const STR = ['id', 's'];
const BOOL = ['b'];

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

/** `arbitrary` in one draw out of `oneIn`, else null (fc.option's `freq` is the odds of null). */
export const sometimes = <T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

/** Numbers as a user could write them, edges included. */
export const numberText = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 20 }).map(String) },
  {
    weight: 1,
    arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(Math.abs(d))),
  },
  {
    weight: 2,
    arbitrary: pick([
      '0',
      '0.5',
      '1e308',
      '1e309',
      '9007199254740993',
      '99999999999999999999999',
      '2147483648',
      '1e-320',
      '-0',
      '-1',
    ]),
  },
);

/** Time periods, edges included (a bare number is seconds, as in EPL). */
export const periodText = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 30 }), pick(['msec', 'sec', 'min']))
      .map(([n, u]) => `${n} ${u}`),
  },
  { weight: 1, arbitrary: pick(['0 sec', '1', '-1 sec', '1e309 sec', '0.5 sec', '1 min 30 sec', '1 day']) },
);

const stringLiteral = fc.oneof(
  { weight: 4, arbitrary: pick(["'x'", "'a1'", "''", "'IBM'", "'é'"]) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }).map((s) => `'${s.replace(/['\\]/g, '')}'`) },
  { weight: 1, arbitrary: pick(["'line\nbreak'", "'\u001b[31m'", "'\\''", "'\\u0000'"]) },
);

/** Regular expressions for `regexp`, valid and not. */
const regexpLiteral = pick(["'a.*'", "'[a-z]+'", "'['", "'('", "'a{2,1}'", "'\\\\'", "'(?i)x'", "'.*'"]);

const op = (ops: readonly string[]) => pick(ops);

/** Expressions over A (`prefix` names the stream, as in `a.v`). */
export function expressionOf(prefix: string, depth: number): fc.Arbitrary<string> {
  const p = (names: readonly string[]) => pick(names).map((n) => `${prefix}${n}`);
  const { num, str, bool } = fc.letrec<{ num: string; str: string; bool: string }>((tie) => ({
    num: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      { weight: 4, arbitrary: p(NUM) },
      { weight: 3, arbitrary: numberText },
      fc.tuple(tie('num'), op(['+', '-', '*', '/', '%']), tie('num')).map(([a, o, b]) => `(${a} ${o} ${b})`),
      tie('num').map((a) => `-${a}`),
      fc.tuple(pick(['abs', 'round', 'floor', 'ceil']), tie('num')).map(([f, a]) => `${f}(${a})`),
      fc.tuple(tie('num'), tie('num')).map(([a, b]) => `coalesce(${a}, ${b})`),
      fc.tuple(tie('num'), tie('num')).map(([a, b]) => `max(${a}, ${b})`),
      fc.tuple(tie('str'), pick(['int', 'long', 'double'])).map(([a, t]) => `cast(${a}, ${t})`),
      tie('str').map((a) => `length(${a})`),
      fc
        .tuple(tie('bool'), tie('num'), tie('num'))
        .map(([c, a, b]) => `case when ${c} then ${a} else ${b} end`),
    ),
    str: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      { weight: 4, arbitrary: p(STR) },
      { weight: 2, arbitrary: stringLiteral },
      fc.tuple(tie('str'), tie('str')).map(([a, b]) => `${a} || ${b}`),
      fc.tuple(pick(['lower', 'upper']), tie('str')).map(([f, a]) => `${f}(${a})`),
      tie('num').map((a) => `cast(${a}, string)`),
      fc.tuple(tie('str'), numberText).map(([a, n]) => `substring(${a}, ${n})`),
    ),
    bool: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      { weight: 2, arbitrary: p(BOOL) },
      fc
        .tuple(tie('num'), op(['=', '!=', '<', '<=', '>', '>=', '<>']), tie('num'))
        .map(([a, o, b]) => `${a} ${o} ${b}`),
      fc.tuple(tie('bool'), op(['and', 'or']), tie('bool')).map(([a, o, b]) => `(${a} ${o} ${b})`),
      tie('bool').map((a) => `not ${a}`),
      fc
        .tuple(tie('num'), fc.array(tie('num'), { minLength: 1, maxLength: 3 }))
        .map(([a, l]) => `${a} in (${l.join(', ')})`),
      fc.tuple(tie('num'), tie('num'), tie('num')).map(([a, l, h]) => `${a} between ${l} and ${h}`),
      fc.tuple(tie('str'), stringLiteral).map(([a, l]) => `${a} like ${l}`),
      fc.tuple(tie('str'), fc.oneof(regexpLiteral, tie('str'))).map(([a, r]) => `${a} regexp ${r}`),
      fc.tuple(tie('num'), fc.boolean()).map(([a, n]) => `${a} is ${n ? 'not ' : ''}null`),
      fc.tuple(tie('str'), pick(['boolean'])).map(([a, t]) => `cast(${a}, ${t})`),
    ),
  }));
  return fc.oneof(num, str, bool);
}

const windowSize = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 5 }).map(String) },
  { weight: 1, arbitrary: pick(['0', '-1', '2.5', '1e9', '1e309', "'x'"]) },
);

/** One data window on A. */
export const WINDOWS: readonly fc.Arbitrary<string>[] = [
  windowSize.map((n) => `#length(${n})`),
  windowSize.map((n) => `#length_batch(${n})`),
  periodText.map((p) => `#time(${p})`),
  periodText.map((p) => `#time_batch(${p})`),
  periodText.map((p) => `#time_batch(${p}, 'FORCE_UPDATE, START_EAGER')`),
  periodText.map((p) => `#time_accum(${p})`),
  fc.tuple(periodText, windowSize).map(([p, n]) => `#time_length_batch(${p}, ${n})`),
  periodText.map((p) => `#ext_timed(n, ${p})`),
  periodText.map((p) => `#ext_timed_batch(n, ${p})`),
  pick(['#unique(id)', '#unique(id, k)', '#firstunique(id)', '#keepall()', '#lastevent()', '#firstevent()']),
  windowSize.map((n) => `#firstlength(${n})`),
  fc.tuple(windowSize, pick(['v', 'v desc', 'n asc, v desc', 'id'])).map(([n, k]) => `#sort(${n}, ${k})`),
  windowSize.map((n) => `#groupwin(id)#length(${n})`),
  pick(['#lenght(3)', '#length()', '#time(v)']),
];

/** A positive period, as most statements have. */
export const goodPeriod = fc
  .tuple(fc.integer({ min: 1, max: 10 }), pick(['sec', 'sec', 'msec', 'min']))
  .map(([n, u]) => `${n * (u === 'msec' ? 100 : 1)} ${u}`);
const goodSize = fc.integer({ min: 1, max: 5 }).map(String);

/**
 * Valid data windows that read no property but `id` (every generated type has it): the
 * statements of feature-shapes.ts use them on any stream, so that a module of several
 * statements deploys often enough to reach the runtime.
 */
export const safeWindow = fc.oneof(
  { weight: 3, arbitrary: goodSize.map((n) => `#length(${n})`) },
  { weight: 2, arbitrary: goodSize.map((n) => `#length_batch(${n})`) },
  { weight: 3, arbitrary: goodPeriod.map((p) => `#time(${p})`) },
  { weight: 2, arbitrary: goodPeriod.map((p) => `#time_batch(${p})`) },
  goodPeriod.map((p) => `#time_accum(${p})`),
  fc.tuple(goodPeriod, goodSize).map(([p, n]) => `#time_length_batch(${p}, ${n})`),
  pick(['#unique(id)', '#firstunique(id)', '#keepall()', '#lastevent()', '#firstevent()']),
  goodSize.map((n) => `#firstlength(${n})`),
  goodSize.map((n) => `#sort(${n}, id)`),
  goodSize.map((n) => `#groupwin(id)#length(${n})`),
  fc.tuple(goodSize, goodPeriod).map(([n, p]) => `#length(${n})#time(${p})`),
);

/** One data window, any kind. */
export const window = fc.oneof(...WINDOWS);
const windows = fc.oneof(
  { weight: 3, arbitrary: window },
  { weight: 1, arbitrary: fc.tuple(window, window).map(([a, b]) => a + b) },
  { weight: 1, arbitrary: fc.constant('') },
);

const aggregate = (prefix: string) =>
  fc.oneof(
    fc.constant('count(*)'),
    fc
      .tuple(
        pick(['count', 'sum', 'avg', 'min', 'max', 'stddev', 'median', 'avedev', 'first', 'last']),
        pick(NUM.map((n) => `${prefix}${n}`)),
      )
      .map(([f, x]) => `${f}(${x})`),
    pick([
      'count(distinct id)',
      'sum(distinct v)',
      'window(*)',
      'prev(1, v)',
      'prior(1, v)',
      'prev(0, id)',
      'prevtail(v)',
      'prevcount(id)',
      'prevwindow(v)',
    ]),
  );

const selectItemOf = (expression: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 3, arbitrary: expression }, { weight: 2, arbitrary: aggregate('') });
const selectListOf = (expression: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant('*') },
    {
      weight: 4,
      arbitrary: fc
        .array(selectItemOf(expression), { minLength: 1, maxLength: 4 })
        .map((items) => items.map((e, i) => `${e} as c${i}`).join(', ')),
    },
  );

const outputClause = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  numberText.map((n) => `output every ${n} events`),
  periodText.map((p) => `output every ${p}`),
  fc.tuple(pick(['first', 'last', 'all', 'snapshot']), periodText).map(([t, p]) => `output ${t} every ${p}`),
  pick([
    'output when count_insert >= 2',
    'output after 1 sec',
    'output at (*, *, *, *, *)',
    'output last every 2 events',
  ]),
);

/**
 * A single-stream select statement over A: `output` draws the output clause ('' for none),
 * `expression` the expressions of the select list, where and having clauses.
 */
export function selectStatementOf(
  output: fc.Arbitrary<string>,
  expression: fc.Arbitrary<string>,
): fc.Arbitrary<string> {
  return fc
    .record({
      stream: pick(['', 'irstream ', 'rstream ', 'distinct ']),
      list: selectListOf(expression),
      windows,
      where: sometimes(expression, 2),
      groupBy: sometimes(pick(['id', 'id, b', 'k']), 3),
      having: sometimes(fc.oneof(expression, fc.constant('count(*) > 1')), 4),
      output,
      orderBy: sometimes(pick(['id', 'v desc', 'c0']), 5),
      limit: sometimes(numberText, 6),
    })
    .map((s) =>
      [
        `select ${s.stream}${s.list} from A${s.windows}`,
        s.where === null ? '' : ` where ${s.where}`,
        s.groupBy === null ? '' : ` group by ${s.groupBy}`,
        s.having === null ? '' : ` having ${s.having}`,
        s.output === '' ? '' : ` ${s.output}`,
        s.orderBy === null ? '' : ` order by ${s.orderBy}`,
        s.limit === null ? '' : ` limit ${s.limit}`,
      ].join(''),
    );
}

export const selectStatement = selectStatementOf(outputClause, expressionOf('', 3));

export const joinStatement = fc
  .record({
    wa: window,
    wb: window,
    on: pick(['a.id = b.id', 'a.n = b.n and a.v > b.w', 'a.v < b.w', '']),
    uni: fc.boolean(),
    list: pick(['a.id, b.w', '*', 'count(*) as c', 'a.id, sum(b.w) as s']),
    groupBy: pick(['', ' group by a.id']),
  })
  .map(
    (j) =>
      `select ${j.list} from ${j.uni ? 'A as a unidirectional' : `A${j.wa} as a`}, B${j.wb} as b${j.on === '' ? '' : ` where ${j.on}`}${j.list.includes('sum') ? ' group by a.id' : j.groupBy}`,
  );

/** Pattern timer periods: constants, or read from a tag (unbound, null, zero, negative, huge). */
const patternPeriodText = fc.oneof(
  { weight: 3, arbitrary: periodText },
  { weight: 1, arbitrary: pick(['a.v', 'a.n / 10', 'a.v - 5', 'b.w', 'c.k * 1e300', 'a.s']) },
);

const patternExpr = fc.letrec<{ p: string }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    { weight: 3, arbitrary: pick(['a=A', 'a=A(v > 0)', 'b=B', 'b=B(id = a.id)', 'c=A(k = 1)']) },
    tie('p').map((x) => `every ${x}`),
    fc.tuple(tie('p'), tie('p')).map(([x, y]) => `(${x} -> ${y})`),
    fc.tuple(tie('p'), op(['and', 'or']), tie('p')).map(([x, o, y]) => `(${x} ${o} ${y})`),
    tie('p').map((x) => `not ${x}`),
    fc.tuple(tie('p'), patternPeriodText).map(([x, t]) => `${x} where timer:within(${t})`),
    patternPeriodText.map((t) => `timer:interval(${t})`),
    pick([
      'timer:at(*, *, *, *, *)',
      'timer:at(*, *, *, *, *, 30)',
      'timer:at(5, *, *, *, *)',
      'timer:at(99, *, *, *, *)',
    ]),
    fc.tuple(numberText, tie('p')).map(([n, x]) => `[${n}] ${x}`),
    tie('p').map((x) => `every-distinct(a.id) ${x}`),
  ),
})).p;

export const patternStatement = fc
  .tuple(
    patternExpr,
    fc.oneof({ weight: 4, arbitrary: fc.constant('*') }, pick(['a.id as id', 'b.w as w, a.v as v'])),
  )
  .map(([p, list]) => `select ${list} from pattern [${p}]`);

const quantifier = fc.oneof(
  { weight: 5, arbitrary: pick(['', '+', '*', '?', '{2}', '{1,3}', '{2,}', '+?', '*?']) },
  { weight: 1, arbitrary: pick(['{0,}', '{5000000}', '{2,99999999999999999999999}', '{3,1}']) },
);
/** Whether a quantifier lets its variable match several rows (then measures aggregate it). */
const several = (q: string) => q !== '' && q !== '?';

export const matchRecognize = fc
  .record({
    q1: quantifier,
    q2: quantifier,
    skip: pick(['', ' after match skip to next row', ' after match skip past last row']),
    interval: pick(['', ' interval 2 sec', ' interval 1 sec or terminated']),
    define: pick(['X as X.v > 0', 'Y as Y.v > X.v', 'X as prev(X.v) < X.v, Y as Y.k = 1']),
  })
  .map((m) => {
    const x = several(m.q1) ? 'last(X.id)' : 'X.id';
    const y = several(m.q2) ? 'sum(Y.v)' : 'Y.v';
    // A define may read an earlier variable only when it holds one row.
    const define = several(m.q1) && m.define.includes('Y.v > X.v') ? 'Y as Y.v > 0' : m.define;
    return (
      `select * from A match_recognize (partition by id measures ${x} as id, ${y} as y${m.skip}` +
      ` pattern (X${m.q1} Y${m.q2})${m.interval} define ${define})`
    );
  });

export const infraModule = fc
  .record({ w: window, n: numberText, i: fc.nat(1_000_000) })
  .map(
    ({ w, n, i }) =>
      `create window W${i}${w} as A;\ninsert into W${i} select * from A;\nselect count(*) as c from W${i};\n` +
      `on B as b delete from W${i} as w where w.id = b.id;\ncreate variable double thr${i} = ${n};\n` +
      `on B as b set thr${i} = b.w;\nselect id from A(v > thr${i})`,
  );

export const insertIntoModule = fc
  .tuple(expressionOf('', 2), window, fc.nat(1_000_000))
  .map(
    ([e, w, i]) =>
      `insert into S${i} select id, n, ${e} as x from A;\nselect id, count(*) as c from S${i}${w} group by id`,
  );

type ValueKind = 'num' | 'int' | 'str' | 'bool';

/** A value of the property's type, from a small domain (so that keys, joins and groups meet). */
function rightValue(kind: ValueKind): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'num':
      return fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: -10, max: 10 }) },
        { weight: 1, arbitrary: fc.double() },
      );
    case 'int':
      return fc.integer({ min: -10, max: 10 });
    case 'str':
      return fc.oneof(
        { weight: 3, arbitrary: pick(['x', 'y', 'IBM', '']) },
        { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
      );
    case 'bool':
      return fc.boolean();
  }
}

/** A property value: mostly right for its type, often not. */
function propertyValue(kind: ValueKind): fc.Arbitrary<unknown> {
  const wrong = pick<unknown>([
    null,
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e308,
    -1e308,
    2 ** 53 + 2,
    -(2 ** 60),
    1.5,
    'str',
    '',
    true,
    {},
    [],
    [1, 2],
    { nested: { deep: 1 } },
    'a\nb\u001b[31m',
  ]);
  return fc.oneof({ weight: 4, arbitrary: rightValue(kind) }, { weight: 1, arbitrary: wrong });
}

/**
 * Events of a type: mostly complete and well typed (an event with one wrong value is refused
 * whole, so a stream of mostly-bad events would leave the statements idle), else with
 * missing properties and values of the wrong type.
 */
function eventOf(properties: Readonly<Record<string, ValueKind>>): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(properties);
  const right = Object.fromEntries(entries.map(([name, kind]) => [name, rightValue(kind)]));
  const any = Object.fromEntries(entries.map(([name, kind]) => [name, propertyValue(kind)]));
  return fc.oneof(
    { weight: 5, arbitrary: fc.record(right) },
    { weight: 1, arbitrary: fc.record(any, { requiredKeys: [] }) },
  );
}

export const eventOfA = eventOf({ id: 'str', v: 'num', n: 'int', k: 'int', b: 'bool', s: 'str' });
export const eventOfB = eventOf({ id: 'str', w: 'num', n: 'int', at: 'int' });
export const eventOfC = eventOf({ id: 'str', v: 'num', k: 'int' });
const eventOfO = eventOf({ id: 'str', v: 'num', extra: 'str' });

/**
 * A time step: mostly forward and small, sometimes backwards, negative, far ahead or not a
 * number. Round steps (0, 100, 500 ms, 1 s…) land events on the instants where windows
 * expire and batches and output intervals end (ties between an arrival and a timer), and a
 * step of 0 puts several events in one instant.
 */
export const timeStep = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 3000 }) },
  { weight: 4, arbitrary: pick([0, 0, 100, 200, 500, 1000, 1000, 2000, 3000]) },
  { weight: 2, arbitrary: fc.integer({ min: -2000, max: -1 }) },
  { weight: 1, arbitrary: pick([1e15, -1e15, 86_400_000, Number.NaN, Number.POSITIVE_INFINITY]) },
);

export type Operation =
  | {
      readonly op: 'send';
      readonly type: string;
      readonly event: unknown;
      readonly dt: number;
      readonly untimed: boolean;
    }
  | { readonly op: 'advance'; readonly dt: number }
  | { readonly op: 'flush' }
  /** Several events of A, each `dt` after the one before (sendMany with timestamps). */
  | { readonly op: 'sendMany'; readonly events: readonly unknown[]; readonly dts: readonly number[] }
  /** Undeploys the deployed statement `which` (modulo their number), if it is still deployed. */
  | { readonly op: 'undeploy'; readonly which: number }
  /** Sets the module's first declared variable, if any, through the API. */
  | { readonly op: 'setVariable'; readonly value: unknown };

export const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 24,
    arbitrary: fc
      .tuple(
        fc.oneof(
          { weight: 8, arbitrary: fc.tuple(fc.constant('A'), eventOfA) },
          { weight: 4, arbitrary: fc.tuple(fc.constant('B'), eventOfB) },
          { weight: 1, arbitrary: fc.tuple(fc.constant('O'), eventOfO) },
          { weight: 3, arbitrary: fc.tuple(fc.constant('C'), eventOfC) },
          { weight: 1, arbitrary: fc.tuple(pick(['Z', 'a', '', 'W', 'S2']), eventOfA) },
          {
            weight: 1,
            arbitrary: fc.tuple(fc.constant('A'), pick<unknown>([null, undefined, 5, 'x', [], [1]])),
          },
        ),
        timeStep,
        // An untimed B takes its time from its `at` property (small numbers: mostly late).
        fc
          .nat(5)
          .map((n) => n === 0),
      )
      .map(([[type, event], dt, untimed]) => ({
        op: 'send' as const,
        type,
        event,
        dt,
        untimed: untimed && type === 'B',
      })),
  },
  { weight: 4, arbitrary: timeStep.map((dt) => ({ op: 'advance' as const, dt })) },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(eventOfA, fc.integer({ min: 0, max: 1500 })), { minLength: 1, maxLength: 4 })
      .map((pairs) => ({
        op: 'sendMany' as const,
        events: pairs.map(([e]) => e),
        dts: pairs.map(([, dt]) => dt),
      })),
  },
  { weight: 1, arbitrary: fc.nat(9).map((which) => ({ op: 'undeploy' as const, which })) },
  {
    weight: 1,
    arbitrary: pick<unknown>([0, 2.5, -1, 'x', true, null, Number.NaN, 2 ** 53 + 2, {}]).map((value) => ({
      op: 'setVariable' as const,
      value,
    })),
  },
);

/** Up to 30 operations (fast-check's default size would draw about 5: too few to fill a window). */
export const operations = fc.array(operation, { minLength: 4, maxLength: 30, size: 'max' });

/** One NDJSON line of event input, well-formed or not. */
export const ndjsonLine = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        pick(['A', 'B', 'O', 'C']),
        fc.oneof(eventOfA, eventOfB, eventOfC),
        fc.integer({ min: -5, max: 5000 }),
      )
      .map(([type, data, ts]) => JSON.stringify({ type, ts, data })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(eventOfA, fc.integer({ min: 0, max: 5000 }))
      .map(([e, ts]) => JSON.stringify({ ...e, ts })),
  },
  {
    weight: 2,
    arbitrary: pick([
      '',
      '{',
      '[]',
      'null',
      '"x"',
      '{"type":"A","ts":1}',
      '{"type":"A","ts":1,"data":[1]}',
      '{"type":"A","ts":1,"data":null}',
      '{"type":"A","ts":"1","data":{}}',
      '{"type":"A","ts":1e400,"data":{"v":1e400}}',
      '{"type":"A","ts":1,"data":{"n":9007199254740993}}',
      '{"type":"A\\nB","ts":1,"data":{}}',
      '{"type":"A","ts":1,"data":{"id":"\\u0000\\u001b"}}',
      '{"type":"A","ts":100000000000000000,"data":{}}',
      '{"type":"A","ts":-5,"data":{}}',
      '\u0000\u0001\u0002',
      '\uFEFF{"type":"A","ts":1,"data":{}}',
      `{"type":"O","ts":1,"data":{"id":"x","deep":${'['.repeat(3000)}${']'.repeat(3000)}}}`,
    ]),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

/** CSV input for type A: a header (sometimes wrong) and rows of random cells. */
export const csvFile = fc
  .tuple(
    pick(['id,v,n,k,b,s,ts', 'ts,v,id', 'id,v,zz,ts', '', 'id,id,ts']),
    fc.array(
      fc.array(
        fc.oneof(
          fc.integer({ min: -5, max: 5000 }).map(String),
          pick(['', 'x', 'true', 'NaN', '1e400', '"a,b"', '"unterminated', '9007199254740993', '-0']),
        ),
        { maxLength: 8 },
      ),
      { maxLength: 12 },
    ),
  )
  .map(([header, rows]) => [header, ...rows.map((r) => r.join(','))].join('\n'));
