import type { EventSchema } from '../analyzer/event-schema.js';
/**
 * Turns a user's event object into the row the engine keeps: exactly the declared
 * properties (missing ones null), each checked against its declared type. One generated
 * function per event type, so every row of a type has the same shape (fast property
 * access downstream) and user mutation after `send` cannot reach inside a window.
 */
import { BoundedCache } from '../common/bounded-cache.js';
import { WeirError } from '../common/errors.js';
import { describeArgument, printable } from '../common/printable.js';
import type { Row } from '../common/row.js';
import type { EplType } from '../common/types.js';
import { typeCheckSource } from './type-checks.js';

/** Turns an event into its row; throws runtime/invalid-event when it does not fit the schema. */
export type Normalizer = (event: Row) => Row;

/**
 * The engine's view: `read` returns the row, or undefined when the event does not fit (no
 * throw, so `send` counts the rejection without a try block on its path); `invalid` then
 * builds the error naming what is wrong.
 */
export interface EventReader {
  readonly read: (event: Row) => Row | undefined;
  readonly invalid: (event: Row) => WeirError;
}

const TYPE_NAMES: Partial<Record<EplType, string>> = {
  long: 'long (an integer within ±9007199254740991, where numbers are exact)',
};

/**
 * Readers are shared by every engine declaring the same schema: the generated code is pure,
 * and one function object keeps `send`'s call site monomorphic (so it inlines the copy) when
 * a process runs several engines, as tests and benchmarks do.
 */
const cache = new BoundedCache<string, EventReader>(1_000);

export function eventReader(schema: EventSchema): EventReader {
  const key = JSON.stringify([schema.name, schema.open, [...schema.properties]]);
  return cache.get(key, () => generateReader(schema));
}

/**
 * A closed type's row copied from a row that already fits it (declared properties in order,
 * each null or of its type): the object `read` returns for it, without the checks. For rows
 * lent to the engine for one call (Engine.sendTransient) that a statement keeps.
 */
export type RowCopier = (row: Row) => Row;

const copiers = new BoundedCache<string, RowCopier>(1_000);

export function rowCopier(schema: EventSchema): RowCopier {
  const names = [...schema.properties.keys()];
  const key = JSON.stringify(names);
  return copiers.get(key, () => {
    const fields = names.map((name) => `${JSON.stringify(name)}: r[${JSON.stringify(name)}]`).join(', ');
    return new Function(`return function copyRow(r) { return { ${fields} }; };`)() as RowCopier;
  });
}

/** The throwing form of `eventReader(schema).read`. */
export function makeNormalizer(schema: EventSchema): Normalizer {
  const { read, invalid } = eventReader(schema);
  return (event) => {
    const row = read(event);
    if (row === undefined) throw invalid(event);
    return row;
  };
}

/**
 * Generated per schema: `read`'s fast path takes an object whose properties are all present
 * with their declared types (the common case, small enough for V8 to inline into `send`);
 * otherwise `full` turns missing or null properties into null and returns undefined where a
 * value has the wrong type, reading nothing twice; `problem` names the first wrong property
 * (-1: not an object at all) for the error.
 */
function generateReader(schema: EventSchema): EventReader {
  const names = [...schema.properties.keys()];
  const types = names.map((name) => schema.properties.get(name) as EplType);
  const vars = names.map((_, i) => `v${i}`);
  const loads = names.map((name, i) => `let v${i} = e[${JSON.stringify(name)}];`);
  const checks = (onFail: (i: number) => string) =>
    names.flatMap((_, i) => {
      const check = typeCheckSource(types[i] as EplType, `v${i}`);
      return [
        `if (v${i} === undefined) v${i} = null;`,
        ...(check === undefined ? [] : [`else if (v${i} !== null && !(${check})) ${onFail(i)}`]),
      ];
    });
  const fields = names.map((name, i) => `${JSON.stringify(name)}: v${i}`).join(', ');
  const result = schema.open ? `Object.assign({}, e, { ${fields} })` : `{ ${fields} }`;
  const fast = types.map((type, i) => typeCheckSource(type, `v${i}`) ?? `v${i} !== undefined`);
  const notObject = `typeof e !== 'object' || e === null || Array.isArray(e)`;
  const source = [
    `function full(${['e', ...vars].join(', ')}) {`,
    ...checks(() => 'return undefined;'),
    `  return ${result};`,
    '}',
    'function problem(e) {',
    `  if (${notObject}) return -1;`,
    ...loads,
    ...checks((i) => `return ${i};`),
    '  return -2;',
    '}',
    'function read(e) {',
    `  if (${notObject}) return undefined;`,
    ...loads,
    ...(fast.length === 0 ? [] : [`  if (${fast.join(' && ')}) return ${result};`]),
    `  return full(${['e', ...vars].join(', ')});`,
    '}',
    'return { read, problem };',
  ].join('\n');
  const generated = new Function(source)() as {
    read: (event: Row) => Row | undefined;
    problem: (event: Row) => number;
  };
  const invalid = (event: Row): WeirError => {
    const i = generated.problem(event);
    if (i === -2) throw new Error('EventReader.invalid called on an event that fits its schema');
    if (i < 0) {
      return new WeirError(
        'runtime/invalid-event',
        `An event of type '${printable(schema.name)}' must be an object of properties, got ${describeArgument(event)}`,
      );
    }
    const name = names[i] as string;
    const type = types[i] as EplType;
    return new WeirError(
      'runtime/invalid-event',
      `Property '${printable(name)}' of event type '${printable(schema.name)}' must be ${TYPE_NAMES[type] ?? type}, got ${describeArgument(event[name])}`,
    );
  };
  return { read: generated.read, invalid };
}
