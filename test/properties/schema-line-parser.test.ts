/**
 * The schema-specialised line parsers (envelope and flat) against the general path (JSON.parse, interpretLine,
 * then the engine's normalizer) on random lines: wherever the fast parser answers, the record
 * and the normalized row (or the normalizer's error) must be identical, key order and -0
 * included; wherever it declines, the general path decides, so it cannot differ.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventSchema } from '../../src/analyzer/event-schema.js';
import type { Row } from '../../src/common/row.js';
import type { EplType } from '../../src/common/types.js';
import type { EventRecord, ReadItem, ReaderOptions } from '../../src/io/event-record.js';
import { interpretLine } from '../../src/io/line-interpreter.js';
import { makeEnvelopeParser, makeFlatParser } from '../../src/io/schema-line-parser.js';
import type { EventSchemaInfo } from '../../src/runtime/api.js';
import { makeNormalizer } from '../../src/runtime/event-normalizer.js';

type Declared = EventSchemaInfo['properties'][number]['type'];

const DECLARED: [string, Declared][] = [
  ['s', 'string'],
  ['d', 'double'],
  ['l', 'long'],
  ['i', 'int'],
  ['b', 'boolean'],
  ['a', 'any'],
];

function schemaPair(name: string, props: [string, Declared][], open: boolean) {
  const info: EventSchemaInfo = {
    name,
    properties: props.map(([n, type]) => ({ name: n, type })),
    timestampProperty: undefined,
    open,
  };
  const schema: EventSchema = {
    name,
    properties: new Map(props.map(([n, t]) => [n, t as EplType])),
    timestampProperty: undefined,
    open,
    declared: true,
  };
  return { info, normalize: makeNormalizer(schema) };
}

const SCHEMAS = {
  T: schemaPair('T', DECLARED, false),
  U: schemaPair('U', [['k', 'string']], true),
  E: schemaPair('E', [], false),
};
const parse = makeEnvelopeParser(Object.values(SCHEMAS).map((s) => s.info));

/** Number spellings JSON allows (and a few it does not), beyond what JSON.stringify writes. */
const numberText = fc.oneof(
  fc.double().map((d) => JSON.stringify(d)),
  fc.integer().map(String),
  fc
    .tuple(
      fc.constantFrom('', '-'),
      fc.constantFrom(
        '0',
        '1',
        '9',
        '12',
        '100',
        '123456789012345',
        '1234567890123456',
        '98765432109876543210',
      ),
      fc.constantFrom('', '.0', '.5', '.25', '.000001', '.1234567890123', '.00000000000000000000000001'),
      fc.constantFrom('', 'e5', 'E-3', 'e+2', 'e400', 'e-400', 'E0'),
    )
    .map(([s, i, f, e]) => s + i + f + e),
  fc.constantFrom('-0', '-0.0', '0.0', '1e400', '01', '1.', '.5', '-', '+1', '1e', '0x10', 'NaN'),
);

const stringText = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9 _.-]{0,12}$/).map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.string().map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }).map((s) => JSON.stringify(s)) },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: fc.constantFrom('a', 'Z', ' ', 'é', '€', '😀', '\\', '"', '/') })
      .map((s) => JSON.stringify(s)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('"S82"', '"a\\"b"', '"\\u0041"', '"tab\there"', '"x\\ny"', '""', '"\\/"'),
  },
);

const valueText = fc.oneof(
  { weight: 3, arbitrary: numberText },
  { weight: 3, arbitrary: stringText },
  fc.constantFrom('true', 'false', 'null', 'tru', 'nul', '{}', '{"x":1}', '[]', '[1,"a"]', '"'),
);

/** Mostly a value of the declared type (so the fast path is exercised), sometimes anything. */
function valueFor(type: Declared) {
  const typed =
    type === 'string'
      ? stringText
      : type === 'boolean'
        ? fc.constantFrom('true', 'false')
        : type === 'any'
          ? valueText
          : numberText;
  return fc.oneof(
    { weight: 12, arbitrary: typed },
    { weight: 1, arbitrary: fc.constant('null') },
    { weight: 1, arbitrary: valueText },
  );
}

const space = fc.constantFrom('', '', '', '', ' ', '\t');

/** The entries of a data object: the declared ones in order by default, sometimes perturbed. */
const dataText = (props: [string, Declared][]) =>
  fc
    .tuple(
      fc.tuple(...props.map(([, type]) => valueFor(type))),
      fc.constantFrom(...Array(12).fill('as declared'), 'shuffled', 'one missing', 'one extra', 'dup'),
      fc.nat(),
      space,
    )
    .map(([values, shape, seed, ws]) => {
      let entries = props.map(([name], i) => [name, values[i] as string] as [string, string]);
      if (shape === 'shuffled' && entries.length > 1)
        entries = [...entries.slice(1), entries[0] as [string, string]];
      if (shape === 'one missing' && entries.length > 0) entries.splice(seed % entries.length, 1);
      if (shape === 'one extra') entries.splice(seed % (entries.length + 1), 0, ['extra', '1']);
      if (shape === 'dup' && entries.length > 0)
        entries.push(entries[seed % entries.length] as [string, string]);
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${ws}${v}`).join(',')}}`;
    });

const line = fc
  .tuple(
    fc.constantFrom('T', 'T', 'T', 'U', 'E', 'Nope', 'TT'),
    fc.oneof({ weight: 4, arbitrary: numberText }, fc.constantFrom('null', '"1000"', 'true')),
    fc.constantFrom(...Array(12).fill('canonical'), 'no ts', 'ts last', 'spaced', 'crlf', 'trailing'),
  )
  .chain(([type, ts, layout]) => {
    const props = type === 'T' ? DECLARED : type === 'U' ? ([['k', 'string']] as [string, Declared][]) : [];
    return dataText(props).map((data) => {
      const t = JSON.stringify(type);
      switch (layout) {
        case 'no ts':
          return `{"type":${t},"data":${data}}`;
        case 'ts last':
          return `{"type":${t},"data":${data},"ts":${ts}}`;
        case 'spaced':
          return `{ "type": ${t}, "ts": ${ts}, "data": ${data} }`;
        case 'crlf':
          return `{"type":${t},"ts":${ts},"data":${data}}\r`;
        case 'trailing':
          return `{"type":${t},"ts":${ts},"data":${data}} `;
        default:
          return `{"type":${t},"ts":${ts},"data":${data}}`;
      }
    });
  });

/** The general path's answer for one line (no BOM, not blank). */
function generalPath(text: string, options: ReaderOptions = { timeField: 'ts' }): ReadItem | 'invalid JSON' {
  const body = text.endsWith('\r') ? text.slice(0, -1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'invalid JSON';
  }
  return interpretLine(value, 'f', 7, options, (type) => type in SCHEMAS);
}

/** Same keys in the same order, same values (Object.is: -0 is not 0). */
function expectIdentical(actual: unknown, expected: unknown): void {
  if (typeof expected === 'object' && expected !== null) {
    expect(typeof actual).toBe('object');
    expect(Object.keys(actual as object)).toEqual(Object.keys(expected));
    for (const k of Object.keys(expected)) {
      expectIdentical((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]);
    }
    return;
  }
  expect(Object.is(actual, expected)).toBe(true);
}

function normalized(record: EventRecord): Row | string {
  try {
    return SCHEMAS[record.type as keyof typeof SCHEMAS].normalize(record.event);
  } catch (e) {
    return (e as Error).message;
  }
}

describe('the schema-specialised line parsers', () => {
  it('envelopes: answer exactly as JSON.parse + interpretLine + the normalizer, or decline', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(line, (text) => {
        runs++;
        const bytes = Buffer.from(`${text}\nnext`);
        const cursor = { pos: -1 };
        const fast = parse?.(bytes, 0, bytes.length, cursor, 'f', 7);
        if (fast === undefined) return;
        taken++;
        expect(cursor.pos).toBe(Buffer.byteLength(text));
        const general = generalPath(text);
        expect(general).not.toBe('invalid JSON');
        expect(general).not.toBeInstanceOf(Error);
        expectIdentical(fast, general);
        expectIdentical(normalized(fast), normalized(general as EventRecord));
      }),
      { numRuns: 3000 },
    );
    // The generator must exercise the fast path, not only the fallback.
    expect(taken).toBeGreaterThan(runs / 10);
  });

  it('reads the plain layout, -0, exponents, nulls, unicode and CRLF', () => {
    const cases = [
      '{"type":"T","ts":1000,"data":{"s":"é😀","d":-0,"l":12345678901234567890,"i":1e3,"b":false,"a":null}}',
      '{"type":"T","ts":-0.5,"data":{"s":null,"d":0.1,"l":-7,"i":null,"b":true,"a":"x"}}\r',
      '{"type":"U","ts":2,"data":{"k":"v"}}',
      '{"type":"E","ts":3,"data":{}}',
    ];
    for (const text of cases) {
      const bytes = Buffer.from(`${text}\n`);
      const fast = parse?.(bytes, 0, bytes.length, { pos: 0 }, 'f', 7);
      expect(fast).toBeDefined();
      expectIdentical(fast, generalPath(text));
    }
  });

  it('declines escapes, whitespace, other key orders, extra or missing properties and bad numbers', () => {
    const cases = [
      '{"type":"T","ts":1,"data":{"s":"a\\"b","d":1,"l":1,"i":1,"b":true,"a":1}}',
      '{"type":"T", "ts":1,"data":{"s":"a","d":1,"l":1,"i":1,"b":true,"a":1}}',
      '{"type":"T","ts":1,"data":{"d":1,"s":"a","l":1,"i":1,"b":true,"a":1}}',
      '{"type":"T","ts":1,"data":{"s":"a","d":1,"l":1,"i":1,"b":true}}',
      '{"type":"T","ts":1,"data":{"s":"a","d":1,"l":1,"i":1,"b":true,"a":1,"x":2}}',
      '{"type":"T","ts":1,"data":{"s":"a","d":01,"l":1,"i":1,"b":true,"a":1}}',
      '{"type":"T","ts":1e400,"data":{"s":"a","d":1,"l":1,"i":1,"b":true,"a":1}}',
      '{"type":"T","ts":1,"data":{"s":"a","d":"1","l":1,"i":1,"b":true,"a":1}}',
      '{"type":"T","ts":1,"data":{"s":"a","d":1,"l":1,"i":1,"b":true,"a":{"n":1}}}',
      '{"type":"Nope","ts":1,"data":{}}',
      '{"type":"U","ts":1,"data":{"k":"v"}}x',
    ];
    for (const text of cases) {
      const bytes = Buffer.from(`${text}\n`);
      expect(parse?.(bytes, 0, bytes.length, { pos: 0 }, 'f', 7)).toBeUndefined();
    }
  });

  it('declines a line cut off by the end of the bytes it may read', () => {
    const text = '{"type":"U","ts":2,"data":{"k":"v"}}\n';
    const bytes = Buffer.from(text);
    for (let end = 0; end < bytes.length; end++) {
      expect(parse?.(bytes, 0, end, { pos: 0 }, 'f', 7)).toBeUndefined();
    }
  });

  it('flat lines with --type: answer exactly as the general path, or decline', () => {
    let taken = 0;
    let runs = 0;
    const flatLine = fc.tuple(
      dataText(DECLARED),
      fc.constantFrom('l', 'd', 's', 'a', 'zz'),
      fc.constantFrom('', '', '', '', '\r', ' '),
    );
    fc.assert(
      fc.property(flatLine, ([data, timeField, ending]) => {
        runs++;
        const flat = makeFlatParser(SCHEMAS.T.info, timeField);
        const text = data + ending;
        const bytes = Buffer.from(`${text}\n{}`);
        const cursor = { pos: -1 };
        const fast = flat?.(bytes, 0, bytes.length, cursor, 'f', 7);
        if (fast === undefined) return;
        taken++;
        expect(cursor.pos).toBe(Buffer.byteLength(text));
        const general = generalPath(text, { type: 'T', timeField });
        expect(general).not.toBe('invalid JSON');
        expect(general).not.toBeInstanceOf(Error);
        expectIdentical(fast, general);
        expectIdentical(normalized(fast), normalized(general as EventRecord));
      }),
      { numRuns: 3000 },
    );
    // Six typed values in a row: a smaller share of lines fits, still hundreds per run.
    expect(taken).toBeGreaterThan(runs / 20);
  });

  it('flat lines: reads the time from --time-field, null as no time, and declines a string time', () => {
    const flat = makeFlatParser(SCHEMAS.T.info, 'l');
    const read = (text: string) => {
      const bytes = Buffer.from(`${text}\n`);
      return flat?.(bytes, 0, bytes.length, { pos: 0 }, 'f', 7);
    };
    const row = (l: string) => `{"s":"a","d":1.5,"l":${l},"i":2,"b":true,"a":null}`;
    expect(read(row('1000'))).toEqual({
      type: 'T',
      timestamp: 1000,
      event: { s: 'a', d: 1.5, l: 1000, i: 2, b: true, a: null },
      file: 'f',
      line: 7,
    });
    expect(read(row('null'))?.timestamp).toBeUndefined();
    expect(read(row('"soon"'))).toBeUndefined();
    expect(read(row('1e400'))).toBeUndefined();
    expect(read('{"type":"T","ts":1,"data":{}}')).toBeUndefined();
  });

  it('decodes raw non-ASCII bytes in strings (invalid UTF-8 included) as the text path does', () => {
    const bytesInString = fc.uint8Array({ minLength: 0, maxLength: 12 }).map((bytes) =>
      // Keep the string closed and unescaped: no quote, backslash or control byte.
      bytes.map((b) => (b < 0x20 || b === 0x22 || b === 0x5c ? b | 0x80 : b)),
    );
    fc.assert(
      fc.property(bytesInString, (raw) => {
        const line = Buffer.concat([
          Buffer.from('{"type":"U","ts":1,"data":{"k":"'),
          Buffer.from(raw),
          Buffer.from('"}}\n'),
        ]);
        const fast = parse?.(line, 0, line.length, { pos: 0 }, 'f', 7);
        expect(fast).toBeDefined();
        expectIdentical(fast, generalPath(line.toString('utf8', 0, line.length - 1)));
      }),
      { numRuns: 2000 },
    );
  });
});
