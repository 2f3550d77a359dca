/** The event types an engine knows, in declaration order. */
import type { CreateSchema, Identifier } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { EventSchema } from './event-schema.js';

export class SchemaCatalog {
  private readonly schemas = new Map<string, EventSchema>();

  constructor(initial: Iterable<EventSchema> = []) {
    for (const s of initial) this.schemas.set(s.name, s);
  }

  get(name: string): EventSchema | undefined {
    return this.schemas.get(name);
  }

  require(id: Identifier): EventSchema {
    const schema = this.schemas.get(id.name);
    if (schema !== undefined) return schema;
    const known = [...this.schemas.keys()];
    const hint =
      known.length === 0
        ? ' (no event types are declared: add `create schema …`)'
        : ` (known: ${known.join(', ')})`;
    throw new WeirError(
      'analyze/unknown-stream',
      `Event type or stream '${id.name}' is not declared${hint}`,
      {
        span: id.span,
      },
    );
  }

  all(): EventSchema[] {
    return [...this.schemas.values()];
  }

  declare(item: CreateSchema): EventSchema {
    const existing = this.schemas.get(item.name.name);
    if (existing !== undefined) {
      throw new WeirError('analyze/duplicate-schema', `Event type '${item.name.name}' is already declared`, {
        span: item.name.span,
      });
    }
    const properties = new Map<string, EplType>();
    for (const p of item.properties) {
      if (properties.has(p.name.name)) {
        throw new WeirError('analyze/duplicate-schema', `Property '${p.name.name}' is declared twice`, {
          span: p.name.span,
        });
      }
      properties.set(p.name.name, p.type);
    }
    const ts = item.timestampProperty;
    if (ts !== undefined) {
      const type = properties.get(ts.name);
      if (type !== 'long' && type !== 'int' && type !== 'double') {
        throw new WeirError(
          'analyze/type-mismatch',
          `The timestamp property '${ts.name}' must be a declared long property of '${item.name.name}'`,
          { span: ts.span },
        );
      }
    }
    const schema: EventSchema = {
      name: item.name.name,
      properties,
      timestampProperty: ts?.name,
      open: item.open,
      declared: true,
    };
    this.schemas.set(schema.name, schema);
    return schema;
  }

  /**
   * A named window's row type, under the window's name (`insert into W` and `from W` resolve
   * it like a declared type). Declared, so inserts are checked against its columns.
   */
  declareWindowType(id: Identifier, properties: ReadonlyMap<string, EplType>): EventSchema {
    if (this.schemas.has(id.name)) {
      throw new WeirError(
        'analyze/duplicate-schema',
        `Cannot create named window '${id.name}': an event type or stream by that name already exists`,
        { span: id.span },
      );
    }
    const schema: EventSchema = {
      name: id.name,
      properties,
      timestampProperty: undefined,
      open: false,
      declared: true,
    };
    this.schemas.set(schema.name, schema);
    return schema;
  }

  /** An `insert into` target nobody declared: its type comes from the producer's select list. */
  infer(name: string, properties: ReadonlyMap<string, EplType>): EventSchema {
    const existing = this.schemas.get(name);
    if (existing !== undefined) return existing;
    const schema: EventSchema = {
      name,
      properties,
      timestampProperty: undefined,
      open: false,
      declared: false,
    };
    this.schemas.set(name, schema);
    return schema;
  }
}
