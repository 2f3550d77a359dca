/**
 * Remembers which event types exist so a reader can report an unknown type with its file
 * and line (`io/unknown-event-type`) while asking the schema lookup once per type, not once
 * per event.
 */
import type { EventSchemaInfo } from '../runtime/api.js';

export type TypeCheck = (type: string) => boolean;

/** `unknown event type 'X' (declared: A, B)`: the list helps spot a typo. */
export function unknownTypeMessage(type: string, names: readonly string[] | undefined): string {
  if (names === undefined) return `unknown event type '${type}'`;
  return `unknown event type '${type}' (declared: ${names.length === 0 ? 'none' : names.join(', ')})`;
}

export function knownTypes(schemaOf: ((type: string) => EventSchemaInfo | undefined) | undefined): TypeCheck {
  if (schemaOf === undefined) return () => true;
  const seen = new Map<string, boolean>();
  return (type) => {
    let known = seen.get(type);
    if (known === undefined) {
      known = schemaOf(type) !== undefined;
      seen.set(type, known);
    }
    return known;
  };
}
