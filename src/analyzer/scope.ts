/**
 * Name resolution: what a property reference means in one part of a statement.
 * A stream statement resolves `price` and `alias.price` against its event type; a pattern
 * statement resolves `a.id`, `a[0].v` against the match row (tag → event or event array);
 * a pattern filter additionally sees earlier tags through `ctx.tags` (TagProp).
 */
import type { PropertyRef } from '../ast/ast.js';
import { didYouMean } from '../common/closest-name.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { type EventSchema, propertyType } from './event-schema.js';

export interface Scope {
  resolve(ref: PropertyRef): BoundExpr;
  /** Column names and types for `select *`. */
  wildcard(): readonly { name: string; type: EplType }[];
  /** Whether `name.*` names this scope's stream. */
  hasStreamName(name: string): boolean;
}

function unknownProperty(ref: PropertyRef, where: string, known: Iterable<string>): WeirError {
  const text = ref.path.map((s) => (s.index === undefined ? s.name : `${s.name}[${s.index}]`)).join('.');
  const names = [...known];
  const hint = names.length > 0 ? ` (known: ${names.join(', ')})` : '';
  const last = ref.path[ref.path.length - 1]?.name ?? text;
  return new WeirError(
    'analyze/unknown-property',
    `Property '${text}' is not a property of ${where}${didYouMean(last, names)}${hint}`,
    {
      span: ref.span,
    },
  );
}

/** A single stream, optionally aliased: `from StockTick as t`. */
export function streamScope(schema: EventSchema, alias: string | undefined): Scope {
  const names = new Set([schema.name, ...(alias === undefined ? [] : [alias])]);
  return {
    resolve(ref) {
      let segments = ref.path;
      const head = segments[0];
      if (segments.length > 1 && head !== undefined && names.has(head.name) && head.index === undefined) {
        segments = segments.slice(1);
      }
      const [first, ...rest] = segments;
      if (first === undefined || rest.length > 0 || first.index !== undefined) {
        throw unknownProperty(ref, `event type '${schema.name}'`, schema.properties.keys());
      }
      const type = propertyType(schema, first.name);
      if (type === undefined)
        throw unknownProperty(ref, `event type '${schema.name}'`, schema.properties.keys());
      return { kind: 'Prop', path: [first.name], type };
    },
    wildcard: () => [...schema.properties].map(([name, type]) => ({ name, type })),
    hasStreamName: (name) => names.has(name),
  };
}

/** What a pattern tag holds. */
export interface TagBinding {
  readonly schema: EventSchema;
  /** Tags inside a repeat or until collect arrays of events. */
  readonly isArray: boolean;
}

/**
 * Resolves `tag.prop`, `tag[i].prop`, `tag` against tag bindings. `source` says where the
 * tag lives: in the row (pattern select list, the row is the match) or in ctx.tags (filters).
 */
export function tagScope(tags: ReadonlyMap<string, TagBinding>, source: 'row' | 'ctx', inner?: Scope): Scope {
  return {
    resolve(ref) {
      const [head, ...rest] = ref.path;
      const tag = head === undefined ? undefined : tags.get(head.name);
      if (head === undefined || tag === undefined) {
        if (inner !== undefined) return inner.resolve(ref);
        throw unknownProperty(ref, 'the pattern (no such tag)', tags.keys());
      }
      const path: (string | number)[] = [];
      if (head.index !== undefined) path.push(head.index);
      let type: EplType = 'any';
      if (rest.length === 1 && rest[0] !== undefined && rest[0].index === undefined) {
        const prop = rest[0].name;
        const t = propertyType(tag.schema, prop);
        if (t === undefined)
          throw unknownProperty(ref, `event type '${tag.schema.name}'`, tag.schema.properties.keys());
        if (tag.isArray && head.index === undefined) {
          throw new WeirError(
            'analyze/unknown-property',
            `Tag '${head.name}' holds several events: index it, as in ${head.name}[0].${prop}`,
            { span: ref.span },
          );
        }
        path.push(prop);
        type = t;
      } else if (rest.length > 1) {
        throw unknownProperty(ref, `event type '${tag.schema.name}'`, tag.schema.properties.keys());
      }
      return source === 'row'
        ? { kind: 'Prop', path: [head.name, ...path], type }
        : { kind: 'TagProp', tag: head.name, path, type };
    },
    wildcard: () => [...tags.keys()].map((name) => ({ name, type: 'any' as EplType })),
    hasStreamName: () => false,
  };
}

/** Rows with known columns (match_recognize measures, or an inferred stream). */
export function columnScope(columns: ReadonlyMap<string, EplType>, what: string): Scope {
  return {
    resolve(ref) {
      const [first, ...rest] = ref.path;
      const type = first === undefined ? undefined : columns.get(first.name);
      if (first === undefined || rest.length > 0 || type === undefined)
        throw unknownProperty(ref, what, columns.keys());
      return { kind: 'Prop', path: [first.name], type };
    },
    wildcard: () => [...columns].map(([name, type]) => ({ name, type })),
    hasStreamName: () => false,
  };
}
