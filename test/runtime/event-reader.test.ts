/**
 * The engine's event reader (runtime/event-normalizer.ts) against a plain reference: the row
 * it keeps (declared properties only, missing or null ones null, values as given), or
 * undefined with an error naming the first property of the wrong type. The generated reader
 * has a fast path (every property present with its type) and a general one; random events
 * exercise both and must agree with the one rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventSchema } from '../../src/analyzer/event-schema.js';
import type { Row } from '../../src/common/row.js';
import type { EplType } from '../../src/common/types.js';
import { eventReader, makeNormalizer } from '../../src/runtime/event-normalizer.js';

const TYPES: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  double: (v) => typeof v === 'number',
  int: (v) => Number.isInteger(v),
  long: (v) => Number.isSafeInteger(v),
  boolean: (v) => typeof v === 'boolean',
  object: () => true,
};

function schema(props: readonly (readonly [string, string])[], open: boolean): EventSchema {
  return {
    name: 'E',
    properties: new Map(props.map(([n, t]) => [n, t as EplType])),
    timestampProperty: undefined,
    open,
    declared: true,
  };
}

/** The reference: the row, or the name of the first property whose value has the wrong type. */
function reference(s: EventSchema, e: unknown): { row: Row } | { wrong: string } {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return { wrong: '(not an object)' };
  const event = e as Row;
  const row: Row = {};
  for (const [name, type] of s.properties) {
    const v = event[name];
    if (v === undefined || v === null) row[name] = null;
    else if (!(TYPES[type] as (v: unknown) => boolean)(v)) return { wrong: name };
    else row[name] = v;
  }
  return { row: s.open ? Object.assign({}, event, row) : row };
}

const PROPS = fc.uniqueArray(
  fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.constantFrom(...Object.keys(TYPES))),
  { selector: ([n]) => n, maxLength: 5 },
);
const VALUE = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 3 }),
  fc.integer(),
  fc.double(),
  fc.constant(2 ** 53),
  fc.boolean(),
  fc.constant({ x: 1 }),
);

describe('eventReader', () => {
  it('keeps the declared properties or names the first one of the wrong type (property)', () => {
    fc.assert(
      fc.property(
        PROPS,
        fc.boolean(),
        fc.oneof(
          { weight: 8, arbitrary: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'z'), VALUE) },
          { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer(), fc.constant([1, 2])) },
        ),
        (props, open, event) => {
          const s = schema(props, open);
          const reader = eventReader(s);
          const expected = reference(s, event);
          const row = reader.read(event as Row);
          if ('wrong' in expected) {
            expect(row).toBeUndefined();
            const message = reader.invalid(event as Row).message;
            if (expected.wrong === '(not an object)')
              expect(message).toContain('must be an object of properties');
            else expect(message).toContain(`Property '${expected.wrong}' of event type 'E' must be`);
            expect(() => makeNormalizer(s)(event as Row)).toThrow(message);
          } else {
            expect(row).toEqual(expected.row);
            // Same key order as the reference (rows of a type share one shape), -0 kept.
            expect(Object.keys(row as Row)).toEqual(Object.keys(expected.row));
            for (const k of Object.keys(expected.row))
              expect(Object.is((row as Row)[k], expected.row[k])).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads each property of the event once, also when the fast path declines', () => {
    const reads: string[] = [];
    const event = new Proxy({ a: 'x', b: null } as Row, {
      get(target, key) {
        reads.push(String(key));
        return target[key as string];
      },
    });
    const row = eventReader(
      schema(
        [
          ['a', 'string'],
          ['b', 'double'],
        ],
        false,
      ),
    ).read(event);
    expect(row).toEqual({ a: 'x', b: null });
    expect(reads).toEqual(['a', 'b']);
  });
});
