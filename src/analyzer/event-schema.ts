/** Event types known to an engine: declared with `create schema` or inferred from `insert into`. */
import type { EplType } from '../common/types.js';

export interface EventSchema {
  readonly name: string;
  /** Properties in declaration order. */
  readonly properties: ReadonlyMap<string, EplType>;
  /** The long property holding the event time, when declared with `timestamp prop`. */
  readonly timestampProperty: string | undefined;
  /** Events may carry undeclared properties (read as type any). */
  readonly open: boolean;
  /** Declared by `create schema` (false: inferred from an `insert into` select list). */
  readonly declared: boolean;
}

export function propertyType(schema: EventSchema, name: string): EplType | undefined {
  return schema.properties.get(name) ?? (schema.open ? 'any' : undefined);
}
