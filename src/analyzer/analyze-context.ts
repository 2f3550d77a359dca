/**
 * `create context C …`: how C partitions statements (Esper's context controllers).
 * - keyed (`partition by k from T, k2 from T2`): one partition per key value, created by its
 *   key's first event; `context.key1`… read the key.
 * - category (`group by cond as label, … from T`): one partition per category, for the
 *   context's life; `context.label` reads it.
 * - initiated (`initiated by … terminated …`): a partition per initiating event, overlapping.
 * - start-end (`start … end …`): one partition at a time.
 * A start or initiating event is readable as `context.<alias>.prop`; every partition has
 * `context.name`, `context.id`, `context.startTime`.
 */
import type { Expr, SelectStatement } from '../ast/ast.js';
import type { ContextCondition, ContextDetail, CreateContext, FilteredStream } from '../ast/infra-ast.js';
import { renderExpressionName } from '../ast/render-name.js';
import { WeirError } from '../common/errors.js';
import type { EplType } from '../common/types.js';
import type { BoundExpr } from '../expr/bound-expr.js';
import { simplifyExpr } from '../expr/simplify-expr.js';
import type { AnalyzedStatement } from '../plan/analyzed-statement.js';
import type {
  ContextConditionDef,
  ContextDef,
  ContextFilter,
  ContextKind,
  ContextPropertyType,
} from '../plan/infra-defs.js';
import { defineStatement } from './analyze-infra.js';
import { crontabSchedule } from './analyze-output-clause.js';
import { conjunction } from './analyze-stream-source.js';
import { type BindContext, bindExpr, timePeriodMs } from './bind-expr.js';
import { bindPattern } from './bind-pattern-source.js';
import { type EventSchema, propertyType } from './event-schema.js';
import type { InfraCatalog } from './infra-catalog.js';
import type { SchemaCatalog } from './schema-catalog.js';
import { type Scope, type TagBinding, streamScope } from './scope.js';

type Properties = Map<string, ContextPropertyType>;

/**
 * The events that started a partition, by name: a start filter's `as` name, a start
 * pattern's tags (a keyed context's `as` names). An end filter reads the single ones as
 * context properties (`terminated by B(id = s.id)`); an end pattern sees them all as tags.
 * A named start pattern (`pattern […] as p`) gives one composite instead (`p.a.id`), which
 * both read as a context property.
 */
interface Started {
  readonly tags: ReadonlyMap<string, TagBinding & { readonly stream: string }>;
  readonly composites: ReadonlyMap<string, ContextPropertyType>;
}

function bindContext(scope: BindContext['scope'], clause: string): BindContext {
  return { scope, aggregates: undefined, clause, prevAllowed: false, priorAllowed: false };
}

/**
 * `started`: names of the event that started the partition (a keyed context's `as` name),
 * which a termination filter may read (`terminated by T(v = s.v)`): context properties.
 */
function contextFilter(
  f: FilteredStream,
  catalog: SchemaCatalog,
  properties: Properties,
  started?: Started,
): ContextFilter {
  const schema = catalog.require(f.stream);
  const own = streamScope(schema, f.alias?.name);
  const ctx = bindContext(
    started === undefined ? own : startedScope(own, started, schema),
    'context filters',
  );
  const filter = conjunction(f.filters.map((x) => simplifyExpr(bindExpr(x, ctx))));
  const alias = f.alias?.name;
  if (alias !== undefined) properties.set(alias, schema.properties);
  return { stream: schema.name, filter, alias };
}

function periodMs(expr: Expr, what: string): number {
  const ms = expr.kind === 'TimePeriod' ? timePeriodMs(expr) : undefined;
  if (ms !== undefined && ms > 0) return ms;
  throw new WeirError(
    'analyze/invalid-argument',
    `${what} requires a positive time period (as in 5 sec), got '${renderExpressionName(expr)}'`,
    { span: expr.span },
  );
}

function condition(
  c: ContextCondition,
  catalog: SchemaCatalog,
  properties: Properties,
  started?: Started,
): ContextConditionDef {
  switch (c.kind) {
    case 'filter':
      return { kind: 'filter', filter: contextFilter(c.filter, catalog, properties, started) };
    case 'after':
      return { kind: 'after', ms: periodMs(c.period, "'after'") };
    case 'crontab': {
      const schedules = c.schedules.map((fields) => crontabSchedule(fields, c.span, 'A context crontab'));
      return {
        kind: 'crontab',
        schedules: schedules.map((s) => s.schedule),
        text: schedules.map((s) => `(${s.text})`).join(', '),
      };
    }
    case 'pattern': {
      const bound = bindPattern(
        c.pattern,
        catalog,
        started?.tags,
        started === undefined ? undefined : (own) => compositeScope(own, started.composites),
      );
      for (const [name, tag] of bound.tags) {
        if (started?.composites.has(name)) {
          throw new WeirError(
            'analyze/invalid-argument',
            `Tag '${name}' for event '${tag.stream}' is already assigned (the start condition names it)`,
            { span: c.span },
          );
        }
      }
      const declare = (name: string, type: ContextPropertyType) => {
        if (properties.has(name)) {
          throw new WeirError(
            'analyze/invalid-argument',
            `The stream or tag name '${name}' is already declared`,
            {
              span: c.span,
            },
          );
        }
        properties.set(name, type);
      };
      // Esper's ContextPropertyEventType.addEndpointTypes: each single tag is a context
      // property, or the whole match under its name (`pattern […] as p`: p.<tag>.<prop>).
      if (c.alias !== undefined) declare(c.alias.name, compositeType(bound.tags));
      else for (const [name, tag] of bound.tags) if (!tag.isArray) declare(name, tag.schema.properties);
      return {
        kind: 'pattern',
        pattern: bound.pattern,
        streams: bound.pattern.streams,
        ownTags: [...bound.tags.keys()],
        inclusive: c.inclusive,
        alias: c.alias?.name,
        text: bound.text,
      };
    }
  }
}

function contextKind(
  name: string,
  detail: ContextDetail,
  catalog: SchemaCatalog,
  properties: Properties,
): ContextKind {
  switch (detail.kind) {
    case 'keyed': {
      let keyTypes: EplType[] | undefined;
      const items = detail.items.map((item) => {
        const filter = contextFilter(item.filter, catalog, properties);
        const schema = catalog.require(item.filter.stream);
        const ctx = bindContext(streamScope(schema, item.filter.alias?.name), 'partition keys');
        const keys = item.properties.map((p) => bindExpr(p, ctx));
        const types = keys.map((k) => k.type);
        if (keyTypes === undefined) keyTypes = types;
        else if (keyTypes.length !== types.length) {
          throw new WeirError(
            'analyze/invalid-argument',
            `Every stream of a keyed context gives the same number of key properties: ${item.filter.stream.name} gives ${types.length}, the first gives ${keyTypes.length}`,
            { span: item.span },
          );
        }
        return { filter, keys };
      });
      const types = keyTypes ?? [];
      types.forEach((t, i) => properties.set(`key${i + 1}`, t));
      const initiatedBy = detail.initiatedBy.map((init) => {
        if (!items.some((i) => i.filter.stream === init.stream.name)) {
          throw new WeirError(
            'analyze/invalid-argument',
            `Segmented context '${name}' requires that all of the event types that are listed in the initiated-by also appear in the partition-by, type '${init.stream.name}' is not one of the types listed in partition-by`,
            { span: init.span },
          );
        }
        if (init.alias !== undefined && items.some((i) => i.filter.alias !== undefined)) {
          throw new WeirError(
            'analyze/invalid-argument',
            `Segmented context '${name}' requires that either partition-by or initiated-by assign stream names, but not both`,
            { span: init.alias.span },
          );
        }
        return contextFilter(init, catalog, properties);
      });
      // The stream names a termination filter may read: the event that started the partition.
      const started = new Map<string, TagBinding & { stream: string }>();
      for (const f of [...items.map((i) => i.filter), ...initiatedBy]) {
        if (f.alias !== undefined) {
          const schema = catalog.require({ name: f.stream, span: detail.span });
          started.set(f.alias, { schema, isArray: false, stream: schema.name });
        }
      }
      const startedEvents: Started = { tags: started, composites: new Map() };
      const terminatedBy =
        detail.terminatedBy === undefined
          ? undefined
          : condition(detail.terminatedBy, catalog, properties, startedEvents);
      return { kind: 'keyed', items, keyTypes: types, initiatedBy, terminatedBy };
    }
    case 'category': {
      const schema = catalog.require(detail.from.stream);
      const filter = contextFilter(detail.from, catalog, properties);
      const ctx = bindContext(streamScope(schema, detail.from.alias?.name), 'context categories');
      const categories = detail.groups.map((g) => ({
        label: g.label.name,
        condition: simplifyExpr(bindExpr(g.condition, ctx)),
      }));
      properties.set('label', 'string');
      return { kind: 'category', stream: schema.name, filter: filter.filter, categories };
    }
    case 'initiated': {
      const start = condition(detail.start, catalog, properties);
      let distinct: BoundExpr[] | undefined;
      if (detail.distinct !== undefined) {
        // Esper: the distinct values are those of the initiating event, so it needs a filter.
        if (detail.start.kind !== 'filter') {
          throw new WeirError(
            'analyze/invalid-argument',
            "'initiated by distinct(…)' requires that the initiating condition is an event filter, as in initiated by distinct(k) T as t",
            { span: detail.span },
          );
        }
        const f = detail.start.filter;
        if (f.alias === undefined) {
          throw new WeirError(
            'analyze/invalid-argument',
            "Distinct-expressions require that a stream name is assigned to the stream using 'as'",
            { span: f.span },
          );
        }
        const ctx = bindContext(streamScope(catalog.require(f.stream), f.alias?.name), 'distinct values');
        distinct = detail.distinct.map((e) => bindExpr(e, ctx));
      }
      return {
        kind: 'initiated',
        now: detail.now,
        distinct,
        start,
        end:
          detail.end === undefined
            ? undefined
            : condition(detail.end, catalog, properties, startedBy(detail.start, start, catalog)),
      };
    }
    case 'start-end': {
      const start = detail.start === 'now' ? 'now' : condition(detail.start, catalog, properties);
      return {
        kind: 'start-end',
        start,
        end:
          detail.end === undefined
            ? undefined
            : condition(
                detail.end,
                catalog,
                properties,
                detail.start === 'now' || start === 'now'
                  ? undefined
                  : startedBy(detail.start, start, catalog),
              ),
      };
    }
    case 'nested':
      throw new WeirError('analyze/unsupported', 'Nested contexts are not supported', { span: detail.span });
  }
}

export function analyzeCreateContext(
  item: CreateContext,
  index: number,
  catalog: SchemaCatalog,
  infra: InfraCatalog,
): AnalyzedStatement {
  const properties: Properties = new Map<string, EplType | ReadonlyMap<string, EplType>>([
    ['name', 'string'],
    ['id', 'int'],
    ['startTime', 'long'],
  ]);
  // Esper's initiated/terminated and start/end contexts also have the expected end time.
  if (item.detail.kind === 'initiated' || item.detail.kind === 'start-end') properties.set('endTime', 'long');
  const detail = contextKind(item.name.name, item.detail, catalog, properties);
  const def: ContextDef = {
    name: item.name.name,
    levels: [{ name: item.name.name, detail }],
    properties,
  };
  infra.declareContext(def, item.name);
  return defineStatement(item, index, { kind: 'context', def }, []);
}

/**
 * A statement in a keyed or category context must read a stream the context names (Esper:
 * "Segmented context requires that any of the event types that are listed … also appear in
 * any of the filter expressions of the statement"); events of other streams would reach no
 * partition.
 */
export function checkContextStreams(item: SelectStatement, context: ContextDef): void {
  const detail = context.levels[0]?.detail;
  if (detail === undefined || (detail.kind !== 'keyed' && detail.kind !== 'category')) return;
  const named = detail.kind === 'keyed' ? detail.items.map((i) => i.filter.stream) : [detail.stream];
  const streams = item.from.flatMap((f) => (f.kind === 'StreamSource' ? [f.stream] : []));
  if (streams.length === 0 || streams.some((s) => named.includes(s.name))) return;
  const first = streams[0] as (typeof streams)[number];
  throw new WeirError(
    'analyze/invalid-argument',
    `Context '${context.name}' partitions ${named.join(', ')} events: a statement in it must read one of them, not only ${streams.map((s) => s.name).join(', ')}`,
    { span: first.span },
  );
}

/** `s.prop`, `s` being the starting event's name (not the filtered stream's): a context property. */
function startedScope(own: Scope, started: Started, schema: EventSchema): Scope {
  const composites = compositeScope(own, started.composites);
  return {
    ...own,
    resolve(ref) {
      const [head, prop, ...rest] = ref.path;
      const starting =
        head === undefined || head.name === schema.name ? undefined : started.tags.get(head.name);
      if (starting !== undefined && !starting.isArray && prop !== undefined && rest.length === 0) {
        const type = propertyType(starting.schema, prop.name);
        if (type !== undefined) return { kind: 'ContextProp', path: [head?.name as string, prop.name], type };
      }
      return composites.resolve(ref);
    },
  };
}

/** `p.a.id`, `p` a named start pattern: a context property (the match's events by tag). */
function compositeScope(own: Scope, composites: ReadonlyMap<string, ContextPropertyType>): Scope {
  if (composites.size === 0) return own;
  return {
    ...own,
    resolve(ref) {
      const names = ref.path.map((p) => p.name);
      let type = names[0] === undefined ? undefined : composites.get(names[0]);
      if (type === undefined || ref.path.some((p) => p.index !== undefined)) return own.resolve(ref);
      for (const name of names.slice(1)) {
        if (typeof type === 'string') return own.resolve(ref);
        type = type.get(name);
        if (type === undefined) return own.resolve(ref);
      }
      return { kind: 'ContextProp', path: names, type: typeof type === 'string' ? type : 'any' };
    },
  };
}

/** The type of a named match: each tag's event type (an array tag: any). */
function compositeType(tags: ReadonlyMap<string, TagBinding>): ContextPropertyType {
  return new Map([...tags].map(([name, tag]) => [name, tag.isArray ? 'any' : tag.schema.properties]));
}

/**
 * The events a start condition names, which the end condition may read: a filter's `as`
 * name (`initiated by T as t`), a pattern's tags or its name (Esper's
 * populateEndConditionFromTrigger).
 */
function startedBy(
  start: ContextCondition,
  bound: ContextConditionDef,
  catalog: SchemaCatalog,
): Started | undefined {
  if (start.kind === 'filter' && start.filter.alias !== undefined) {
    const schema = catalog.require(start.filter.stream);
    return {
      tags: new Map([[start.filter.alias.name, { schema, isArray: false, stream: schema.name }]]),
      composites: new Map(),
    };
  }
  if (bound.kind !== 'pattern') return undefined;
  const tags = new Map<string, TagBinding & { stream: string }>();
  for (const tag of bound.pattern.tags) {
    const schema = catalog.require({ name: tag.stream, span: start.span });
    tags.set(tag.name, { schema, isArray: tag.isArray, stream: tag.stream });
  }
  if (bound.alias === undefined) return { tags, composites: new Map() };
  return { tags: new Map(), composites: new Map([[bound.alias, compositeType(tags)]]) };
}
