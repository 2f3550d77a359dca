/**
 * Name resolution over the streams of a join. A join row holds one event per stream, under
 * the stream's alias (`{ a: Auction, b: Bid }`), so `a.id` binds to Prop ['a', 'id'].
 * As in Esper, a property may be qualified by the alias or, when only one stream has that
 * type, by the type name; an unqualified property resolves to the one stream that has it,
 * and one that several streams have is an error naming them. `a` alone is the event itself.
 */
import type { PropertyRef } from '../ast/ast.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { type EventSchema, propertyType } from './event-schema.js';
import type { Scope } from './scope.js';

export interface JoinScopeStream {
  readonly alias: string;
  readonly schema: EventSchema;
}

function refText(ref: PropertyRef): string {
  return ref.path.map((s) => (s.index === undefined ? s.name : `${s.name}[${s.index}]`)).join('.');
}

function describe(s: JoinScopeStream): string {
  return s.alias === s.schema.name ? `'${s.alias}'` : `'${s.alias}' (${s.schema.name})`;
}

export function joinScope(streams: readonly JoinScopeStream[]): Scope & {
  /** The stream a `name.*` refers to, or undefined. */
  streamNamed(name: string): JoinScopeStream | undefined;
} {
  const streamNamed = (name: string): JoinScopeStream | undefined => {
    const byAlias = streams.find((s) => s.alias === name);
    if (byAlias !== undefined) return byAlias;
    const byType = streams.filter((s) => s.schema.name === name);
    return byType.length === 1 ? byType[0] : undefined;
  };

  const property = (ref: PropertyRef, stream: JoinScopeStream, name: string): BoundExpr => {
    const type = propertyType(stream.schema, name);
    if (type === undefined) {
      const known = [...stream.schema.properties.keys()].join(', ');
      throw new WeirError(
        'analyze/unknown-property',
        `Property '${refText(ref)}' is not a property of stream ${describe(stream)} (known: ${known})`,
        { span: ref.span },
      );
    }
    return { kind: 'Prop', path: [stream.alias, name], type };
  };

  const unqualified = (ref: PropertyRef, name: string): BoundExpr => {
    // Declared properties decide; an open schema claims an unknown name only when alone.
    let owners = streams.filter((s) => s.schema.properties.has(name));
    if (owners.length === 0) owners = streams.filter((s) => s.schema.open);
    const [owner, ...others] = owners;
    if (owner !== undefined && others.length === 0) return property(ref, owner, name);
    if (owner !== undefined) {
      throw new WeirError(
        'analyze/ambiguous-property',
        `Property '${name}' is ambiguous: streams ${owners.map(describe).join(' and ')} both have it; qualify it, as in ${owner.alias}.${name}`,
        { span: ref.span },
      );
    }
    const alias = streams.find((s) => s.alias === name);
    if (alias !== undefined) return { kind: 'Prop', path: [alias.alias], type: 'any' };
    throw new WeirError(
      'analyze/unknown-property',
      `Property '${name}' is not a property of any joined stream (streams: ${streams.map(describe).join(', ')})`,
      { span: ref.span },
    );
  };

  return {
    resolve(ref) {
      const [head, second, ...rest] = ref.path;
      if (head === undefined || head.index !== undefined || rest.length > 0 || second?.index !== undefined) {
        throw new WeirError(
          'analyze/unknown-property',
          `Property '${refText(ref)}' cannot be resolved: use alias.property, as in ${streams[0]?.alias ?? 'a'}.id`,
          { span: ref.span },
        );
      }
      if (second === undefined) return unqualified(ref, head.name);
      const stream = streamNamed(head.name);
      if (stream === undefined) {
        throw new WeirError(
          'analyze/unknown-stream',
          `'${head.name}' does not name a stream of the join (streams: ${streams.map(describe).join(', ')})`,
          { span: head.span },
        );
      }
      return property(ref, stream, second.name);
    },
    // Esper's `select *` over a join: one column per stream, holding that stream's event.
    wildcard: () => streams.map((s) => ({ name: s.alias, type: 'any' as EplType })),
    hasStreamName: (name) => streamNamed(name) !== undefined,
    streamNamed,
  };
}
