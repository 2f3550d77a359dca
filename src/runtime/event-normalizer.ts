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

export type Normalizer = (event: Row) => Row;

const CHECKS: Partial<Record<EplType, string>> = {
  string: `typeof v !== 'string'`,
  double: `typeof v !== 'number'`,
  int: '!Number.isInteger(v)',
  // Beyond 2^53 a number is no longer exact: 9007199254740993 reads as …992. Refused, not rounded silently.
  long: '!Number.isSafeInteger(v)',
  boolean: `typeof v !== 'boolean'`,
};

const TYPE_NAMES: Partial<Record<EplType, string>> = {
  long: 'long (an integer within ±9007199254740991, where numbers are exact)',
};

/**
 * Normalizers are shared by every engine declaring the same schema: the generated code is
 * pure, and one function object keeps `send`'s call site monomorphic (so it inlines the
 * copy) when a process runs several engines, as tests and benchmarks do.
 */
const cache = new BoundedCache<string, Normalizer>(1_000);

export function makeNormalizer(schema: EventSchema): Normalizer {
  const key = JSON.stringify([schema.name, schema.open, [...schema.properties]]);
  return cache.get(key, () => generateNormalizer(schema));
}

function generateNormalizer(schema: EventSchema): Normalizer {
  const fail = (property: string, type: EplType, value: unknown): never => {
    throw new WeirError(
      'runtime/invalid-event',
      `Property '${printable(property)}' of event type '${printable(schema.name)}' must be ${TYPE_NAMES[type] ?? type}, got ${describeArgument(value)}`,
    );
  };
  const notAnObject = (value: unknown): never => {
    throw new WeirError(
      'runtime/invalid-event',
      `An event of type '${printable(schema.name)}' must be an object of properties, got ${describeArgument(value)}`,
    );
  };
  const names = [...schema.properties.keys()];
  const lines: string[] = [];
  names.forEach((name, i) => {
    const type = schema.properties.get(name) as EplType;
    const check = CHECKS[type];
    lines.push(`let v${i} = e[${JSON.stringify(name)}];`);
    lines.push(`if (v${i} === undefined) v${i} = null;`);
    if (check !== undefined) {
      lines.push(
        `else if (v${i} !== null) { const v = v${i}; if (${check}) fail(${JSON.stringify(name)}, ${JSON.stringify(type)}, v); }`,
      );
    }
  });
  const fields = names.map((name, i) => `${JSON.stringify(name)}: v${i}`).join(', ');
  const result = schema.open ? `Object.assign({}, e, { ${fields} })` : `{ ${fields} }`;
  const guard = `if (typeof e !== 'object' || e === null || Array.isArray(e)) notAnObject(e);`;
  const body = `return function normalize(e) {\n${guard}\n${lines.join('\n')}\nreturn ${result};\n};`;
  return new Function('fail', 'notAnObject', body)(fail, notAnObject) as Normalizer;
}
